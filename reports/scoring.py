"""The scoring rules of domain.md §5, as pure functions shared by every output.

Answers are 1–5 or None («vet ikke / ikke relevant»). A reverse-keyed item scores 6 − answer.
"""

import math
from functools import lru_cache

LEVEL_THRESHOLDS = (1.8, 2.6, 3.4, 4.2)


def item_score(answer: int | None, *, reverse: bool) -> int | None:
    if answer is None:
        return None
    return 6 - answer if reverse else answer


def scale_score(answers: list[int | None], *, visible_count: int) -> float | None:
    """Mean of the non-missing item scores, only if at least half (rounded up) of the
    `visible_count` items the respondent's staff group sees were answered."""
    values = [a for a in answers if a is not None]
    required = math.ceil(visible_count / 2)
    if visible_count == 0 or len(values) < required:
        return None
    return sum(values) / len(values)


def score_response(spec, *, staff_group: str, answers: dict[str, int | None]):
    """A respondent's dimension and trait scores: {("dimension"|"trait", code): score}."""
    scores = {}
    for dimension in spec.dimensions:
        visible = dimension.items_for(staff_group)
        value = scale_score(
            [item_score(answers.get(i.code), reverse=i.reverse) for i in visible],
            visible_count=len(visible),
        )
        if value is not None:
            scores[("dimension", dimension.code)] = value
    for trait in spec.traits:
        visible = [i for i in spec.trait_items(trait) if staff_group in i.audience]
        value = scale_score(
            [item_score(answers.get(i.code), reverse=i.reverse) for i in visible],
            visible_count=len(visible),
        )
        if value is not None:
            scores[("trait", trait)] = value
    return scores


def round_mean(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def to_index(score: float | None) -> float | None:
    """0–100 index = (score − 1) / 4 × 100, from the mean as reported (3 decimals)."""
    if score is None:
        return None
    return round((round(score, 3) - 1) / 4 * 100, 1)


def to_level(score: float | None) -> int | None:
    """Maturity level 1–5: 1 + ⌊(score − 1) / 0.8⌋, capped at 5, from the reported mean."""
    if score is None:
        return None
    reported = round(score, 3)
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


def cronbach_alpha(item_variances: list[float], total_variance: float) -> float | None:
    k = len(item_variances)
    if k < 2 or not total_variance:
        return None
    return k / (k - 1) * (1 - sum(item_variances) / total_variance)
