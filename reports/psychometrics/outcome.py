"""Association with the outcome index (instrument 2027.1): each dimension against the outcome
index at respondent level and across the kommuner shown in the national comparison."""

import numpy as np

from assessment.models import Round

from ..models import MunicipalityScore
from .common import MIN_COMPLETE_CASES, rounded

OUTCOME_KIND = 3  # assessment.models.ScoreKind.OUTCOME (instrument 2027.1)
OUTCOME_CODE = "outcome"


def outcome_association(codes, score_matrix) -> dict | None:
    """Respondent-level Pearson correlation between each dimension and the outcome index, with
    its 95 % interval (scipy, Fisher's z). None when the round has no outcome scores."""
    from scipy import stats

    outcome = score_matrix[:, -1] if score_matrix.size else np.array([])
    if not np.any(~np.isnan(outcome)):
        return None
    result = {}
    for j, code in enumerate(codes):
        both = ~np.isnan(score_matrix[:, j]) & ~np.isnan(outcome)
        x, y = score_matrix[both, j], outcome[both]
        if both.sum() < MIN_COMPLETE_CASES or x.std() == 0 or y.std() == 0:
            result[code] = {"r": None, "ci95": None, "n": int(both.sum())}
            continue
        test = stats.pearsonr(x, y)
        ci = test.confidence_interval(0.95)
        result[code] = {
            "r": rounded(test.statistic, 2),
            "ci95": [rounded(ci.low, 2), rounded(ci.high, 2)],
            "n": int(both.sum()),
        }
    return result


def outcome_across_kommuner(round_: Round, sums, spec) -> dict | None:
    """Correlation between kommuner's dimension means and outcome means, over kommuner shown in
    the national comparison whose outcome index has at least the minimum group size."""
    from scipy import stats

    outcome = {
        m: total / n
        for m, n, total in MunicipalityScore.objects.filter(
            round=round_, kind=OUTCOME_KIND, code=OUTCOME_CODE
        ).values_list("municipality_id", "n", "total")
        if n >= round_.effective_min_group_size
    }
    if not outcome:
        return None
    result = {}
    for d in spec.dimensions:
        shown = [
            m
            for m in outcome
            if m not in sums.hidden
            and (m, d.code) not in sums.cells
            and (m, OUTCOME_CODE) not in sums.outcome_cells
            and (m, d.code) in sums.rows
        ]
        x = np.array([sums.rows[(m, d.code)]["mean"] for m in shown])
        y = np.array([outcome[m] for m in shown])
        if len(shown) < 4 or x.std() == 0 or y.std() == 0:
            result[d.code] = {"r": None, "ci95": None, "n": len(shown)}
            continue
        test = stats.pearsonr(x, y)
        ci = test.confidence_interval(0.95)
        result[d.code] = {
            "r": rounded(test.statistic, 2),
            "ci95": [rounded(ci.low, 2), rounded(ci.high, 2)],
            "n": len(shown),
        }
    return result
