"""Reads for one action plan (issue 14): who may see, edit and co-sign it, the plan page with its
actions per focus dimension, co-signatures and history, and the units' plans at a glance.

Plans hold no answers and no figures: only what the kommune chose to do."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import Round
from municipalities.models import Municipality, OrgUnit, localized
from municipalities.selectors import get_access_for_user

from ..models import Action, ActionPlan, ActionStatus, PlanEventKind

DONE_STATUSES = (ActionStatus.DONE,)


# --- Who may do what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPermissions:
    """What one user may do with the plan of a kommune (unit None) or one of its units."""

    municipality: Municipality
    unit: OrgUnit | None
    can_edit: bool
    can_sign: bool


def plan_permissions(user, municipality: Municipality, unit: OrgUnit | None) -> PlanPermissions:
    """The kommune plan: the coordinator edits it; its tillitsvalgte read and co-sign it; its unit
    leaders read it. A unit plan: its unit leader edits it; leaders of a unit above it, the
    coordinator and the tillitsvalgte read it (the tillitsvalgte co-sign). KS sees plans only as
    national counts (national_cycle). Anyone else: 404."""
    access = get_access_for_user(user)
    coordinates = access.can_coordinate(municipality.pk)
    represents = access.represents(municipality.pk)
    roots = access.unit_roots(municipality.pk)
    if unit is None:
        if not (coordinates or represents or roots):
            raise Http404
        return PlanPermissions(municipality, None, coordinates, represents)
    if unit.municipality_id != municipality.pk:
        raise Http404
    leads = any(unit_id == unit.pk for unit_id, _path in roots)
    above = any(unit.path.startswith(path) for _unit_id, path in roots)
    if not (coordinates or represents or above):
        raise Http404
    return PlanPermissions(municipality, unit, leads or access.is_superuser, represents)


def plan_units_for_user(user, municipality: Municipality) -> list[OrgUnit]:
    """The units whose plans the user may open from the kommune plan page."""
    access = get_access_for_user(user)
    units = OrgUnit.objects.filter(municipality=municipality).select_related("sector")
    if access.can_coordinate(municipality.pk) or access.represents(municipality.pk):
        return list(units)
    paths = [path for _unit_id, path in access.unit_roots(municipality.pk)]
    if not paths:
        return []
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return list(units.filter(query))


# --- The plan -------------------------------------------------------------------------------


def get_plan(round_: Round, municipality: Municipality, unit: OrgUnit | None) -> ActionPlan | None:
    plans = ActionPlan.objects.filter(round=round_, municipality=municipality)
    plans = plans.filter(unit=unit) if unit is not None else plans.filter(unit__isnull=True)
    return plans.first()


def status_counts(actions) -> dict:
    """{"total", "done", "by_status": [(status, label, n)]} of a list of actions."""
    counter = Counter(a.status for a in actions)
    return {
        "total": sum(counter.values()),
        "done": sum(counter[s] for s in DONE_STATUSES),
        "by_status": [(s.value, s.label, counter[s.value]) for s in ActionStatus],
    }


def ks_tools(spec) -> list[str]:
    """The KS tools the instrument's recommended actions point to (e.g. «BLT/N3», «SLIK»)."""
    tools = []
    for dimension in spec.dimensions:
        for action in dimension.actions:
            tool = action.get("ks_tool")
            if tool and tool not in tools:
                tools.append(tool)
    return tools


def _event_text(event) -> str:
    details = event.details or {}
    kind = event.kind
    if kind == PlanEventKind.FOCUS:
        return _("Innsatsområder: %s") % ", ".join(details.get("focus_names", []))
    if kind == PlanEventKind.DISCUSSED:
        return _("Drøftet i %(forum)s %(date)s") % {
            "forum": details.get("forum", ""),
            "date": details.get("date", ""),
        }
    if kind in (PlanEventKind.ACTION_ADDED, PlanEventKind.ACTION_CHANGED):
        text = f"«{details.get('what', '')}»"
        changes = details.get("changes") or {}
        if "status" in changes:
            old, new = changes["status"]
            text += ": " + _("status %(old)s → %(new)s") % {
                "old": ActionStatus(old).label if old in ActionStatus.values else old,
                "new": ActionStatus(new).label if new in ActionStatus.values else new,
            }
        others = [field for field in changes if field != "status"]
        if others:
            text += " (" + _("endret: %s") % ", ".join(_field_label(f) for f in others) + ")"
        return text
    return ""


def _field_label(field_name: str) -> str:
    try:
        return str(getattr(Action._meta.get_field(field_name), "verbose_name", field_name))
    except Exception:  # noqa: BLE001 - an old event may name a field that no longer exists
        return field_name


def plan_page(round_: Round, permissions: PlanPermissions, spec) -> dict:
    """The plan with its actions per focus dimension, signatures and history (four queries)."""
    plan = get_plan(round_, permissions.municipality, permissions.unit)
    names = {d.code: d.label for d in spec.dimensions}
    if plan is None:
        return {"plan": None, "focus": [], "summary": status_counts([]), "signatures": []}
    actions = list(plan.actions.all())
    signatures = list(plan.signatures.select_related("user").order_by("signed_at"))
    events = list(plan.events.all()[:200])
    last_change = next((e.at for e in events if e.kind != PlanEventKind.SIGNED), None)
    focus = []
    for code in plan.focus:
        dimension_actions = [a for a in actions if a.dimension == code]
        try:
            recommended = [
                {"text": localized(a["text"]), "ks_tool": a.get("ks_tool")}
                for a in spec.dimension(code).actions
            ]
        except KeyError:
            recommended = []
        focus.append(
            {
                "code": code,
                "name": names.get(code, code),
                "actions": dimension_actions,
                "summary": status_counts(dimension_actions),
                "recommended": recommended,
            }
        )
    return {
        "plan": plan,
        "focus": focus,
        "summary": status_counts(actions),
        "signatures": [
            {
                "name": s.user.get_full_name() or s.user.get_username(),
                "signed_at": s.signed_at,
                "stale": last_change is not None and last_change > s.signed_at,
            }
            for s in signatures
        ],
        "events": [
            {
                "at": e.at,
                "username": e.username,
                "label": PlanEventKind(e.kind).label if e.kind in PlanEventKind.values else e.kind,
                "text": _event_text(e),
            }
            for e in events
        ],
    }


def unit_plan_overview(round_: Round, units: list[OrgUnit]) -> list[dict]:
    """Status at a glance for the given units' plans (one query)."""
    if not units:
        return []
    counts: dict[int, Counter] = {}
    plans = {}
    for plan_id, unit_id, status, n in (
        ActionPlan.objects.filter(round=round_, unit__in=units)
        .values_list("pk", "unit_id", "actions__status")
        .annotate(n=Count("actions"))
        .order_by()
    ):
        plans[unit_id] = plan_id
        if status:
            counts.setdefault(unit_id, Counter())[status] += n
    rows = []
    for unit in units:
        counter = counts.get(unit.pk, Counter())
        rows.append(
            {
                "unit": unit,
                "has_plan": unit.pk in plans,
                "total": sum(counter.values()),
                "done": sum(counter[s] for s in DONE_STATUSES),
            }
        )
    return rows
