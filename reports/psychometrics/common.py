"""Shared by the psychometric figures: the smallest sample a correlation or alpha is computed on,
and the rounding of stored figures."""

import math

MIN_COMPLETE_CASES = 10  # for alpha and item statistics (as reports.reliability)


def rounded(value, digits=3):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, digits)
