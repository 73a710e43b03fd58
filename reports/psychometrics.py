"""Psychometrics of a published round (issue 13, item 5), computed once at publication and
stored in reports.models.Psychometrics. The method page and KS read the stored figures.

Per dimension:
- Cronbach's alpha with the Feldt confidence interval (pingouin), item–rest correlation and
  alpha if the statement is deleted, on complete cases of the statements every core staff group
  answers (as reliability.py);
- a one-factor confirmatory model (semopy, maximum likelihood) with CFI and RMSEA from semopy,
  SRMR from its implied covariance, and McDonald's omega from its loadings;
- «vet ikke» (and, where the snapshot has the column, «ikke relevant») rates from the item cells;
- ICC(1) and ICC(2) at kommune and unit level from the score cells (one-way analysis of
  variance from n, sum and sum of squares per group; every response, no sample);
- rwg(j) for every kommune the KS benchmark shows (not suppressed), from the item cells.
Across dimensions: correlations of respondents' dimension scores and HTMT (heterotrait–monotrait
ratio) from the statements' correlations.

The answer-level figures use a random sample of at most PSYCHOMETRIC_SAMPLE responses (response
keys are random, so every k-th key is a random sample), like reliability.py. All of these are
national figures over the whole round: no group below the minimum size is shown or derivable.
rwg(j) per kommune is stored only for kommuner that are shown in the national comparison.
"""

import math
import warnings

import numpy as np
from django.db import connection
from django.db.models import Sum

from assessment.models import Round, ScoreKind
from assessment.selectors import get_instrument_spec
from municipalities.models import StaffGroup

from .models import ItemCell, ScoreCell

PSYCHOMETRIC_SAMPLE = 20_000
MIN_COMPLETE_CASES = 10  # for alpha and item statistics (as reliability.py)
MIN_CFA_CASES = 100  # a confirmatory model on fewer cases says little
RWG_NULL_VARIANCE = (5**2 - 1) / 12  # uniform null distribution over five answer options
OUTCOME_KIND = 3  # assessment.models.ScoreKind.OUTCOME (instrument 2027.1)
OUTCOME_CODE = "outcome"

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


def _r(value, digits=3):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, digits)


# --- figures from a complete-case matrix (rows: respondents, columns: statements) -------------


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
    return _r(alpha), [_r(ci[0]), _r(ci[1])]


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
                item_rest = _r(np.corrcoef(column, rest_sum)[0, 1])
        alpha_deleted = alpha_with_ci(rest)[0] if k >= 3 else None
        result.append({"item_rest": item_rest, "alpha_if_deleted": alpha_deleted})
    return result


