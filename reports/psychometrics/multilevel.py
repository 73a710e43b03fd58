"""Agreement within groups, from the published cells: ICC(1) and ICC(2) at kommune and unit level
from the score cells, and rwg(j) per kommune shown in the national comparison from the item
cells."""

import numpy as np
from django.db.models import Sum

from assessment.models import Round, ScoreKind

from ..models import ItemCell, ScoreCell
from .common import rounded

RWG_NULL_VARIANCE = (5**2 - 1) / 12  # uniform null distribution over five answer options


def icc_from_sums(groups: list[tuple[int, float, float]]) -> dict:
    """ICC(1) and ICC(2) (Bliese 2000) from a one-way analysis of variance on groups given as
    (n, sum, sum of squares). ICC(1) uses the adjusted mean group size for unequal groups."""
    groups = [(n, t, q) for n, t, q in groups if n > 0]
    n_groups = len(groups)
    total_n = sum(n for n, _, _ in groups)
    if n_groups < 2 or total_n - n_groups < 1:
        return {"icc1": None, "icc2": None, "groups": n_groups}
    grand = sum(t for _, t, _ in groups)
    between_sq = sum(t * t / n for n, t, _ in groups)
    ss_between = between_sq - grand * grand / total_n
    ss_within = sum(q for _, _, q in groups) - between_sq
    ms_between = ss_between / (n_groups - 1)
    ms_within = max(ss_within, 0.0) / (total_n - n_groups)
    k0 = (total_n - sum(n * n for n, _, _ in groups) / total_n) / (n_groups - 1)
    denominator = ms_between + (k0 - 1) * ms_within
    return {
        "icc1": rounded((ms_between - ms_within) / denominator) if denominator > 0 else None,
        "icc2": rounded((ms_between - ms_within) / ms_between) if ms_between > 0 else None,
        "groups": n_groups,
    }


def item_variance(counts) -> float | None:
    """Sample variance of one statement's answers from the counts of 1–5."""
    n = sum(counts)
    if n < 2:
        return None
    total = sum(v * c for v, c in zip(range(1, 6), counts, strict=True))
    sum_sq = sum(v * v * c for v, c in zip(range(1, 6), counts, strict=True))
    return (sum_sq - total * total / n) / (n - 1)


def rwg_j(variances: list[float]) -> float | None:
    """rwg(j) (James, Demaree and Wolf 1984) for J statements against the uniform null; set to 0
    where the observed variance exceeds the null (disagreement beyond chance)."""
    variances = [v for v in variances if v is not None]
    if not variances:
        return None
    j = len(variances)
    ratio = min(1.0, (sum(variances) / j) / RWG_NULL_VARIANCE)
    agreement = j * (1 - ratio)
    return rounded(agreement / (agreement + ratio), 2)


def icc_groups(round_: Round) -> dict:
    """{(level, code): [(n, sum, sum_sq) per group]} for kommuner and units."""
    result: dict = {}
    base = ScoreCell.objects.filter(round=round_, kind=ScoreKind.DIMENSION)
    for level, group_by, qs in (
        ("municipality", "municipality_id", base),
        ("unit", "unit_id", base.filter(unit_id__isnull=False)),
    ):
        for row in qs.values("code", group_by).annotate(
            sn=Sum("n"), st=Sum("total"), sq=Sum("sum_sq")
        ):
            result.setdefault((level, row["code"]), []).append((row["sn"], row["st"], row["sq"]))
    return result


def rwg_by_kommune(round_: Round, spec, item_ids: dict, sums) -> dict:
    """{code: {municipality id: rwg(j)}} for kommuner (and dimensions) shown in the national
    comparison (`sums`: reports.selectors.kommune_sums.kommune_sums); a suppressed kommune gets no
    entry."""
    rows = list(
        ItemCell.objects.filter(round=round_)
        .values("municipality_id", "item_id")
        .annotate(**{f"c{v}": Sum(f"n{v}") for v in range(1, 6)})
        .values_list("municipality_id", "item_id", *[f"c{v}" for v in range(1, 6)])
    )
    variances: dict = {}
    if rows:
        data = np.array(rows, dtype=float)
        counts = data[:, 2:]
        n = counts.sum(axis=1)
        values = np.arange(1, 6)
        total, sum_sq = counts @ values, counts @ (values**2)
        with np.errstate(divide="ignore", invalid="ignore"):
            var = np.where(n > 1, (sum_sq - total * total / n) / (n - 1), np.nan)
        variances = {
            (int(m), int(i)): None if np.isnan(v) else float(v)
            for m, i, v in zip(data[:, 0], data[:, 1], var, strict=True)
        }
    result = {}
    for d in spec.dimensions:
        shown = {}
        for municipality_id in sums.published:
            if municipality_id in sums.hidden or (municipality_id, d.code) in sums.cells:
                continue
            if (municipality_id, d.code) not in sums.rows:
                continue
            value = rwg_j([variances.get((municipality_id, i)) for i in item_ids[d.code]])
            if value is not None:
                shown[str(municipality_id)] = value
        result[d.code] = shown
    return result


def quartiles(values: list[float]) -> dict:
    if not values:
        return {"groups": 0, "median": None, "q1": None, "q3": None, "share_70": None}
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return {
        "groups": len(values),
        "median": rounded(median, 2),
        "q1": rounded(q1, 2),
        "q3": rounded(q3, 2),
        "share_70": round(sum(v >= 0.7 for v in values) / len(values), 2),
    }
