"""The factor structure: a one-factor confirmatory model per dimension (CFI, RMSEA, SRMR and
McDonald's omega) and, across dimensions, correlations of respondents' dimension scores and HTMT."""

import math
import warnings

import numpy as np

from .common import MIN_COMPLETE_CASES, rounded

MIN_CFA_CASES = 100  # a confirmatory model on fewer cases says little


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
        "omega": rounded(common / (common + theta)),
        "cfi": rounded(min(1.0, float(stats["CFI"]))) if df > 0 else None,
        "rmsea": rounded(stats["RMSEA"]) if df > 0 else None,
        "srmr": rounded(srmr(model.mx_cov, model.calc_sigma()[0])),
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


def _pairwise_corr(matrix: np.ndarray) -> np.ndarray:
    import pandas as pd

    return pd.DataFrame(matrix).corr(min_periods=MIN_COMPLETE_CASES).to_numpy()


def correlations(codes, dimension_scores, items, blocks) -> dict:
    """Respondent-level correlations between dimension scores, and HTMT."""
    if dimension_scores.shape[0] < MIN_COMPLETE_CASES:
        return {"codes": codes, "r": None, "htmt": None}
    r = _pairwise_corr(dimension_scores)
    ratio = htmt(_pairwise_corr(items), blocks) if items.shape[1] else None
    as_list = lambda m: [[rounded(v, 2) for v in row] for row in m]  # noqa: E731
    return {
        "codes": codes,
        "r": as_list(r),
        "htmt": as_list(ratio) if ratio is not None else None,
    }
