"""KS's national view of the action-plan cycle (issue 14): which focus dimensions the kommuner
chose and how their actions stand, as counts, and named kommuner that improved as learning
partners. A dimension chosen by too few kommuner is hidden unless all of them agreed to be named."""

from collections import Counter

from django.db.models import Count

from assessment.models import Participation, Round
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality

from ..models import Action, ActionPlan, ActionStatus
from .kommune_sums import kommune_sums
from .plan_change import difference
from .trend import comparable_codes

# KS sees a focus dimension (and how its actions stand) only when at least this many kommuner
# chose it, unless every one of them agreed to be named.
MIN_KOMMUNER = 3


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
