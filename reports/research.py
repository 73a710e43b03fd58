"""The research export (`export_research`): a published round's responses, coarsened, for analysis
in R or Python.

One row per response with its item answers, choices, scores and language, but no unit, no
kommune, no sector, no tenure and no date. Where a response comes from is given only as the kommune's size class and
fylke as they were at publication, and coarsened further so that nothing points at one kommune:
a size class × fylke that fewer than MIN_KOMMUNER participating kommuner share is written with an
empty fylke, and if even the size class then covers fewer, with both empty (or, where that
still covers fewer, not at all). A kommune's staff group with fewer respondents than the minimum
is left out (its kommune report hides it; subtracting the groups the reports show must not leave
its rows). Then every
combination of (size class × fylke × staff group) with fewer respondents than the round's
minimum group size is left out, and a combination where a language has fewer than the minimum
is written without language. The rows come in the order of the responses' random keys, so
their order says nothing about when anyone answered.
"""

import csv
import itertools
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _

from assessment.models import Answer, Response, ResponseChoice, ResponseScore, Round, ScoreKind
from assessment.selectors import get_instrument_spec

from .models import PublishedMunicipality

MIN_KOMMUNER = 3  # as for anonymous rows in the comparison (reports.selectors.benchmark)
SCORE_PREFIX = {ScoreKind.DIMENSION: "dim_", ScoreKind.TRAIT: "trait_", ScoreKind.OUTCOME: ""}


def _geography(published: dict, kommuner_with_answers: set) -> dict:
    """municipality id -> (size class, fylke), coarsened so each value covers at least
    MIN_KOMMUNER kommuner with answers; None for a kommune that cannot be coarsened enough."""
    by_cell = defaultdict(set)
    for m in kommuner_with_answers:
        p = published[m]
        by_cell[(p.size_class, p.county_number)].add(m)
    geography = {}
    pooled = defaultdict(set)
    for (size_class, county), members in by_cell.items():
        if len(members) >= MIN_KOMMUNER:
            geography.update({m: (size_class, county) for m in members})
        else:
            pooled[size_class] |= members
    leftover = set()
    for size_class, members in pooled.items():
        if len(members) >= MIN_KOMMUNER:
            geography.update({m: (size_class, "") for m in members})
        else:
            leftover |= members
    # What is left is written with neither, if it still covers enough kommuner; else left out.
    geography.update({m: ("", "") if len(leftover) >= MIN_KOMMUNER else None for m in leftover})
    return geography


def _grouped(queryset, fields):
    return itertools.groupby(
        queryset.order_by("response_id")
        .values_list("response_id", *fields)
        .iterator(chunk_size=20000),
        key=lambda row: row[0],
    )


