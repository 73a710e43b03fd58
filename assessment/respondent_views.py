"""The respondent's path: link → welcome → background → statements → choices → review → thanks.

No login. The draft lives on the server and is found through the session; personal links resume
on any device, open links through a short resume code.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import ratelimit, selectors, services
from .forms import (
    BackgroundForm,
    ChoicesForm,
    CodeForm,
    OutcomesForm,
    ResumeForm,
    StatementsForm,
)
from .models import Draft, Round
from .tokens import format_resume_code, normalize_code

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


def _chosen_language(request) -> str | None:
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


def _remember_language(request, response, language):
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


def _render(request, template, context=None, *, status=200, language=None):
    """Render a respondent page in the language the respondent chose, else in `language` (the
    kommune's målform where the page belongs to a kommune), else as LocaleMiddleware found."""
    language = _chosen_language(request) or language
    if language not in dict(settings.LANGUAGES):
        return render(request, template, context, status=status)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        return render(request, template, context, status=status)


def _round_not_open(request, round_, language=None):
    status = 410 if round_.is_closed() else 403
    return _render(
        request, "respond/round_not_open.html", {"round": round_}, status=status, language=language
    )


def _invalid_link(request):
    return _render(request, "respond/invalid_link.html", status=404)


def _already_answered(request, language=None):
    return _render(request, "respond/already_answered.html", status=409, language=language)


def _enter_draft(request, draft, resume_code=None):
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


def _resume_code(request) -> str | None:
    code = request.session.get(SESSION_RESUME_CODE)
    return format_resume_code(code) if code else None


def _rate_limited(request, review_url=None):
    return _render(request, "respond/rate_limited.html", {"review_url": review_url}, status=429)


def _review_url(draft) -> str:
    spec = selectors.get_instrument_spec(draft.participation.round.instrument)
    pages = selectors.questionnaire_pages(spec, draft.data.get("staff_group"))
    return reverse("assessment:page", args=[len(pages)])


@never_cache
def personal_link(request, token):
    invitation = selectors.find_invitation(token) or selectors.find_invitation(
        normalize_code(token)
    )
    if invitation is None:
        return _invalid_link(request)
    language = invitation.participation.municipality.default_language
    try:
        draft = services.start_personal_draft(
            invitation=invitation, language=_chosen_language(request)
        )
    except services.AlreadyAnswered:
        return _already_answered(request, language)
    except services.RoundNotOpen as exc:
        return _round_not_open(request, exc.round, language)
    _enter_draft(request, draft)
    return _remember_language(request, redirect("assessment:page", page=draft.page), draft.language)


@never_cache
@require_http_methods(["GET", "POST"])
def enter_code(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = normalize_code(form.cleaned_data["code"])
        if selectors.find_invitation(code) is not None:
            return redirect("assessment:personal_link", token=code)
        form.add_error("code", _("Vi fant ingen gyldig kode. Sjekk at du har skrevet den riktig."))
    return _render(request, "respond/enter_code.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request, token):
    link = selectors.find_open_link(token)
    if link is None:
        return _invalid_link(request)
    participation = link.participation
    if not participation.round.is_open():
        return _round_not_open(
            request, participation.round, participation.municipality.default_language
        )
    language = request.POST.get("language")
    if language not in dict(settings.LANGUAGES):
        language = _chosen_language(request) or participation.municipality.default_language
    if request.method == "POST":
        if not ratelimit.allow(request, "draft"):
            return _rate_limited(request)
        try:
            draft, code = services.start_open_draft(link=link, language=language)
        except services.RoundNotOpen as exc:
            return _round_not_open(request, exc.round)
        _enter_draft(request, draft, resume_code=code)
        return _remember_language(request, redirect("assessment:page", page=1), draft.language)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        return render(
            request,
            "respond/welcome.html",
            {
                "participation": participation,
                "round": participation.round,
                "open_link": link,
                "language": language,
                "min_group_size": participation.round.effective_min_group_size,
            },
        )


@never_cache
@require_http_methods(["GET", "POST"])
def resume(request):
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = services.find_draft_by_resume_code(code=form.cleaned_data["code"])
        if draft is not None:
            _enter_draft(request, draft, resume_code=normalize_code(form.cleaned_data["code"]))
            return _remember_language(
                request, redirect("assessment:page", page=draft.page or 1), draft.language
            )
        form.add_error(
            "code",
            _(
                "Vi fant ingen påbegynt besvarelse med denne koden. Sjekk koden, eller start på nytt."
            ),
        )
    return _render(request, "respond/resume.html", {"form": form})


def _session_draft(request) -> Draft | None:
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


def _closed_round_of_session(request):
    """The respondent's round, if it has closed: its drafts are deleted at publication, so a
    respondent midway gets «the survey has closed», not «we can't find your answers»."""
    round_id = request.session.get(SESSION_ROUND)
    round_ = Round.objects.filter(pk=round_id).first() if round_id else None
    return round_ if round_ is not None and round_.is_closed() else None


def _no_draft(request):
    if request.session.get(SESSION_SUBMITTED):
        return redirect("assessment:thanks")
    closed = _closed_round_of_session(request)
    if closed is not None:
        return _round_not_open(request, closed)
    return _render(request, "respond/no_draft.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def page(request, page):
    draft = _session_draft(request)
    if draft is None:
        return _no_draft(request)
    round_ = draft.participation.round
    if not round_.is_open():
        return _round_not_open(request, round_)
    translation.activate(draft.language)
    request.LANGUAGE_CODE = draft.language
    spec = selectors.get_instrument_spec(round_.instrument)
    staff_group = draft.data.get("staff_group")
    pages = selectors.questionnaire_pages(spec, staff_group)
    if page == 0:
        return render(request, "respond/welcome.html", _context(request, draft, pages, 0))
    if page > len(pages) and staff_group:
        return redirect("assessment:page", page=len(pages))
    if not 1 <= page <= len(pages) or (page > 1 and not staff_group):
        return redirect("assessment:page", page=1)
    current = pages[page - 1]
    form = _form_for(current, draft, spec, request.POST if request.method == "POST" else None)
    if request.method == "POST" and current.kind != "review" and form.is_valid():
        nav = request.POST.get("nav")
        if nav == "back":
            continue_at = max(page - 1, 1)
        elif nav == "pause":
            continue_at = page
        elif _unanswered(current, draft, form) and not request.POST.get(WARNED):
            continue_at = page  # shown again with a note; the answers given are kept
        else:
            continue_at = page + 1
        services.save_draft_page(
            draft=draft, page=page, values=form.to_draft(), continue_at=continue_at
        )
        if nav == "pause":
            return redirect("assessment:paused")
        if continue_at == page:
            return redirect(f"{reverse('assessment:page', args=[page])}?{WARNED}=1#{WARNED}")
        pages = selectors.questionnaire_pages(spec, draft.data.get("staff_group"))
        return redirect("assessment:page", page=min(continue_at, len(pages)))
    context = _context(request, draft, pages, page)
    context.update({"form": form, "current": current})
    if current.kind == "dimension" and request.method == "GET" and request.GET.get(WARNED):
        context["unanswered"] = _unanswered(current, draft)
    if current.kind == "review":
        context["progress_detail"] = selectors.draft_progress(spec, draft)
        context["requirement"] = context["progress_detail"]["requirement"]
    return render(request, f"respond/page_{current.kind}.html", context)


def _unanswered(current, draft, form=None) -> list:
    """The statements of a dimension page left without an answer («vet ikke» is an answer):
    from the form just sent, or else from the draft."""
    if current.kind != "dimension":
        return []
    items = current.dimension.items_for(draft.data.get("staff_group"))
    if form is not None:
        return [item for item in items if not form.cleaned_data.get(item.code)]
    answers = draft.data.get("answers", {})
    return [item for item in items if not answers.get(item.code)]


def _form_for(current, draft, spec, data):
    answers = draft.data.get("answers", {})
    if current.kind == "background":
        initial = {k: draft.data.get(k) for k in ("staff_group", "sector", "unit", "tenure")}
        return BackgroundForm(data, initial=initial, participation=draft.participation)
    if current.kind == "dimension":
        staff_group = draft.data.get("staff_group")
        items = current.dimension.items_for(staff_group)
        initial = {item.code: answers.get(item.code) for item in items}
        return StatementsForm(
            data,
            initial=initial,
            items=items,
            language=draft.language,
            split_missing=spec.split_missing,
        )
    if current.kind == "choices":
        initial = {k: draft.data.get(k, []) for k in ("barriers", "promoters")}
        return ChoicesForm(data, initial=initial, spec=spec, language=draft.language)
    if current.kind == "outcomes":
        initial = draft.data.get("outcomes", {})
        question_kinds = {q.code: q.select for q in spec.outcomes.questions}
        initial = {
            code: values[0] if question_kinds.get(code) == "one" and values else values
            for code, values in initial.items()
        }
        return OutcomesForm(data, initial=initial, spec=spec, language=draft.language)
    return None


def _context(request, draft, pages, page):
    return {
        "draft": draft,
        "participation": draft.participation,
        "round": draft.participation.round,
        "language": draft.language,
        "page_number": page,
        "page_count": len(pages),
        "percent": int(round(100 * max(page - 1, 0) / max(len(pages) - 1, 1))),
        "resume_code": _resume_code(request),
        "min_group_size": draft.participation.round.effective_min_group_size,
    }


@require_POST
def change_language(request):
    """The respondent's language switch: in the questionnaire (back to `page`, the draft
    follows) and on the open link's welcome page before any draft exists (back to `next`)."""
    language = request.POST.get("language", "")
    valid = language in dict(settings.LANGUAGES)
    draft = _session_draft(request)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if next_url and (valid or draft is not None):
        # The welcome page of an open link: back to it, in the language chosen (a draft the
        # session may hold from before keeps its own language).
        response = redirect(next_url)
        return _remember_language(request, response, language) if valid else response
    if draft is None:
        return _no_draft(request)
    services.set_draft_language(draft=draft, language=language)
    next_page = request.POST.get("page", "1")
    response = redirect("assessment:page", page=int(next_page) if next_page.isdecimal() else 1)
    return _remember_language(request, response, draft.language)


@never_cache
@require_POST
def submit(request):
    draft_id = request.session.get(SESSION_DRAFT)
    if not draft_id:
        return _no_draft(request)
    if request.session.get(SESSION_OPEN_LINK) and not ratelimit.allow(request, "submit"):
        draft = _session_draft(request)
        return _rate_limited(request, _review_url(draft) if draft else None)
    try:
        services.submit_draft(draft_id=draft_id)
    except services.NotEnoughAnswers:
        draft = _session_draft(request)
        return redirect(_review_url(draft)) if draft else _no_draft(request)
    except services.AlreadyAnswered:
        if request.session.get(SESSION_SUBMITTED):
            return redirect("assessment:thanks")
        closed = _closed_round_of_session(request)
        if closed is not None:
            return _round_not_open(request, closed)
        return _already_answered(request)
    except services.RoundNotOpen as exc:
        return _round_not_open(request, exc.round)
    except ValidationError:
        return redirect("assessment:page", page=1)
    request.session.pop(SESSION_DRAFT, None)
    request.session.pop(SESSION_RESUME_CODE, None)
    request.session.pop(SESSION_OPEN_LINK, None)
    request.session[SESSION_THANKS_ROUND] = request.session.pop(SESSION_ROUND, None)
    request.session[SESSION_SUBMITTED] = True
    return redirect("assessment:thanks")


@never_cache
@require_safe
def thanks(request):
    if not request.session.get(SESSION_SUBMITTED):
        raise Http404
    round_id = request.session.get(SESSION_THANKS_ROUND)
    round_ = Round.objects.filter(pk=round_id).first() if isinstance(round_id, int) else None
    return _render(request, "respond/thanks.html", {"round": round_})


@never_cache
@require_safe
def paused(request):
    draft = _session_draft(request)
    if draft is None:
        return _no_draft(request)
    return _render(
        request,
        "respond/paused.html",
        {
            "draft": draft,
            "resume_code": _resume_code(request),
            "resume_url": reverse("assessment:resume"),
        },
    )
