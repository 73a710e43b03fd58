"""Rounds and participations: lists, look-ups scoped to the user, response counts and headcounts."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from municipalities.models import StaffGroup
from municipalities.selectors import get_municipality_for_coordinator, get_municipality_for_user

from ..models import (
    Headcount,
    Participation,
    Response,
    Round,
)


def overlapping_rounds(*, opens_on, closes_on, instrument) -> list[Round]:
    """Rounds with the same version of the questionnaire whose dates overlap these: a kommune
    that joins both has two open rounds at once."""
    return list(
        Round.objects.filter(
            instrument=instrument, opens_on__lte=closes_on, closes_on__gte=opens_on
        ).order_by("opens_on", "name")
    )


def list_rounds() -> QuerySet[Round]:
    return Round.objects.select_related("instrument").annotate(
        participant_count=Count("participations", distinct=True)
    )


def get_round(slug: str) -> Round:
    round_ = Round.objects.select_related("instrument").filter(slug=slug).first()
    if round_ is None:
        raise Http404
    return round_


def rounds_for_municipality(municipality) -> dict:
    """The kommune's participations, and the rounds it can still join."""
    participations = list(
        Participation.objects.filter(municipality=municipality)
        .select_related("round")
        .annotate(
            responses=Count(
                "round__responses", filter=Q(round__responses__municipality=municipality)
            )
        )
        .order_by("-round__opens_on")
    )
    joined = {p.round_id for p in participations}
    joinable = [
        r
        for r in Round.objects.filter(closes_on__gte=timezone.localdate()).order_by("opens_on")
        if r.pk not in joined
    ]
    return {"participations": participations, "joinable": joinable}


def get_participation_for_user(user, *, slug: str, number: str, coordinate: bool = False):
    """The kommune's participation in a round, scoped to the user (404 otherwise)."""
    municipality = (
        get_municipality_for_coordinator(user, number)
        if coordinate
        else get_municipality_for_user(user, number)
    )
    participation = (
        Participation.objects.select_related("round__instrument", "municipality")
        .filter(round__slug=slug, municipality=municipality)
        .first()
    )
    if participation is None:
        raise Http404
    return participation


def response_count(participation) -> int:
    return Response.objects.filter(
        round_id=participation.round_id, municipality_id=participation.municipality_id
    ).count()


def headcount_grid(participation, submitted=None) -> dict:
    """Rows («not in any unit», then each unit) × staff groups, with the stored counts. Every
    person belongs to one row only: the first row is the staff outside every unit, and a unit's
    row is the unit itself without its sub-units. The totals are the sums of the stored rows
    (the denominator of the response rate)."""
    groups = list(StaffGroup.objects.all())
    if not participation.round.include_folkevalgte:
        groups = [g for g in groups if not g.is_optional]
    stored = {
        (u, g): c
        for u, g, c in Headcount.objects.filter(participation=participation).values_list(
            "unit_id", "staff_group_id", "count"
        )
    }
    units = [(None, "")] + [
        (u.pk, u.name)
        for u in participation.municipality.units.all().order_by("sector__order", "path")
    ]
    rows = []
    for unit_id, name in units:
        cells = []
        for group in groups:
            field_name = f"hc-{unit_id or 0}-{group.code}"
            value = (
                submitted.get(field_name, "")
                if submitted is not None
                else stored.get((unit_id, group.code), "")
            )
            cells.append(
                {
                    "name": field_name,
                    "staff_group": group.code,
                    "label": group.label,
                    "value": value,
                }
            )
        rows.append({"unit_id": unit_id, "name": name, "cells": cells})
    totals = [
        {"label": group.label, "count": sum(c for (_u, g), c in stored.items() if g == group.code)}
        for group in groups
    ]
    totals = [t for t in totals if t["count"]]
    return {
        "groups": groups,
        "rows": rows,
        "totals": totals,
        "total": sum(stored.values()),
        "has_units": len(units) > 1,
    }
