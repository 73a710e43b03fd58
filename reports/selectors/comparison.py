"""Comparisons that mean something (issue 13, item 4).

- Strengths and improvement areas are ranked by the difference from the comparison mean (the
  national figure, or the size class where the national one is hidden), with a 95 % Welch
  interval, and listed only where the interval excludes 0: some dimensions are lower
  everywhere, so a low raw mean alone says little about the kommune.
- The leader–staff gap uses only statements that every compared staff group was given, from
  the item cells, so a dimension score built on leader-only statements never enters the gap.

Everything is computed from figures that are shown anyway (the kommune's and the comparison's
n, mean and SD; the item cells of staff groups that are shown), so nothing new is revealed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessment.traits import LEADER_GROUPS

from .change import welch
from .stats import Stat

STAFF_SIDE = ("medarbeider", "tillitsvalgt")


@dataclass
class Difference:
    code: str
    name: str
    mean: float  # the kommune's (or unit's) mean
    comparison: float
    difference: float
    ci95: tuple  # of the difference
    flagged: bool  # the interval excludes 0


def welch_interval(a: Stat, b: Stat) -> tuple[float, tuple[float, float]] | None:
    """Difference of two group means with its 95 % Welch interval (t quantile from scipy with
    the Welch–Satterthwaite degrees of freedom), from n, mean and SD."""
    if a.suppressed or b.suppressed or a.mean is None or b.mean is None:
        return None
    if a.sd is None or b.sd is None or a.n is None or b.n is None or a.n < 2 or b.n < 2:
        return None
    result = welch({"n": b.n, "mean": b.mean, "sd": b.sd}, {"n": a.n, "mean": a.mean, "sd": a.sd})
    if result is None:
        return None
    difference, low, high = result
    return difference, (low, high)


def differences(dimensions: list[Stat], comparison: list[Stat]) -> list[Difference]:
    by_code = {s.code: s for s in comparison}
    result = []
    for s in dimensions:
        other = by_code.get(s.code)
        found = welch_interval(s, other) if other else None
        if found is None or other is None or s.mean is None or other.mean is None:
            continue
        difference, (low, high) = found
        result.append(
            Difference(
                code=s.code,
                name=s.name,
                mean=s.mean,
                comparison=other.mean,
                difference=round(difference, 3),
                ci95=(round(low, 3), round(high, 3)),
                flagged=low > 0 or high < 0,
            )
        )
    return result


def strengths_and_improvements(dimensions, national, peer) -> dict:
    """Up to three strengths (interval above 0, largest difference first) and three improvement
    areas (interval below 0, most negative first) against the national figure, or against the
    size class where the national figure is hidden."""
    found, label = differences(dimensions, national), _("landet")
    if not found:
        found, label = differences(dimensions, peer), _("samme størrelsesgruppe")
    ranked = sorted(found, key=lambda d: -d.difference)
    return {
        "strengths": [d for d in ranked if d.ci95[0] > 0][:3],
        "improvements": [d for d in reversed(ranked) if d.ci95[1] < 0][:3],
        "differences": found,
        "comparison_label": label,
    }


def common_item_gaps(item_cells, spec, min_size, staff_groups) -> list[dict]:
    """Leaders against medarbeidere and tillitsvalgte per dimension, on the statements every
    compared group was given (their audience holds all of them), from per-statement means of
    the item cells (`item_cells`: rows with staff_group_id, item_id and n1–n5). Only staff
    groups that are shown take part; a dimension where one of them has its mean hidden, or where
    a side has fewer than the minimum answers on a statement, gets no comparison."""
    shown = {g.key for g in staff_groups if not g.suppressed}
    leaders = [code for code in LEADER_GROUPS if code in shown]
    staff = [code for code in STAFF_SIDE if code in shown]
    if not leaders or not staff:
        return []
    hidden = {
        (g.key, s.code)
        for g in staff_groups
        if g.key in shown
        for s in g.dimensions
        if s.suppressed
    }
    sums: dict = {}
    for cell in item_cells:
        group = cell["staff_group_id"]
        side = "leaders" if group in leaders else "staff" if group in staff else None
        if side is None:
            continue
        acc = sums.setdefault((side, cell["item_id"]), [0, 0])
        for value in range(1, 6):
            acc[0] += cell[f"n{value}"]
            acc[1] += value * cell[f"n{value}"]
    compared = set(leaders + staff)
    gaps = []
    for dimension in spec.dimensions:
        sides: dict[str, list] = {"leaders": [], "staff": []}
        common = 0
        blocked = any((key, dimension.code) in hidden for key in leaders + staff)
        for item in dimension.items:
            if not compared <= item.audience:
                continue
            rows = {side: sums.get((side, item.id), [0, 0]) for side in sides}
            if any(n < min_size for n, _total in rows.values()):
                blocked = True
                break
            common += 1
            for side, (n, total) in rows.items():
                mean = total / n
                sides[side].append(6 - mean if item.reverse else mean)
        if blocked or not common:
            gaps.append(
                {
                    "code": dimension.code,
                    "name": dimension.label,
                    "leaders": None,
                    "staff": None,
                    "gap": None,
                    "items": common if not blocked else 0,
                    "highlight": False,
                }
            )
            continue
        leader_mean = round(sum(sides["leaders"]) / common, 3)
        staff_mean = round(sum(sides["staff"]) / common, 3)
        gaps.append(
            {
                "code": dimension.code,
                "name": dimension.label,
                "leaders": leader_mean,
                "staff": staff_mean,
                "gap": round(leader_mean - staff_mean, 3),
                "items": common,
                "highlight": False,
            }
        )
    ranked = sorted((g for g in gaps if g["gap"] is not None), key=lambda g: -abs(g["gap"]))
    for gap in ranked[:3]:
        if abs(gap["gap"]) >= 0.3:
            gap["highlight"] = True
    return gaps
