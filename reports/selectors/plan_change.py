"""Change in a dimension between two published rounds, with a 95 % interval for the difference.

The two rounds are treated as independent samples (answers are anonymous, so nobody can be
followed from one round to the next): Welch's interval, difference ± t(df) × √(s₁²/n₁ + s₂²/n₂)
with the Welch–Satterthwaite degrees of freedom (rounded down, which widens the interval a
little). A change is only computed from figures the viewer already sees in both rounds' reports,
so it says nothing that the two reports together did not say already.
"""

import math
from dataclasses import dataclass

from ..scoring import t_critical


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

    @property
    def worsened(self) -> bool:
        return self.high < 0


def difference(code: str, before: dict | None, after: dict | None) -> Change | None:
    """`before` and `after` are score rows {"mean", "sd", "n"} (unrounded, as summed from the
    published cells); None when either is missing or too small for an interval."""
    if not before or not after:
        return None
    n1, n2 = before["n"], after["n"]
    s1, s2 = before.get("sd"), after.get("sd")
    if n1 < 2 or n2 < 2 or s1 is None or s2 is None:
        return None
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    diff = after["mean"] - before["mean"]
    se = math.sqrt(v1 + v2)
    if se == 0:
        return Change(code=code, diff=round(diff, 3), low=round(diff, 3), high=round(diff, 3))
    df = (v1 + v2) ** 2 / ((v1 * v1) / (n1 - 1) + (v2 * v2) / (n2 - 1))
    half = t_critical(max(int(df), 1)) * se
    return Change(
        code=code, diff=round(diff, 3), low=round(diff - half, 3), high=round(diff + half, 3)
    )
