"""The psychometrics of one round, computed once by publish_round: reads a sample of the answers
and scores and puts the figures of the other modules together per dimension, across dimensions
and against the outcome index."""

import numpy as np
from django.db import connection

from assessment.models import Round, ScoreKind
from assessment.selectors import get_instrument_spec
from municipalities.models import StaffGroup

from ..selectors.kommune_sums import kommune_sums
from .factor_model import correlations, one_factor_model
from .multilevel import icc_from_sums, icc_groups, quartiles, rwg_by_kommune
from .outcome import OUTCOME_CODE, OUTCOME_KIND, outcome_across_kommuner, outcome_association
from .reliability import alpha_with_ci, item_rates, item_statistics, rate

PSYCHOMETRIC_SAMPLE = 20_000

_SAMPLE_ANSWERS = """
SELECT a.response_id, a.item_id,
       CASE WHEN i.reverse THEN 6 - a.value ELSE a.value END
FROM assessment_answer a
JOIN assessment_item i ON i.id = a.item_id
JOIN assessment_response r ON r.id = a.response_id
WHERE r.round_id = %s AND a.value IS NOT NULL {sample}
"""

_SAMPLE_SCORES = """
SELECT s.response_id, CASE {columns} END AS col, s.value
FROM assessment_responsescore s
JOIN assessment_response r ON r.id = s.response_id
WHERE r.round_id = %s AND s.kind IN (%s, %s) {sample}
"""


def _sample_filter(round_: Round) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM assessment_response WHERE round_id = %s", [round_.pk])
        every = -(-cursor.fetchone()[0] // PSYCHOMETRIC_SAMPLE)
    return f"AND r.id %% {every} = 0" if every > 1 else ""


def _matrix(rows: list, columns: list) -> tuple[np.ndarray, np.ndarray]:
    """(respondent ids, matrix) with NaN where a respondent has no value, from integer
    (respondent, column key, value) rows, without a Python loop over the rows."""
    if not rows:
        return np.array([], dtype=np.int64), np.full((0, len(columns)), np.nan)
    data = np.array(rows, dtype=float)
    respondents, row_index = np.unique(data[:, 0].astype(np.int64), return_inverse=True)
    keys = np.asarray(columns, dtype=np.int64)
    order = np.argsort(keys)
    position = np.searchsorted(keys[order], data[:, 1].astype(np.int64))
    position = np.minimum(position, len(keys) - 1)
    keep = keys[order][position] == data[:, 1].astype(np.int64)
    matrix = np.full((len(respondents), len(columns)), np.nan)
    matrix[row_index[keep], order[position[keep]]] = data[keep, 2]
    return respondents, matrix


def compute_psychometrics(round_: Round) -> dict:
    """Every figure of this package for one round (called by publish_round after the cells are
    written)."""
    spec = get_instrument_spec(round_.instrument)
    core = set(StaffGroup.objects.filter(is_optional=False).values_list("code", flat=True))
    core_items = {d.code: [i.id for i in d.items if core <= i.audience] for d in spec.dimensions}
    all_core = [i for ids in core_items.values() for i in ids]
    sample = _sample_filter(round_)
    with connection.cursor() as cursor:
        cursor.execute(_SAMPLE_ANSWERS.format(sample=sample), [round_.pk])
        answers = cursor.fetchall()
        # Column j < len(codes): dimension j; column len(codes): the outcome index.
        codes = [d.code for d in spec.dimensions]
        keys = [(int(ScoreKind.DIMENSION), c) for c in codes] + [(OUTCOME_KIND, OUTCOME_CODE)]
        cursor.execute(
            _SAMPLE_SCORES.format(
                sample=sample,
                columns=" ".join("WHEN s.kind = %s AND s.code = %s THEN %s" for _ in keys)
                + " ELSE -1",
            ),
            [v for j, (kind, code) in enumerate(keys) for v in (kind, code, j)]
            + [round_.pk, int(ScoreKind.DIMENSION), OUTCOME_KIND],
        )
        scores = cursor.fetchall()
    respondents, items = _matrix(answers, all_core)
    rates = item_rates(round_)
    iccs = icc_groups(round_)

    sums = kommune_sums(round_, spec)
    rwg = rwg_by_kommune(
        round_, spec, {d.code: [i.id for i in d.items] for d in spec.dimensions}, sums
    )
    dimensions = {}
    blocks = []
    offset = 0
    for d in spec.dimensions:
        ids = core_items[d.code]
        block = list(range(offset, offset + len(ids)))
        offset += len(ids)
        blocks.append(block)
        sub = items[:, block] if block else np.empty((len(respondents), 0))
        complete = sub[~np.isnan(sub).any(axis=1)] if sub.size else sub
        alpha, alpha_ci = alpha_with_ci(complete)
        per_item = item_statistics(complete) if complete.shape[1] else []
        item_codes = {i.id: i.code for i in d.items}
        total = sum(rates.get(i.id, {}).get("total", 0) for i in d.items)
        dont_know = sum(rates.get(i.id, {}).get("dont_know", 0) for i in d.items)
        not_relevant = sum(rates.get(i.id, {}).get("not_relevant") or 0 for i in d.items)
        statements = []
        for i in d.items:
            row = rates.get(i.id, {"total": 0, "dont_know": 0, "not_relevant": None})
            entry = {
                "code": item_codes[i.id],
                "item_rest": None,
                "alpha_if_deleted": None,
                "dont_know": rate(row["dont_know"], row["total"]),
                "not_relevant": rate(row["not_relevant"], row["total"]),
            }
            if i.id in ids:
                entry.update(per_item[ids.index(i.id)])
            statements.append(entry)
        dimensions[d.code] = {
            "items": len(ids),
            "n": int(complete.shape[0]),
            "alpha": alpha,
            "alpha_ci": alpha_ci,
            **one_factor_model(complete),
            "dont_know": rate(dont_know, total),
            "not_relevant": rate(not_relevant, total),
            "icc": {
                level: icc_from_sums(iccs.get((level, d.code), []))
                for level in ("municipality", "unit")
            },
            "rwg": quartiles(list(rwg[d.code].values())),
            "statements": statements,
        }
    score_ids, score_matrix = _matrix(scores, list(range(len(codes) + 1)))
    return {
        "sample": len(respondents),
        "dimensions": dimensions,
        "correlations": correlations(codes, score_matrix[:, : len(codes)], items, blocks),
        "outcome": outcome_association(codes, score_matrix),
        "outcome_kommuner": outcome_across_kommuner(round_, sums, spec),
        "rwg_by_municipality": rwg,
    }
