"""A respondent's scores (domain.md §5), computed once when a response is stored.

Answers are 1–5 or None («vet ikke / ikke relevant»). A reverse-keyed item scores 6 − answer.
"""

import math


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
