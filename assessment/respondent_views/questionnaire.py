"""The questionnaire's pages (background, statements, choices, outcomes, review), the language
switch and the submission."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import ratelimit, selectors, services
from ..forms import (
    BackgroundForm,
    ChoicesForm,
    OutcomesForm,
    StatementsForm,
)
from .session import (
    SESSION_DRAFT,
    SESSION_OPEN_LINK,
    SESSION_RESUME_CODE,
    SESSION_ROUND,
    SESSION_SUBMITTED,
    SESSION_THANKS_ROUND,
    WARNED,
    already_answered,
    closed_round_of_session,
    no_draft,
    rate_limited,
    remember_language,
    review_page_url,
    round_not_open,
    session_draft,
    session_resume_code,
)


@never_cache
@require_http_methods(["GET", "POST"])
def page(request, page):
    draft = session_draft(request)
    if draft is None:
        return no_draft(request)
    round_ = draft.participation.round
    if not round_.is_open():
        return round_not_open(request, round_)
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
        "resume_code": session_resume_code(request),
        "min_group_size": draft.participation.round.effective_min_group_size,
    }


@require_POST
def change_language(request):
    """The respondent's language switch: in the questionnaire (back to `page`, the draft
    follows) and on the open link's welcome page before any draft exists (back to `next`)."""
    language = request.POST.get("language", "")
    valid = language in dict(settings.LANGUAGES)
    draft = session_draft(request)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if next_url and (valid or draft is not None):
        # The welcome page of an open link: back to it, in the language chosen (a draft the
        # session may hold from before keeps its own language).
        response = redirect(next_url)
        return remember_language(request, response, language) if valid else response
    if draft is None:
        return no_draft(request)
    services.set_draft_language(draft=draft, language=language)
    next_page = request.POST.get("page", "1")
    response = redirect("assessment:page", page=int(next_page) if next_page.isdecimal() else 1)
    return remember_language(request, response, draft.language)


@never_cache
@require_POST
def submit(request):
    draft_id = request.session.get(SESSION_DRAFT)
    if not draft_id:
        return no_draft(request)
    if request.session.get(SESSION_OPEN_LINK) and not ratelimit.allow(request, "submit"):
        draft = session_draft(request)
        return rate_limited(request, review_page_url(draft) if draft else None)
    try:
        services.submit_draft(draft_id=draft_id)
    except services.NotEnoughAnswers:
        draft = session_draft(request)
        return redirect(review_page_url(draft)) if draft else no_draft(request)
    except services.AlreadyAnswered:
        if request.session.get(SESSION_SUBMITTED):
            return redirect("assessment:thanks")
        closed = closed_round_of_session(request)
        if closed is not None:
            return round_not_open(request, closed)
        return already_answered(request)
    except services.RoundNotOpen as exc:
        return round_not_open(request, exc.round)
    except ValidationError:
        return redirect("assessment:page", page=1)
    request.session.pop(SESSION_DRAFT, None)
    request.session.pop(SESSION_RESUME_CODE, None)
    request.session.pop(SESSION_OPEN_LINK, None)
    request.session[SESSION_THANKS_ROUND] = request.session.pop(SESSION_ROUND, None)
    request.session[SESSION_SUBMITTED] = True
    return redirect("assessment:thanks")
