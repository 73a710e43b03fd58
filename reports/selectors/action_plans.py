"""Action plans in the report and its documents (issue 14): the follow-up of the previous round's
plan in the next published round, and the plan parts of the report page, the PDF and the
saksframlegg. Who may see a plan and the plan page itself: reports.selectors.plan_page.

Plans hold no answers. The only figures here that come from answers are dimension means and
their change between two published rounds, and those are computed from the published cells with
the same rules as the report the viewer already sees (a change is shown only where both rounds'
figures are shown)."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import Round
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality

from ..models import Action, ActionPlan
from .figures import load_cells, round_figures
from .plan_change import difference
from .plan_page import plan_page, plan_permissions, status_counts
from .trend import comparable_codes


@dataclass
class ScopeFigures:
    """One round's dimension rows for a kommune or unit subtree, as its report shows them."""

    shown: bool = False
    rows: dict = field(default_factory=dict)  # code -> {"mean", "sd", "n"} for shown dimensions


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
