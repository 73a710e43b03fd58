"""Reads for action plans (issue 14): who may see and edit a plan, the plan with its status at a
glance, the follow-up in the next published round, and KS's national view of the cycle.

Plans hold no answers. The only figures here that come from answers are dimension means and
their change between two published rounds, and those are computed from the published cells with
the same rules as the report the viewer already sees (a change is shown only where both rounds'
figures are shown)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import Participation, Round
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality, OrgUnit, localized
from municipalities.selectors import get_access_for_user

from ..models import (
    Action,
    ActionPlan,
    ActionStatus,
    PlanEventKind,
)
from .figures import load_cells, round_figures
from .plan_change import Change, difference
from .trend import comparable_codes

# KS sees a focus dimension (and how its actions stand) only when at least this many kommuner
# chose it, unless every one of them agreed to be named.
MIN_KOMMUNER = 3

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


# --- Follow-up in the next round ---------------------------------------------------------------


@dataclass
class ScopeFigures:
    """One round's dimension rows for a kommune or unit subtree, as its report shows them."""

    shown: bool = False
    rows: dict = field(default_factory=dict)  # code -> {"mean", "sd", "n"} for shown dimensions


def _small_rest(whole: int | None, part: int | None, min_size: int) -> bool:
    return whole is not None and part is not None and 0 < whole - part < min_size


def scope_figures(rounds: list[Round], municipality: Municipality, unit) -> dict:
    """{round id: ScopeFigures}: exactly what each round's report shows for the kommune or the
    unit subtree (reports.selectors.figures.round_figures applies the report's rules, the
    kommune and sector guards of a subtree included), with the raw sums behind each shown mean."""
    cells = load_cells(rounds, municipality)
    result = {}
    for round_ in rounds:
        figures = round_figures(round_, cells, unit.pk if unit is not None else None)
        shown_codes = {s.code for s in figures.dimensions if not s.suppressed}
        result[round_.pk] = ScopeFigures(
            shown=figures.shown,
            rows={
                code: row
                for (part, _key, code), row in figures.rows.items()
                if part == "scope" and code in shown_codes
            },
        )
    return result


def _scope_plans(round_: Round, municipality: Municipality, unit) -> tuple:
    """(this round's plan, the plan of the latest earlier published round) for the same kommune
    or unit, in one query."""
    plans = ActionPlan.objects.filter(
        Q(round=round_) | Q(round__published_at__isnull=False, round__opens_on__lt=round_.opens_on),
        municipality=municipality,
    )
    plans = plans.filter(unit=unit) if unit is not None else plans.filter(unit__isnull=True)
    current = previous = None
    for plan in plans.select_related("round__instrument").order_by("-round__opens_on")[:2]:
        if plan.round_id == round_.pk:
            current = plan
        elif previous is None:
            previous = plan
    return current, previous


def previous_plan(round_: Round, municipality: Municipality, unit) -> ActionPlan | None:
    """The plan of the latest earlier published round for the same kommune or unit."""
    return _scope_plans(round_, municipality, unit)[1]


def plan_followup(round_: Round, municipality: Municipality, unit, spec, plan=None) -> dict | None:
    """For each focus dimension of the previous round's plan: the change since that round with
    its 95 % interval (only where both rounds' figures are shown) and the plan's status."""
    if plan is None:
        plan = previous_plan(round_, municipality, unit)
    if plan is None or not plan.focus:
        return None
    figures = scope_figures([plan.round, round_], municipality, unit)
    before, after = figures[plan.round.pk], figures[round_.pk]
    comparable = comparable_codes(spec, get_instrument_spec(plan.round.instrument))
    names = {d.code: d.label for d in spec.dimensions}
    actions = list(Action.objects.filter(plan=plan).only("dimension", "status"))
    entries = []
    for code in plan.focus:
        change = None
        reason = None
        if code not in comparable:
            reason = _("Påstandene i dimensjonen er endret, så rundene kan ikke sammenlignes.")
        elif (
            not (before.shown and after.shown) or code not in before.rows or code not in after.rows
        ):
            reason = _("Endringen vises ikke: en av rundene har for få svar til å vise tallet.")
        else:
            change = difference(code, before.rows[code], after.rows[code])
        entries.append(
            {
                "code": code,
                "name": names.get(code, code),
                "change": change,
                "reason": reason,
                "summary": status_counts([a for a in actions if a.dimension == code]),
            }
        )
    return {"plan": plan, "round": plan.round, "entries": entries}


def report_followup(user, round_: Round, scope, spec) -> dict:
    """What the report page shows about plans: for those who may see the scope's plan, the
    follow-up of the previous round's plan and a link to this round's plan. KS reads a kommune's
    report but sees plans only as national counts."""
    from django.urls import reverse

    try:
        permissions = plan_permissions(user, scope.municipality, scope.unit)
    except Http404:
        return {}
    number = scope.municipality.number
    url = (
        reverse("reports:unit_action_plan", args=[round_.slug, number, scope.unit.pk])
        if scope.unit is not None
        else reverse("reports:action_plan", args=[round_.slug, number])
    )
    current, previous = _scope_plans(round_, scope.municipality, scope.unit)
    return {
        "followup": plan_followup(round_, scope.municipality, scope.unit, spec, previous)
        if previous is not None
        else None,
        "plan_url": url,
        "has_plan": current is not None,
        "can_edit_plan": permissions.can_edit,
    }


