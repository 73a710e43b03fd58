"""What the respondent's pages share: the session keys, the respondent's language, rendering in
it, the pages for a link that does not work, and the draft the session holds."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from .. import selectors
from ..models import Draft, Round
from ..tokens import format_resume_code

SESSION_DRAFT = "respondent_draft"
SESSION_RESUME_CODE = "respondent_resume_code"
SESSION_SUBMITTED = "respondent_submitted"
SESSION_LANGUAGE = "respondent_language"
SESSION_OPEN_LINK = "respondent_open_link"  # the draft came from an open link (rate limited)
SESSION_ROUND = "respondent_round"  # the draft's round, to explain a draft gone at closing
SESSION_THANKS_ROUND = "respondent_thanks_round"  # when results come, on the thank-you page
# A page sent with unanswered statements is shown again once with a note (?ubesvart=1); the form
# then carries ubesvart=1, and «Gå videre likevel» goes on.
WARNED = "ubesvart"


def chosen_language(request) -> str | None:
    """The language the respondent chose last: on the welcome page, in the questionnaire or in
    the footer (Django's language cookie), else the one of the draft they entered (the session,
    so the thank-you and «already answered» pages keep it after the draft is gone)."""
    languages = dict(settings.LANGUAGES)
    for language in (
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        request.session.get(SESSION_LANGUAGE),
    ):
        if language in languages:
            return language
    return None


def remember_language(request, response, language):
    """Every respondent page from now on follows this language (Django's language cookie, set
    as its set_language view sets it, and the session)."""
    request.session[SESSION_LANGUAGE] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def render_in_language(request, template, context=None, *, status=200, language=None):
    """Render a respondent page in the language the respondent chose, else in `language` (the
    kommune's målform where the page belongs to a kommune), else as LocaleMiddleware found."""
    language = chosen_language(request) or language
    if language not in dict(settings.LANGUAGES):
        return render(request, template, context, status=status)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        return render(request, template, context, status=status)


def round_not_open(request, round_, language=None):
    status = 410 if round_.is_closed() else 403
    return render_in_language(
        request, "respond/round_not_open.html", {"round": round_}, status=status, language=language
    )


def invalid_link(request):
    return render_in_language(request, "respond/invalid_link.html", status=404)


def already_answered(request, language=None):
    return render_in_language(
        request, "respond/already_answered.html", status=409, language=language
    )


def enter_draft(request, draft, resume_code=None):
    request.session.cycle_key()
    request.session[SESSION_DRAFT] = draft.pk
    request.session[SESSION_LANGUAGE] = draft.language
    request.session[SESSION_ROUND] = draft.participation.round_id
    request.session.pop(SESSION_SUBMITTED, None)
    if draft.open_link_id:
        request.session[SESSION_OPEN_LINK] = True
    else:
        request.session.pop(SESSION_OPEN_LINK, None)
    if resume_code:
        request.session[SESSION_RESUME_CODE] = resume_code


def session_resume_code(request) -> str | None:
    code = request.session.get(SESSION_RESUME_CODE)
    return format_resume_code(code) if code else None


def rate_limited(request, review_url=None):
    return render_in_language(
        request, "respond/rate_limited.html", {"review_url": review_url}, status=429
    )


def review_page_url(draft) -> str:
    spec = selectors.get_instrument_spec(draft.participation.round.instrument)
    pages = selectors.questionnaire_pages(spec, draft.data.get("staff_group"))
    return reverse("assessment:page", args=[len(pages)])


def session_draft(request) -> Draft | None:
    draft_id = request.session.get(SESSION_DRAFT)
    if not draft_id:
        return None
    return (
        Draft.objects.select_related(
            "participation__round__instrument", "participation__municipality"
        )
        .filter(pk=draft_id)
        .first()
    )


def closed_round_of_session(request):
    """The respondent's round, if it has closed: its drafts are deleted at publication, so a
    respondent midway gets «the survey has closed», not «we can't find your answers»."""
    round_id = request.session.get(SESSION_ROUND)
    round_ = Round.objects.filter(pk=round_id).first() if round_id else None
    return round_ if round_ is not None and round_.is_closed() else None


def no_draft(request):
    if request.session.get(SESSION_SUBMITTED):
        return redirect("assessment:thanks")
    closed = closed_round_of_session(request)
    if closed is not None:
        return round_not_open(request, closed)
    return render_in_language(request, "respond/no_draft.html", status=404)
