"""Pages for action plans (kommune and unit), the staff page and KS's view of the cycle. Views
parse input and call reports.action_plans (writes) and reports.selectors.plan_page and
reports.selectors.plan_cycle (reads)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessment.selectors import get_instrument_spec, get_round
from municipalities.models import Municipality, OrgUnit
from municipalities.selectors import (
    ReportScope,
    get_access_for_user,
    get_municipality_for_coordinator,
    require_national,
)

from . import action_plans
from .forms import ActionForm, DiscussionForm, FocusForm, StatusForm
from .models import Action
from .publication import ensure_published
from .selectors.plan_cycle import national_cycle
from .selectors.plan_page import (
    ks_tools,
    plan_page,
    plan_permissions,
    plan_units_for_user,
    unit_plan_overview,
)
from .selectors.staff_page import find_staff_page, staff_page_content
from .views import ResultsNotPublished, _pending, results_view


def _plan_scope(request, slug, number, unit_id):
    municipality = Municipality.objects.filter(number=number).first()
    if municipality is None:
        raise Http404
    unit = None
    if unit_id is not None:
        unit = OrgUnit.objects.filter(pk=unit_id, municipality=municipality).first()
        if unit is None:
            raise Http404
    permissions = plan_permissions(request.user, municipality, unit)
    round_ = get_round(slug)
    if not round_.participations.filter(municipality=municipality).exists():
        raise Http404
    if not ensure_published(round_):
        raise ResultsNotPublished(round_, ReportScope(municipality=municipality))
    return round_, permissions


def _forms(spec, plan, data=None, op=None):
    focus_choices = [(d.code, d.label) for d in spec.dimensions if plan and d.code in plan.focus]
    tools = ks_tools(spec)
    return {
        "focus_form": FocusForm(
            data if op == "focus" else None,
            spec=spec,
            initial={"focus": plan.focus if plan else []},
        ),
        "discussion_form": DiscussionForm(
            data if op == "discussion" else None,
            initial={"forum": plan.discussed_forum, "on": plan.discussed_on} if plan else None,
        ),
        "action_form": ActionForm(
            data if op == "add_action" else None, focus=focus_choices, tools=tools
        ),
        "focus_choices": focus_choices,
        "tools": tools,
    }


def _handle(request, round_, permissions, spec, plan):
    """Apply one POSTed change. Returns (ok, forms); nothing changes when it fails."""
    op = request.POST.get("op")
    user = request.user
    forms = _forms(spec, plan, request.POST, op)
    if op in ("focus", "discussion", "add_action", "update_action") and not permissions.can_edit:
        raise Http404
    if op == "sign" and not permissions.can_sign:
        raise Http404
    try:
        if op == "focus":
            form = forms["focus_form"]
            if not form.is_valid():
                return False, forms
            action_plans.save_focus(
                round_=round_,
                municipality=permissions.municipality,
                unit=permissions.unit,
                focus=form.cleaned_data["focus"],
                user=user,
            )
            messages.success(request, _("Innsatsområdene er lagret."))
        elif op in ("discussion", "add_action", "update_action", "sign") and plan is None:
            raise ValidationError(_("Velg innsatsområder først."))
        elif op == "discussion":
            form = forms["discussion_form"]
            if not form.is_valid():
                return False, forms
            action_plans.record_discussion(plan=plan, user=user, **form.cleaned_data)
            messages.success(request, _("Drøftingen er registrert."))
        elif op == "add_action":
            form = forms["action_form"]
            if not form.is_valid():
                return False, forms
            action_plans.add_action(plan=plan, user=user, **form.cleaned_data)
            messages.success(request, _("Tiltaket er lagt til."))
        elif op == "update_action":
            raw_id = request.POST.get("action", "")
            action = (
                Action.objects.filter(plan=plan, pk=int(raw_id)).first()
                if raw_id.isdecimal() and len(raw_id) < 12
                else None
            )
            if action is None:
                raise Http404
            if request.POST.get("full"):
                form = ActionForm(request.POST, focus=forms["focus_choices"], tools=forms["tools"])
            else:
                form = StatusForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [error for errors in form.errors.values() for error in errors]
                )
            action_plans.update_action(action=action, user=user, **form.cleaned_data)
            messages.success(request, _("Tiltaket er oppdatert."))
        elif op == "sign":
            action_plans.sign_plan(plan=plan, user=user)
            messages.success(request, _("Du har signert planen."))
        else:
            raise ValidationError(_("Ukjent handling. Last siden på nytt og prøv igjen."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False, forms
    return True, forms


@login_required
@require_http_methods(["GET", "POST"])
@results_view
def action_plan(request, slug, number, unit_id=None):
    round_, permissions = _plan_scope(request, slug, number, unit_id)
    spec = get_instrument_spec(round_.instrument)
    page = plan_page(round_, permissions, spec)
    status = 200
    if request.method == "POST":
        ok, forms = _handle(request, round_, permissions, spec, page["plan"])
        if ok:
            return redirect(request.path)
        status = 400
    else:
        forms = _forms(spec, page["plan"])
    units = []
    if permissions.unit is None:
        units = unit_plan_overview(
            round_, plan_units_for_user(request.user, permissions.municipality)
        )
    context = {
        "round": round_,
        "municipality": permissions.municipality,
        "unit": permissions.unit,
        "permissions": permissions,
        "unit_plans": units,
        "coordinates": get_access_for_user(request.user).can_coordinate(
            permissions.municipality.pk
        ),
        **page,
        **forms,
    }
    return render(request, "reports/plans/plan.html", context, status=status)


@login_required
@require_POST
def staff_page_publish(request, number, slug):
    """The coordinator publishes (or takes down) the kommune's page for its staff."""
    municipality = get_municipality_for_coordinator(request.user, number)
    round_ = get_round(slug)
    if not round_.participations.filter(municipality=municipality).exists():
        raise Http404
    ensure_published(round_)
    round_.refresh_from_db()
    try:
        if request.POST.get("op") == "revoke":
            action_plans.revoke_staff_page(round_=round_, municipality=municipality)
            messages.success(
                request, _("Siden for ansatte er tatt ned. Lenken og QR-koden virker ikke lenger.")
            )
        elif request.POST.get("op") == "publish":
            action_plans.publish_staff_page(round_=round_, municipality=municipality)
            messages.success(request, _("Siden for ansatte er publisert."))
        else:
            raise ValidationError(_("Ukjent handling. Last siden på nytt og prøv igjen."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(reverse("reports:dashboard", args=[number, slug]) + "#ansattside")


@never_cache
@require_safe
def staff_page(request, token):
    """«Resultatene deles med dere»: no login; 404 for an unknown or revoked link."""
    page = find_staff_page(token)
    if page is None:
        raise Http404
    response = render(request, "reports/plans/staff_page.html", staff_page_content(page))
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_safe
def action_cycle(request, slug):
    """KS: which focus dimensions the kommuner chose and how their actions stand."""
    require_national(request.user)
    round_ = get_round(slug)
    if not ensure_published(round_):
        return _pending(request, round_)
    spec = get_instrument_spec(round_.instrument)
    return render(request, "reports/plans/cycle.html", national_cycle(round_, spec))
