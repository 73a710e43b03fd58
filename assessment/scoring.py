"""A respondent's scores (domain.md §5), computed once when a response is stored.

Answers are 1–5, None («vet ikke») or NOT_RELEVANT («ikke relevant», instrument 2027.1); both
are missing. A reverse-keyed item scores 6 − answer.

The outcome index (2027.1) is scored apart from maturity: see `outcome_score`.
"""

import math

NOT_RELEVANT = "na"  # «ikke relevant»: missing, like «vet ikke» (None), but counted apart
OUTCOME_CODE = "outcome"


def is_value(answer) -> bool:
    return isinstance(answer, int) and 1 <= answer <= 5


def item_score(answer, *, reverse: bool) -> int | None:
    if not is_value(answer):
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


def outcome_score(spec, *, staff_group: str, chosen: dict[str, list[str]]) -> float | None:
    """The outcome score (instrument 2027.1; nothing for older versions), stored on the same
    1–5 scale as the dimensions so every group rule applies unchanged: 1 + 4 × the mean points,
    and its 0–100 index, (score − 1) / 4 × 100, is the mean points in per cent.

    Each scored question gives points from the options chosen (the highest, for «velg alle som
    passer»); an option without points («vet ikke») or no answer is missing. The gate question
    (something new taken into use in the last two years) must have points, otherwise there is no
    index. When the gate answer is 0 («nei»), the questions that follow it count 0."""
    outcomes = spec.outcomes
    if outcomes is None or staff_group not in outcomes.audience:
        return None

    def points(question) -> float | None:
        codes = set(chosen.get(question.code, []))
        found = [o.points for o in question.options if o.code in codes and o.points is not None]
        return max(found) if found else None

    gate = points(outcomes.question(outcomes.gate))
    if gate is None:
        return None
    values = []
    for question in outcomes.questions:
        if not question.scored:
            continue
        if question.gated and gate == 0:
            values.append(0.0)
            continue
        value = points(question)
        if value is not None:
            values.append(float(value))
    return 1 + 4 * sum(values) / len(values)
