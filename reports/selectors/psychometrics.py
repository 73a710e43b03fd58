"""Psychometric figures as stored at publication (reports.psychometrics), shaped for the method
page and the KS page. National figures only; rwg(j) per kommune exists only for kommuner shown
in the national comparison."""

from datetime import timedelta

from django.utils import timezone

from assessment.models import Round
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality

from ..models import Psychometrics

# The queued task takes seconds to minutes; past this, something is wrong with the worker.
PSYCHOMETRICS_OVERDUE = timedelta(hours=1)


def _dimension_rows(spec, stored: dict) -> list[dict]:
    return [
        {"code": d.code, "name": d.label, **stored.get(d.code, {})}
        for d in spec.dimensions
        if d.code in stored
    ]


def _any_not_relevant(stored: dict) -> bool:
    return any(d.get("not_relevant") is not None for d in stored.values())


def _matrix_rows(spec, matrix: dict) -> list[dict]:
    names = {d.code: d.label for d in spec.dimensions}
    codes = matrix.get("codes") or []
    rows = []
    for key in ("r", "htmt"):
        if not matrix.get(key):
            return []
    for i, code in enumerate(codes):
        rows.append(
            {
                "name": names.get(code, code),
                "cells": [
                    {"r": matrix["r"][i][j], "htmt": matrix["htmt"][i][j], "diagonal": i == j}
                    for j in range(len(codes))
                ],
            }
        )
    return rows


def psychometrics_for_published_rounds(limit: int = 3) -> list[dict]:
    """The latest published rounds' dimension figures, for «Om metoden» (one query)."""
    result = []
    for p in Psychometrics.objects.select_related("publication__round__instrument").order_by(
        "-publication__round__closes_on"
    )[:limit]:
        spec = get_instrument_spec(p.publication.round.instrument)
        result.append(
            {
                "round": p.publication.round,
                "sample": p.sample,
                "dimensions": _dimension_rows(spec, p.dimensions),
                "show_not_relevant": _any_not_relevant(p.dimensions),
            }
        )
    return result


def round_psychometrics(round_: Round) -> dict | None:
    """Everything stored for one published round, for KS: dimensions with statements,
    correlations and HTMT, the outcome association and rwg(j) per shown kommune."""
    p = Psychometrics.objects.filter(publication__round=round_).first()
    if p is None:
        return None
    spec = get_instrument_spec(round_.instrument)
    names = dict(
        Municipality.objects.filter(
            pk__in={int(m) for per in p.rwg_by_municipality.values() for m in per}
        ).values_list("pk", "name")
    )
    codes = [d.code for d in spec.dimensions]
    kommuner = sorted(
        {int(m) for per in p.rwg_by_municipality.values() for m in per},
        key=lambda m: names.get(m, ""),
    )
    return {
        "sample": p.sample,
        "dimensions": _dimension_rows(spec, p.dimensions),
        "show_not_relevant": _any_not_relevant(p.dimensions),
        "matrix_codes": [
            d.label for d in spec.dimensions if d.code in (p.correlations.get("codes") or [])
        ],
        "matrix": _matrix_rows(spec, p.correlations),
        "outcome": outcome_rows(spec, p.outcome, p.outcome_kommuner),
        "rwg_codes": [d.label for d in spec.dimensions],
        "rwg": [
            {
                "name": names.get(m, ""),
                "values": [p.rwg_by_municipality.get(c, {}).get(str(m)) for c in codes],
            }
            for m in kommuner
        ],
    }


def outcome_rows(spec, respondents: dict | None, kommuner: dict | None) -> list[dict] | None:
    """Per dimension: how it goes together with the outcome index, among respondents and across
    kommuner. None when the round's instrument has no outcome block."""
    if respondents is None:
        return None
    return [
        {
            "name": d.label,
            "respondents": respondents.get(d.code),
            "kommuner": (kommuner or {}).get(d.code),
        }
        for d in spec.dimensions
    ]


def psychometrics_overdue(round_: Round) -> bool:
    """Whether a published round still has no psychometrics long after its publication (the
    queue's worker is not running, or the task failed)."""
    published = round_.published_at
    return published is not None and timezone.now() - published > PSYCHOMETRICS_OVERDUE
