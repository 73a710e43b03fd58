"""Reliability per dimension from the statements: Cronbach's alpha with its Feldt interval,
item–rest correlations and alpha if a statement is deleted; and the «vet ikke» and «ikke
relevant» rates per statement from the item cells."""

import math
import warnings

import numpy as np
from django.db.models import Sum

from assessment.models import Round

from ..models import ItemCell
from .common import MIN_COMPLETE_CASES, rounded


def alpha_with_ci(matrix: np.ndarray) -> tuple[float | None, list | None]:
    """Cronbach's alpha and its 95 % Feldt interval (pingouin)."""
    import pandas as pd
    import pingouin

    if matrix.shape[0] < MIN_COMPLETE_CASES or matrix.shape[1] < 2:
        return None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alpha, ci = pingouin.cronbach_alpha(data=pd.DataFrame(matrix), nan_policy="listwise")
    if math.isnan(alpha):
        return None, None
    return rounded(alpha), [rounded(ci[0]), rounded(ci[1])]


def item_statistics(matrix: np.ndarray) -> list[dict]:
    """Per statement: the correlation with the sum of the others (item–rest) and alpha without it."""
    result = []
    k = matrix.shape[1]
    for j in range(k):
        rest = np.delete(matrix, j, axis=1)
        item_rest = None
        if matrix.shape[0] >= MIN_COMPLETE_CASES and k >= 2:
            column, rest_sum = matrix[:, j], rest.sum(axis=1)
            if column.std() > 0 and rest_sum.std() > 0:
                item_rest = rounded(np.corrcoef(column, rest_sum)[0, 1])
        alpha_deleted = alpha_with_ci(rest)[0] if k >= 3 else None
        result.append({"item_rest": item_rest, "alpha_if_deleted": alpha_deleted})
    return result


def item_rates(round_: Round) -> dict:
    """Per statement: answers, «vet ikke» and «ikke relevant» (0 before instrument 2027.1)."""
    fields = ["n1", "n2", "n3", "n4", "n5", "dont_know", "not_relevant"]
    rows = (
        ItemCell.objects.filter(round=round_)
        .values("item_id")
        .annotate(**{f"s_{f}": Sum(f) for f in fields})
    )
    result = {}
    for row in rows:
        total = sum(row[f"s_{f}"] or 0 for f in fields)
        result[row["item_id"]] = {
            "total": total,
            "dont_know": row["s_dont_know"] or 0,
            "not_relevant": row["s_not_relevant"] or 0,
        }
    return result


def rate(part, total):
    return None if part is None or not total else round(part / total, 3)
