"""What one report population (the kommune, or a unit subtree) shows, and the guards that hide a
subtree's figure where the kommune's figure minus it would describe fewer than the minimum."""

from dataclasses import dataclass

from assessment.models import ScoreKind

from ..anonymity import PROTECTS_SMALLER
from .breakdown import breakdown
from .stats import (
    Group,
    Overall,
    Stat,
    make_stat,
    scales,
    sector_labels,
    staff_group_labels,
    sum_cells,
)


def small_rest(whole: int | None, part: int | None, min_size: int) -> bool:
    """The whole minus the part would describe 1 to minimum - 1 people."""
    return whole is not None and part is not None and 0 < whole - part < min_size


def guard_stats(part: list[Stat], whole: list[Stat], min_size) -> list[Stat]:
    """Hide a figure of a part (a unit, a subtree, a staff group) where a figure the viewer also
    sees of the whole (`whole`), minus it, would leave fewer than the minimum (domain.md §6:
    residuals across reports and roles)."""
    by_code = {s.code: s for s in whole}
    return [
        Stat(code=s.code, name=s.name, suppressed=True, reason=PROTECTS_SMALLER)
        if not s.suppressed
        and s.code in by_code
        and not by_code[s.code].suppressed
        and small_rest(by_code[s.code].n, s.n, min_size)
        else s
        for s in part
    ]


def guard_groups(part: list[Group], whole: list[Group], min_size) -> list[Group]:
    by_key = {g.key: g for g in whole}
    guarded = []
    for group in part:
        other = by_key.get(group.key)
        if other is None or other.suppressed or group.suppressed:
            guarded.append(group)
            continue
        if small_rest(other.respondents, group.respondents, min_size):
            guarded.append(
                Group(
                    key=group.key,
                    label=group.label,
                    respondents=None,
                    suppressed=True,
                    reason=PROTECTS_SMALLER,
                    dimensions=[
                        Stat(code=s.code, name=s.name, suppressed=True, reason=PROTECTS_SMALLER)
                        for s in group.dimensions
                    ],
                )
            )
            continue
        stats = guard_stats(group.dimensions, other.dimensions, min_size)
        guarded.append(
            Group(
                key=group.key,
                label=group.label,
                respondents=group.respondents,
                suppressed=False,
                dimensions=stats,
                overall=Overall.of(stats),
            )
        )
    return guarded


@dataclass
class Population:
    """What one report population (the kommune, or a unit subtree) shows."""

    respondents: int
    dimensions: list
    staff_groups: list
    sectors: list
    traits: list
    outcome: list


def population(respondent_cells, score_cells, spec, min_size) -> Population:
    rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.DIMENSION), lambda c: c["code"]
    )
    trait_rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.TRAIT), lambda c: c["code"]
    )
    outcome_rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.OUTCOME), lambda c: c["code"]
    )
    return Population(
        respondents=sum(c["n"] for c in respondent_cells),
        dimensions=[make_stat(code, name, rows.get(code), min_size) for code, name in scales(spec)],
        staff_groups=breakdown(
            respondent_cells, score_cells, spec, min_size, "staff_group_id", staff_group_labels()
        ),
        sectors=breakdown(
            respondent_cells, score_cells, spec, min_size, "sector_id", sector_labels()
        ),
        traits=[
            make_stat(code, name, trait_rows.get(code), min_size)
            for code, name in scales(spec, ScoreKind.TRAIT)
        ],
        outcome=[
            make_stat(code, name, outcome_rows.get(code), min_size)
            for code, name in scales(spec, ScoreKind.OUTCOME)
        ],
    )
