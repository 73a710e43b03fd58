"""The signed-in start page."""

from typing import Any

from assessment.models import Participation
from assessment.selectors import list_rounds
from municipalities.models import Municipality, OrgUnit
from municipalities.selectors import get_access_for_user


def home_overview(user) -> dict:
    """The signed-in start page: the kommuner the user works with (with their rounds and whether
    the user coordinates them) and, for KS, the rounds."""

    access = get_access_for_user(user)
    participations = list(
        Participation.objects.filter(municipality_id__in=access.municipality_ids)
        .select_related("round", "municipality")
        .order_by("municipality__name", "-round__opens_on")
    )
    municipalities: dict[int, dict[str, Any]] = {}
    for municipality in Municipality.objects.filter(pk__in=access.municipality_ids).order_by(
        "name"
    ):
        municipalities[municipality.pk] = {
            "municipality": municipality,
            "coordinates": access.can_coordinate(municipality.pk),
            "participations": [],
            "units": [],
        }
    # A unit leader's report is the unit's own page (reports:unit_report).
    led = [u for m, u, _p in access.leader_of if not access.sees_whole(m)]
    if led:
        for unit in OrgUnit.objects.filter(pk__in=led).order_by("name"):
            municipalities[unit.municipality_id]["units"].append(unit)
    for participation in participations:
        municipalities[participation.municipality_id]["participations"].append(participation)
    return {
        "my_municipalities": list(municipalities.values()),
        "rounds": list_rounds() if access.is_national else [],
    }
