"""The group-level scoring rules of domain.md §5 (index, level, interval), as pure functions
shared by every output. A respondent's own scores are computed where answers are stored
(assessment.scoring)."""

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

LEVEL_THRESHOLDS = (1.8, 2.6, 3.4, 4.2)
_MILLI = Decimal("0.001")


def round_mean(value: float | None) -> float | None:
    """The mean as reported: 3 decimals, half up from its decimal value. A mean is a sum over
    cells divided by n, and the last bit of a float sum depends on the order it was added in
    (as the answers came or all at once, SQLite or PostgreSQL): rounded to 9 decimals first,
    2.9474999999 and 2.9475000001 are both the 2.9475 they stand for, both reported as 2.948."""
    if value is None:
        return None
    exact = Decimal(repr(round(value, 9)))
    return float(exact.quantize(_MILLI, ROUND_HALF_UP)) or 0.0  # never «-0.0»


def to_index(score: float | None) -> float | None:
    """0–100 index = (score − 1) / 4 × 100, from the mean as reported (3 decimals)."""
    if score is None:
        return None
    return round((round_mean(score) - 1) / 4 * 100, 1)


def to_level(score: float | None) -> int | None:
    """Maturity level 1–5: 1 + ⌊(score − 1) / 0.8⌋, capped at 5, from the reported mean."""
    if score is None:
        return None
    reported = round_mean(score)
    return 1 + sum(1 for threshold in LEVEL_THRESHOLDS if reported >= threshold)


@lru_cache(maxsize=512)
def t_critical(df: int) -> float:
    # Imported here: scipy.stats takes seconds to import, and only this needs it.
    from scipy.stats import t as student_t

    return float(student_t.ppf(0.975, df))


def confidence_interval(mean: float | None, sd: float | None, n: int) -> tuple | None:
    """95 % interval with the t distribution; needs at least two respondents."""
    if mean is None or sd is None or n < 2:
        return None
    half = t_critical(n - 1) * sd / math.sqrt(n)
    return (round(mean - half, 3), round(mean + half, 3))