# --- KS: the cycle nationally ------------------------------------------------------------------


def _kommune_rows(sums, spec) -> dict:
    """{(municipality id, code): score row} of the figures KS sees in the comparison."""
    return {
        key: row
        for key, row in sums.rows.items()
        if key[0] not in sums.hidden and key not in sums.cells and row["n"] >= sums.min_size
    }


def national_cycle(round_: Round, spec) -> dict:
    """Which focus dimensions the kommuner chose for this round and how their actions stand
    (counts of kommuner and actions; a dimension chosen by fewer than MIN_KOMMUNER kommuner is
    hidden unless all of them agreed to be named), and the named kommuner that improved on each
    dimension since the previous published round (interval above zero) as learning partners."""
    from .benchmark import kommune_sums

    named = set(
        Participation.objects.filter(round=round_, named_in_comparisons=True).values_list(
            "municipality_id", flat=True
        )
    )
    plans = list(
        ActionPlan.objects.filter(round=round_, unit__isnull=True)
        .exclude(focus=[])
        .values_list("pk", "municipality_id", "focus")
    )
    chosen: dict[str, set] = {}
    plan_dimension_of = {}
    for plan_id, municipality_id, focus in plans:
        plan_dimension_of[plan_id] = (municipality_id, set(focus))
        for code in focus:
            chosen.setdefault(code, set()).add(municipality_id)
    status_rows: dict[str, Counter] = {}
    for plan_id, code, status, n in (
        Action.objects.filter(plan_id__in=list(plan_dimension_of))
        .values_list("plan_id", "dimension", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if code in plan_dimension_of[plan_id][1]:
            status_rows.setdefault(code, Counter())[status] += n
    municipalities = {
        m.pk: m
        for m in Municipality.objects.filter(
            pk__in={m for members in chosen.values() for m in members} & named
        )
    }
    previous = (
        Round.objects.filter(published_at__isnull=False, opens_on__lt=round_.opens_on)
        .select_related("instrument")
        .order_by("-opens_on")
        .first()
    )
    improved: dict[str, list] = {}
    if previous is not None and named:
        comparable = comparable_codes(spec, get_instrument_spec(previous.instrument))
        now = _kommune_rows(kommune_sums(round_, spec), spec)
        before = _kommune_rows(
            kommune_sums(previous, get_instrument_spec(previous.instrument)), spec
        )
        named_names = dict(Municipality.objects.filter(pk__in=named).values_list("pk", "name"))
        for (municipality_id, code), row in now.items():
            if municipality_id not in named or code not in comparable:
                continue
            change = difference(code, before.get((municipality_id, code)), row)
            if change is not None and change.improved:
                improved.setdefault(code, []).append(
                    {
                        "name": named_names[municipality_id],
                        "change": change,
                        "focus": municipality_id in chosen.get(code, set()),
                    }
                )
    dimensions = []
    for d in spec.dimensions:
        members = chosen.get(d.code, set())
        all_named = bool(members) and members <= named
        shown = len(members) >= MIN_KOMMUNER or all_named
        counter = status_rows.get(d.code, Counter())
        dimensions.append(
            {
                "code": d.code,
                "name": d.label,
                "kommuner": len(members) if shown else None,
                "few": bool(members) and not shown,
                "names": sorted(municipalities[m].name for m in members)
                if all_named and len(members) < MIN_KOMMUNER
                else [],
                "statuses": [(s.value, s.label, counter[s.value]) for s in ActionStatus]
                if shown
                else None,
                "actions": sum(counter.values()) if shown else None,
                "improved": sorted(
                    improved.get(d.code, []), key=lambda e: (-e["change"].diff, e["name"])
                ),
            }
        )
    return {
        "round": round_,
        "previous": previous,
        "plans": len(plans) if len(plans) >= MIN_KOMMUNER else None,
        "few_plans": 0 < len(plans) < MIN_KOMMUNER,
        "dimensions": dimensions,
        "min_kommuner": MIN_KOMMUNER,
        "statuses": [(s.value, s.label) for s in ActionStatus],
    }


__all__ = [
    "Change",
    "MIN_KOMMUNER",
    "PlanPermissions",
    "national_cycle",
    "plan_followup",
    "plan_page",
    "plan_permissions",
    "scope_figures",
]


def document_plans(user, round_: Round, scope, spec) -> dict:
    """The plan parts of the PDF and the saksframlegg: this round's plan (focus, actions,
    discussion, co-signatures) and the follow-up of the previous round's plan. Empty for those
    who may not see the scope's plans (KS)."""
    try:
        permissions = plan_permissions(user, scope.municipality, scope.unit)
    except Http404:
        return {"plan": None, "followup": None}
    page = plan_page(round_, permissions, spec)
    previous = previous_plan(round_, scope.municipality, scope.unit)
    return {
        "plan": page if page["plan"] is not None else None,
        "followup": plan_followup(round_, scope.municipality, scope.unit, spec, previous)
        if previous is not None
        else None,
    }
