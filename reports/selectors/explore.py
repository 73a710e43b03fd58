"""The heatmap to explore (issue 15, item 10): rows by staff group, sector, unit or tenure band ×
dimension, coloured by the difference from a chosen comparison. Every row is a group the report
already shows with its suppression (staff groups, sectors, units), or the tenure bands of the whole
kommune, suppressed here like any breakdown of the kommune: a band below the minimum is hidden, and
the hidden bands - «not given» always among them - hold nobody or at least the minimum together,
per dimension as well."""

from django.db.models import Sum

from assessment.models import TenureBand

from ..models import TenureCell, TenureScoreCell
from .breakdown import suppressed_groups
from .stats import score_row

# Colour bins for the difference (row mean minus comparison mean), symmetric around zero.
BINS = ((0.5, "p3"), (0.25, "p2"), (0.1, "p1"), (-0.1, "0"), (-0.25, "m1"), (-0.5, "m2"))


def tenure_groups(round_, municipality, spec) -> list:
    """The whole kommune's tenure bands (two queries); «not given» is never shown."""
    min_size = round_.effective_min_group_size
    counts: dict = dict(
        TenureCell.objects.filter(round=round_, municipality=municipality)
        .values("tenure")
        .annotate(total=Sum("n"))
        .values_list("tenure", "total")
    )
    rows = {
        (tenure, code): score_row(n, total, sum_sq)
        for tenure, code, n, total, sum_sq in TenureScoreCell.objects.filter(
            round=round_, municipality=municipality
        )
        .values("tenure", "code")
        .annotate(n=Sum("n"), total=Sum("total"), sum_sq=Sum("sum_sq"))
        .values_list("tenure", "code", "n", "total", "sum_sq")
    }
    labels = {value: str(label) for value, label in TenureBand.choices}
    return suppressed_groups(labels, counts, rows, spec, min_size, never_shown=frozenset({""}))


def heat_class(diff: float | None) -> str:
    if diff is None:
        return "heat-none"
    for bound, name in BINS:
        if diff >= bound:
            return f"heat-{name}"
    return "heat-m3"


def heatmap_rows(groups, comparison) -> list[dict]:
    """Per group: each dimension's stat with its difference from the comparison and a colour
    class; hidden means stay hidden and get no colour."""
    by_code = {s.code: s for s in comparison}
    result = []
    for group in groups:
        cells = []
        for stat in group.dimensions:
            other = by_code.get(stat.code)
            diff = None
            if not stat.suppressed and other is not None and not other.suppressed:
                diff = round(stat.mean - other.mean, 2)
            cells.append({"stat": stat, "diff": diff, "css": heat_class(diff)})
        result.append({"group": group, "cells": cells})
    return result
