"""Change in a dimension between two published rounds, with a 95 % interval for the difference.

The two rounds are treated as independent samples (answers are anonymous, so nobody can be
followed from one round to the next): Welch's interval, difference ± t(df) × √(s₁²/n₁ + s₂²/n₂)
with the Welch–Satterthwaite degrees of freedom (reports.selectors.change.welch). A change is
only computed from figures the viewer already sees in both rounds' reports, so it says nothing
that the two reports together did not say already.
"""

from dataclasses import dataclass

from .change import welch


@dataclass(frozen=True)
class Change:
    code: str
    diff: float
    low: float
    high: float

    @property
    def sign(self) -> str:
        """«+» before a positive change (a negative one carries its own minus)."""
        return "+" if self.diff > 0 else ""

    @property
    def improved(self) -> bool:
        """The whole interval lies above zero."""
        return self.low > 0


def difference(code: str, before: dict | None, after: dict | None) -> Change | None:
    """`before` and `after` are score rows {"mean", "sd", "n"} (unrounded, as summed from the
    published cells); None when either is missing or too small for an interval. The interval
    is the report's own (reports.selectors.change.welch), so the plan's follow-up and the
    report's change section never disagree about a change."""
    if not before or not after:
        return None
    result = welch(before, after)
    if result is None:
        return None
    diff, low, high = result
    return Change(code=code, diff=round(diff, 3), low=round(low, 3), high=round(high, 3))
