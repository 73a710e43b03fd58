"""Psychometrics of a published round (issue 13, item 5), computed once at publication and
stored in reports.models.Psychometrics. The method page and KS read the stored figures.

Per dimension:
- Cronbach's alpha with the Feldt confidence interval (pingouin), item–rest correlation and
  alpha if the statement is deleted, on complete cases of the statements every core staff group
  answers (as reports.reliability);
- a one-factor confirmatory model (semopy, maximum likelihood) with CFI and RMSEA from semopy,
  SRMR from its implied covariance, and McDonald's omega from its loadings;
- «vet ikke» (and, where the snapshot has the column, «ikke relevant») rates from the item cells;
- ICC(1) and ICC(2) at kommune and unit level from the score cells (one-way analysis of
  variance from n, sum and sum of squares per group; every response, no sample);
- rwg(j) for every kommune the KS benchmark shows (not suppressed), from the item cells.
Across dimensions: correlations of respondents' dimension scores and HTMT (heterotrait–monotrait
ratio) from the statements' correlations.

The answer-level figures use a random sample of at most compute.PSYCHOMETRIC_SAMPLE responses
(response keys are random, so every k-th key is a random sample), like reports.reliability. All
of these are national figures over the whole round: no group below the minimum size is shown or
derivable. rwg(j) per kommune is stored only for kommuner that are shown in the national comparison.

The figures live in one module each: reliability (alpha, item statistics, «vet ikke» rates),
factor_model (one-factor model, score correlations, HTMT), multilevel (ICC, rwg(j)), outcome
(association with the outcome index); compute puts them together for a round.
"""

from .compute import compute_psychometrics
from .factor_model import htmt, one_factor_model, srmr
from .multilevel import icc_from_sums, item_variance, rwg_j
from .outcome import OUTCOME_CODE, OUTCOME_KIND
from .reliability import alpha_with_ci, item_statistics

__all__ = [
    "OUTCOME_CODE",
    "OUTCOME_KIND",
    "alpha_with_ci",
    "compute_psychometrics",
    "htmt",
    "icc_from_sums",
    "item_statistics",
    "item_variance",
    "one_factor_model",
    "rwg_j",
    "srmr",
]
