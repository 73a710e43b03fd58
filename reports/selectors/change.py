"""Change from the previous published round: per dimension, for the kommune (or a unit subtree),
its staff groups, sectors and units, the difference of the means with a 95 % confidence interval
(Welch, from the published cells' n, sum and sum of squares).

A change is shown only where both rounds show the group and its mean on that dimension (each
round's report rules, reports.selectors.figures), and only for dimensions with the same
statements in both instrument versions (trend.comparable_codes). The change is then a function of
figures the viewer already sees in the two reports, so it gives nothing away that they hide."""

import math
from dataclasses import dataclass, field

from assessment.models import Round

from .figures import Figures, load_cells, round_figures
from .published_comparison import published_up_to
from .trend import comparable_codes


@dataclass(frozen=True)
class Change:
    """One dimension's change; every number is None where no change can be shown."""

    code: str
    name: str
    previous: float | None = None
    current: float | None = None
    diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n_prev: int | None = None
    n_cur: int | None = None

    @property
    def shown(self) -> bool:
        return self.diff is not None

    @property
    def direction(self) -> str | None:
        """ "up" or "down" when the interval lies above or below zero, else "same"."""
        if not self.shown or self.ci_low is None or self.ci_high is None:
            return None
        if self.ci_low > 0:
            return "up"
        if self.ci_high < 0:
            return "down"
        return "same"


@dataclass
class GroupChanges:
    key: object
    label: str
    dimensions: list[Change]

    @property
    def shown(self) -> bool:
        return any(c.shown for c in self.dimensions)


@dataclass
class Changes:
    previous_round: Round | None = None
    dimensions: list[Change] = field(default_factory=list)
    staff_groups: list[GroupChanges] = field(default_factory=list)
    sectors: list[GroupChanges] = field(default_factory=list)
    units: list[GroupChanges] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return any(c.shown for c in self.dimensions) or any(
            g.shown for g in self.staff_groups + self.sectors + self.units
        )


def t_quantile(df: float) -> float:
    # Imported here: scipy.stats takes seconds to import.
    from scipy.stats import t as student_t

    return float(student_t.ppf(0.975, df))


def welch(previous: dict, current: dict) -> tuple[float, float, float] | None:
    """(difference, low, high): current minus previous with a 95 % Welch interval. Rows are
    {"n", "mean", "sd"}; None without a standard deviation on either side."""
    n0, n1 = previous["n"], current["n"]
    s0, s1 = previous["sd"], current["sd"]
    if s0 is None or s1 is None or n0 < 2 or n1 < 2:
        return None
    diff = current["mean"] - previous["mean"]
    v0, v1 = s0 * s0 / n0, s1 * s1 / n1
    se2 = v0 + v1
    if se2 == 0:
        return diff, diff, diff
    df = se2 * se2 / (v0 * v0 / (n0 - 1) + v1 * v1 / (n1 - 1))
    half = t_quantile(df) * math.sqrt(se2)
    return diff, diff - half, diff + half


def _change(code, name, prev_stat, cur_stat, prev_row, cur_row) -> Change:
    if (
        prev_stat is None
        or cur_stat is None
        or prev_stat.suppressed
        or cur_stat.suppressed
        or prev_row is None
        or cur_row is None
    ):
        return Change(code=code, name=name)
    result = welch(prev_row, cur_row)
    if result is None:
        return Change(code=code, name=name)
    diff, low, high = result
    return Change(
        code=code,
        name=name,
        previous=prev_stat.mean,
        current=cur_stat.mean,
        diff=round(diff, 3),
        ci_low=round(low, 3),
        ci_high=round(high, 3),
        n_prev=prev_stat.n,
        n_cur=cur_stat.n,
    )


def _stat_changes(prev: Figures, cur: Figures, comparable, part, key, prev_stats, cur_stats):
    prev_by_code = {s.code: s for s in prev_stats}
    changes = []
    for stat in cur_stats:
        if stat.code not in comparable:
            changes.append(Change(code=stat.code, name=stat.name))
            continue
        changes.append(
            _change(
                stat.code,
                stat.name,
                prev_by_code.get(stat.code),
                stat,
                prev.rows.get((part, key, stat.code)),
                cur.rows.get((part, key, stat.code)),
            )
        )
    return changes


def _group_changes(prev: Figures, cur: Figures, comparable, part, prev_groups, cur_groups):
    prev_by_key = {g.key: g for g in prev_groups if not g.suppressed}
    result = []
    for group in cur_groups:
        before = prev_by_key.get(group.key)
        if group.suppressed or before is None:
            changes = [Change(code=s.code, name=s.name) for s in group.dimensions]
        else:
            changes = _stat_changes(
                prev, cur, comparable, part, group.key, before.dimensions, group.dimensions
            )
        result.append(GroupChanges(key=group.key, label=group.label, dimensions=changes))
    return result


def previous_round(round_: Round, municipality) -> Round | None:
    """The kommune's latest published round that opened before this one (one query)."""
    row = (
        published_up_to(round_, municipality)
        .filter(round__opens_on__lt=round_.opens_on)
        .order_by("-round__opens_on")
        .first()
    )
    return row.round if row else None


def changes_between(before: Round | None, round_: Round, cells, unit_id=None) -> Changes:
    """The change from `before` to `round_`, from cells holding both rounds (figures.load_cells)."""
    if before is None:
        return Changes()
    prev = round_figures(before, cells, unit_id)
    cur = round_figures(round_, cells, unit_id)
    changes = Changes(previous_round=before)
    if not prev.shown or not cur.shown:
        return changes
    comparable = comparable_codes(cur.spec, prev.spec)
    changes.dimensions = _stat_changes(
        prev, cur, comparable, "scope", None, prev.dimensions, cur.dimensions
    )
    changes.staff_groups = _group_changes(
        prev, cur, comparable, "staff_group", prev.staff_groups, cur.staff_groups
    )
    changes.sectors = _group_changes(prev, cur, comparable, "sector", prev.sectors, cur.sectors)
    changes.units = _group_changes(prev, cur, comparable, "unit", prev.units, cur.units)
    return changes


def dimension_changes(*, round_: Round, municipality, unit=None) -> Changes:
    """The change from the previous published round, per dimension, for the kommune (or the
    subtree of `unit`, an OrgUnit or unit id), its staff groups, sectors and units. Four queries
    (the previous round, then both rounds' cells and units); `Changes.previous_round` is None
    when the kommune has no earlier published round."""
    before = previous_round(round_, municipality)
    if before is None:
        return Changes()
    cells = load_cells([before, round_], municipality)
    return changes_between(before, round_, cells, getattr(unit, "pk", unit))
