"""The ways into the questionnaire (personal link, printed code, open link, resume code) and the
pages after it (thanks, paused)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from .. import ratelimit, selectors, services
from ..forms import (
    CodeForm,
    ResumeForm,
)
from ..models import Round
from ..tokens import normalize_code
from .session import (
    SESSION_SUBMITTED,
    SESSION_THANKS_ROUND,
    already_answered,
    chosen_language,
    enter_draft,
    invalid_link,
    no_draft,
    rate_limited,
    remember_language,
    render_in_language,
    round_not_open,
    session_draft,
    session_resume_code,
)


@never_cache
def personal_link(request, token):
    invitation = selectors.find_invitation(token) or selectors.find_invitation(
        normalize_code(token)
    )
    if invitation is None:
        return invalid_link(request)
    language = invitation.participation.municipality.default_language
    try:
        draft = services.start_personal_draft(
            invitation=invitation, language=chosen_language(request)
        )
    except services.AlreadyAnswered:
        return already_answered(request, language)
    except services.RoundNotOpen as exc:
        return round_not_open(request, exc.round, language)
    enter_draft(request, draft)
    return remember_language(request, redirect("assessment:page", page=draft.page), draft.language)


@never_cache
@require_http_methods(["GET", "POST"])
def enter_code(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = normalize_code(form.cleaned_data["code"])
        if selectors.find_invitation(code) is not None:
            return redirect("assessment:personal_link", token=code)
        form.add_error("code", _("Vi fant ingen gyldig kode. Sjekk at du har skrevet den riktig."))
    return render_in_language(request, "respond/enter_code.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request, token):
    link = selectors.find_open_link(token)
    if link is None:
        return invalid_link(request)
    participation = link.participation
    if not participation.round.is_open():
        return round_not_open(
            request, participation.round, participation.municipality.default_language
        )
    language = request.POST.get("language")
    if language not in dict(settings.LANGUAGES):
        language = chosen_language(request) or participation.municipality.default_language
    if request.method == "POST":
        if not ratelimit.allow(request, "draft"):
            return rate_limited(request)
        try:
            draft, code = services.start_open_draft(link=link, language=language)
        except services.RoundNotOpen as exc:
            return round_not_open(request, exc.round)
        enter_draft(request, draft, resume_code=code)
        return remember_language(request, redirect("assessment:page", page=1), draft.language)
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
            enter_draft(request, draft, resume_code=normalize_code(form.cleaned_data["code"]))
            return remember_language(
                request, redirect("assessment:page", page=draft.page or 1), draft.language
            )
        form.add_error(
            "code",
            _(
                "Vi fant ingen påbegynt besvarelse med denne koden. Sjekk koden, eller start på nytt."
            ),
        )
    return render_in_language(request, "respond/resume.html", {"form": form})


@never_cache
@require_safe
def thanks(request):
    if not request.session.get(SESSION_SUBMITTED):
        raise Http404
    round_id = request.session.get(SESSION_THANKS_ROUND)
    round_ = Round.objects.filter(pk=round_id).first() if isinstance(round_id, int) else None
    return render_in_language(request, "respond/thanks.html", {"round": round_})


@never_cache
@require_safe
def paused(request):
    draft = session_draft(request)
    if draft is None:
        return no_draft(request)
    return render_in_language(
        request,
        "respond/paused.html",
        {
            "draft": draft,
            "resume_code": session_resume_code(request),
            "resume_url": reverse("assessment:resume"),
        },
    )