def write_research_csv(*, round_: Round, out) -> dict:
    """Write the coarsened CSV; returns {"rows": written, "left_out": responses left out}."""
    if not round_.is_published:
        raise ValidationError(
            _(
                "Runden «%s» er ikke publisert. Forskningsuttrekket lages bare for publiserte runder."
            )
            % round_.name
        )
    spec = get_instrument_spec(round_.instrument)
    min_size = round_.min_group_size
    published = {p.municipality_id: p for p in PublishedMunicipality.objects.filter(round=round_)}
    per_kommune_group = list(
        Response.objects.filter(round=round_)
        .values("municipality_id", "staff_group_id", "language")
        .annotate(n=Count("id"))
        .order_by()
    )
    geography = _geography(published, {row["municipality_id"] for row in per_kommune_group})
    # A kommune's staff group below the minimum is left out: its report hides it, but a reader
    # of the kommune reports could subtract the groups they show from a combination here and be
    # left with exactly its rows (found in review).
    group_n = defaultdict(int)
    for row in per_kommune_group:
        group_n[(row["municipality_id"], row["staff_group_id"])] += row["n"]
    small_groups = {key for key, n in group_n.items() if n < min_size}
    combination_n = defaultdict(int)
    language_n = defaultdict(int)
    for row in per_kommune_group:
        if geography[row["municipality_id"]] is None:
            continue
        if (row["municipality_id"], row["staff_group_id"]) in small_groups:
            continue
        key = (*geography[row["municipality_id"]], row["staff_group_id"])
        combination_n[key] += row["n"]
        language_n[(key, row["language"])] += row["n"]
    kept = {key for key, n in combination_n.items() if n >= min_size}
    # The language is a trait too: where any language of a combination has fewer than the
    # minimum, the whole combination is written without language (blanking only the rare one
    # would point at it).
    without_language = {key for (key, _language), n in language_n.items() if n < min_size}

    item_codes = [item.code for d in spec.dimensions for item in d.items]
    item_by_id = {item.id: item.code for item in spec.items.values()}
    questions = spec.outcomes.questions if spec.outcomes else ()
    option_column = {o.id: o.kind for o in (*spec.barriers, *spec.promoters)}
    option_column |= {o.id: q.code for q in questions for o in q.options}
    option_code = {o.id: o.code for o in (*spec.barriers, *spec.promoters)}
    option_code |= {o.id: o.code for q in questions for o in q.options}
    choice_columns = ["barrier", "promoter", *[q.code for q in questions]]
    score_columns = [f"dim_{d.code}" for d in spec.dimensions]
    score_columns += [f"trait_{t}" for t in spec.traits]
    if spec.outcomes:
        score_columns.append("outcome")

    writer = csv.writer(out)
    writer.writerow(
        [
            "size_class",
            "county",
            "staff_group",
            "language",
            *item_codes,
            *[
                "barriers" if c == "barrier" else "promoters" if c == "promoter" else c
                for c in choice_columns
            ],
            *score_columns,
        ]
    )
    answers = _grouped(
        Answer.objects.filter(response__round=round_), ("item_id", "value", "not_relevant")
    )
    choices = _grouped(ResponseChoice.objects.filter(response__round=round_), ("option_id",))
    scores = _grouped(
        ResponseScore.objects.filter(response__round=round_), ("kind", "code", "value")
    )
    # A merge over four streams in the order of the random response keys: nothing is held in
    # memory per response, and the order says nothing about when anyone answered.
    next_answers, next_choices, next_scores = (
        next(answers, None),
        next(choices, None),
        next(scores, None),
    )
    written = left_out = 0
    for pk, municipality_id, staff_group, language in (
        Response.objects.filter(round=round_)
        .order_by("pk")
        .values_list("pk", "municipality_id", "staff_group_id", "language")
        .iterator(chunk_size=5000)
    ):
        values, chosen, scored = {}, defaultdict(list), {}
        while next_answers and next_answers[0] <= pk:
            if next_answers[0] == pk:
                values = {
                    item_by_id[item]: "na" if not_relevant else "x" if value is None else str(value)
                    for _r, item, value, not_relevant in next_answers[1]
                }
            next_answers = next(answers, None)
        while next_choices and next_choices[0] <= pk:
            if next_choices[0] == pk:
                for _r, option in next_choices[1]:
                    chosen[option_column[option]].append(option_code[option])
            next_choices = next(choices, None)
        while next_scores and next_scores[0] <= pk:
            if next_scores[0] == pk:
                scored = {
                    f"{SCORE_PREFIX[kind]}{code}": round(value, 3)
                    for _r, kind, code, value in next_scores[1]
                }
            next_scores = next(scores, None)
        size_class, county = geography[municipality_id] or (None, None)
        key = (size_class, county, staff_group)
        if key not in kept or (municipality_id, staff_group) in small_groups:
            left_out += 1
            continue
        if key in without_language:
            language = ""
        writer.writerow(
            [
                size_class,
                county,
                staff_group,
                language,
                *[values.get(code, "") for code in item_codes],
                *[";".join(sorted(chosen.get(c, []))) for c in choice_columns],
                *[scored.get(c, "") for c in score_columns],
            ]
        )
        written += 1
    return {"rows": written, "left_out": left_out}