def srmr(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """Standardised root mean square residual (Bentler): the residual covariances scaled by the
    observed standard deviations, over the lower triangle with the diagonal."""
    scale = np.sqrt(np.outer(np.diag(sample_cov), np.diag(sample_cov)))
    residual = (sample_cov - implied_cov) / scale
    rows, cols = np.tril_indices(sample_cov.shape[0])
    return float(np.sqrt(np.mean(residual[rows, cols] ** 2)))


def one_factor_model(matrix: np.ndarray) -> dict:
    """One-factor confirmatory model (semopy): CFI, RMSEA, SRMR and McDonald's omega."""
    empty = {"omega": None, "cfi": None, "rmsea": None, "srmr": None, "df": None}
    k = matrix.shape[1]
    if matrix.shape[0] < MIN_CFA_CASES or k < 3 or np.any(matrix.std(axis=0) == 0):
        return empty
    import pandas as pd
    import semopy

    names = [f"x{j}" for j in range(k)]
    data = pd.DataFrame(matrix.astype(float), columns=names)
    model = semopy.Model("F =~ " + " + ".join(names))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(data)
        stats = semopy.calc_stats(model).T["Value"]
        params = model.inspect()
    loadings = params[(params["op"] == "~") & (params["rval"] == "F")].set_index("lval")
    variances = params[params["op"] == "~~"]
    factor_var = float(
        variances[(variances["lval"] == "F") & (variances["rval"] == "F")]["Estimate"].iloc[0]
    )
    errors = variances[(variances["lval"] == variances["rval"]) & (variances["lval"] != "F")]
    lam = np.array([float(loadings.loc[n, "Estimate"]) for n in names])
    theta = float(errors["Estimate"].astype(float).sum())
    common = lam.sum() ** 2 * factor_var
    df = int(stats["DoF"])
    return {
        "omega": _r(common / (common + theta)),
        "cfi": _r(min(1.0, float(stats["CFI"]))) if df > 0 else None,
        "rmsea": _r(stats["RMSEA"]) if df > 0 else None,
        "srmr": _r(srmr(model.mx_cov, model.calc_sigma()[0])),
        "df": df,
    }


def htmt(corr: np.ndarray, blocks: list[list[int]]) -> np.ndarray:
    """Heterotrait–monotrait ratio (Henseler, Ringle and Sarstedt 2015) between every pair of
    blocks of columns of an item correlation matrix."""
    size = len(blocks)
    mono = []
    for block in blocks:
        sub = corr[np.ix_(block, block)]
        off = sub[~np.eye(len(block), dtype=bool)]
        mono.append(np.nanmean(off) if off.size else np.nan)
    result = np.full((size, size), np.nan)
    for a in range(size):
        for b in range(size):
            if a != b:
                hetero = np.nanmean(corr[np.ix_(blocks[a], blocks[b])])
                result[a, b] = (
                    hetero / math.sqrt(mono[a] * mono[b]) if mono[a] * mono[b] > 0 else np.nan
                )
    return result


# --- figures from summed cells ---------------------------------------------------------------


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
        "icc1": _r((ms_between - ms_within) / denominator) if denominator > 0 else None,
        "icc2": _r((ms_between - ms_within) / ms_between) if ms_between > 0 else None,
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
    return _r(agreement / (agreement + ratio), 2)


# --- the round --------------------------------------------------------------------------------


def _has_field(model, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


# «Ikke relevant» is counted in its own item-cell column from instrument 2027.1 (i13a); the
# rates include it where the snapshot has that column, under whichever of these names it has.
_NOT_RELEVANT_NAMES = ("not_relevant", "not_applicable", "irrelevant")


def _not_relevant_field() -> str | None:
    return next((n for n in _NOT_RELEVANT_NAMES if _has_field(ItemCell, n)), None)


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


def _item_rates(round_: Round) -> dict:
    """Per statement: answers, «vet ikke» and (if the column exists) «ikke relevant»."""
    fields = ["n1", "n2", "n3", "n4", "n5", "dont_know"]
    not_relevant = _not_relevant_field()
    if not_relevant:
        fields.append(not_relevant)
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
            "not_relevant": (row[f"s_{not_relevant}"] or 0) if not_relevant else None,
        }
    return result


def _rate(part, total):
    return None if part is None or not total else round(part / total, 3)


def _iccs(round_: Round) -> dict:
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


def _rwg_by_kommune(round_: Round, spec, item_ids: dict, sums) -> dict:
    """{code: {municipality id: rwg(j)}} for kommuner (and dimensions) shown in the national
    comparison (`sums`: reports.selectors.benchmark.kommune_sums); a suppressed kommune gets no
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


def _quartiles(values: list[float]) -> dict:
    if not values:
        return {"groups": 0, "median": None, "q1": None, "q3": None, "share_70": None}
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return {
        "groups": len(values),
        "median": _r(median, 2),
        "q1": _r(q1, 2),
        "q3": _r(q3, 2),
        "share_70": round(sum(v >= 0.7 for v in values) / len(values), 2),
    }


def compute_psychometrics(round_: Round) -> dict:
    """Everything above for one round (called by publish_round after the cells are written)."""
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
    rates = _item_rates(round_)
    iccs = _iccs(round_)
    from .selectors.benchmark import kommune_sums

    sums = kommune_sums(round_, spec)
    rwg = _rwg_by_kommune(
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
        not_relevant = (
            sum(rates.get(i.id, {}).get("not_relevant") or 0 for i in d.items)
            if _not_relevant_field()
            else None
        )
        statements = []
        for i in d.items:
            row = rates.get(i.id, {"total": 0, "dont_know": 0, "not_relevant": None})
            entry = {
                "code": item_codes[i.id],
                "item_rest": None,
                "alpha_if_deleted": None,
                "dont_know": _rate(row["dont_know"], row["total"]),
                "not_relevant": _rate(row["not_relevant"], row["total"]),
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
            "dont_know": _rate(dont_know, total),
            "not_relevant": _rate(not_relevant, total),
            "icc": {
                level: icc_from_sums(iccs.get((level, d.code), []))
                for level in ("municipality", "unit")
            },
            "rwg": _quartiles(list(rwg[d.code].values())),
            "statements": statements,
        }
    score_ids, score_matrix = _matrix(scores, list(range(len(codes) + 1)))
    return {
        "sample": len(respondents),
        "dimensions": dimensions,
        "correlations": _correlations(codes, score_matrix[:, : len(codes)], items, blocks),
        "outcome": _outcome_association(codes, score_matrix),
        "outcome_kommuner": _outcome_across_kommuner(round_, sums, spec),
        "rwg_by_municipality": rwg,
    }


def _pairwise_corr(matrix: np.ndarray) -> np.ndarray:
    import pandas as pd

    return pd.DataFrame(matrix).corr(min_periods=MIN_COMPLETE_CASES).to_numpy()


def _correlations(codes, dimension_scores, items, blocks) -> dict:
    """Respondent-level correlations between dimension scores, and HTMT."""
    if dimension_scores.shape[0] < MIN_COMPLETE_CASES:
        return {"codes": codes, "r": None, "htmt": None}
    r = _pairwise_corr(dimension_scores)
    ratio = htmt(_pairwise_corr(items), blocks) if items.shape[1] else None
    as_list = lambda m: [[_r(v, 2) for v in row] for row in m]  # noqa: E731
    return {
        "codes": codes,
        "r": as_list(r),
        "htmt": as_list(ratio) if ratio is not None else None,
    }


def _outcome_association(codes, score_matrix) -> dict | None:
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
            "r": _r(test.statistic, 2),
            "ci95": [_r(ci.low, 2), _r(ci.high, 2)],
            "n": int(both.sum()),
        }
    return result


def _outcome_across_kommuner(round_: Round, sums, spec) -> dict | None:
    """Correlation between kommuner's dimension means and outcome means, over kommuner shown in
    the national comparison whose outcome index has at least the minimum group size."""
    from scipy import stats

    from .models import MunicipalityScore

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
            if m not in sums.hidden and (m, d.code) not in sums.cells and (m, d.code) in sums.rows
        ]
        x = np.array([sums.rows[(m, d.code)]["mean"] for m in shown])
        y = np.array([outcome[m] for m in shown])
        if len(shown) < 4 or x.std() == 0 or y.std() == 0:
            result[d.code] = {"r": None, "ci95": None, "n": len(shown)}
            continue
        test = stats.pearsonr(x, y)
        ci = test.confidence_interval(0.95)
        result[d.code] = {
            "r": _r(test.statistic, 2),
            "ci95": [_r(ci.low, 2), _r(ci.high, 2)],
            "n": len(shown),
        }
    return result
