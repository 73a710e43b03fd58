"""A round's responses as CSV in exactly the `import_responses` format (for backup, moving a
round between installations, or re-scoring). Microdata: only for operators on the command line."""

import csv
import itertools

from .models import Answer, Response, ResponseChoice
from .selectors import get_instrument_spec


def write_round_csv(*, round_, out) -> int:
    spec = get_instrument_spec(round_.instrument)
    item_codes = [item.code for d in spec.dimensions for item in d.items]
    item_by_id = {item.id: item.code for item in spec.items.values()}
    option_by_id = {o.id: (o.kind, o.code) for o in (*spec.barriers, *spec.promoters)}
    questions = spec.outcomes.questions if spec.outcomes else ()
    question_of = {o.id: q.code for q in questions for o in q.options}
    option_by_id |= {o.id: ("outcome", o.code) for q in questions for o in q.options}
    writer = csv.writer(out)
    writer.writerow(
        [
            "municipality",
            "staff_group",
            "sector",
            "unit",
            "tenure",
            *item_codes,
            "barriers",
            "promoters",
            *[q.code for q in questions],
            "language",
        ]
    )
    responses = (
        Response.objects.filter(round=round_)
        .order_by("pk")
        .values_list(
            "pk",
            "municipality__number",
            "staff_group_id",
            "sector_id",
            "unit__name",
            "tenure",
            "language",
        )
    )
    answers = itertools.groupby(
        Answer.objects.filter(response__round=round_)
        .order_by("response_id")
        .values_list("response_id", "item_id", "value", "not_relevant")
        .iterator(chunk_size=20000),
        key=lambda row: row[0],
    )
    choices = itertools.groupby(
        ResponseChoice.objects.filter(response__round=round_)
        .order_by("response_id")
        .values_list("response_id", "option_id")
        .iterator(chunk_size=20000),
        key=lambda row: row[0],
    )
    next_answers, next_choices = next(answers, None), next(choices, None)
    count = 0
    for pk, number, staff_group, sector, unit, tenure, language in responses.iterator(
        chunk_size=5000
    ):
        values = {}
        if next_answers and next_answers[0] == pk:
            values = {
                item_by_id[item]: ("na" if not_relevant else "x" if value is None else str(value))
                for _r, item, value, not_relevant in next_answers[1]
            }
            next_answers = next(answers, None)
        chosen = {"barrier": [], "promoter": []}
        outcomes = {}
        if next_choices and next_choices[0] == pk:
            for _r, option in next_choices[1]:
                kind, code = option_by_id[option]
                if kind == "outcome":
                    outcomes.setdefault(question_of[option], []).append(code)
                else:
                    chosen[kind].append(code)
            next_choices = next(choices, None)
        writer.writerow(
            [
                number,
                staff_group,
                sector,
                unit or "",
                tenure,
                *[values.get(code, "") for code in item_codes],
                ";".join(chosen["barrier"]),
                ";".join(chosen["promoter"]),
                *[";".join(sorted(outcomes.get(q.code, []))) for q in questions],
                language,
            ]
        )
        count += 1
    return count
