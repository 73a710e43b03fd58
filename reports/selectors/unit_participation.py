"""A unit leader's view of participation while the round is open: how many in their unit
subtree have answered, and the response rate against the subtree's headcounts. Suppressed with
the same rules as the report's subtree (figures.py): hidden below the minimum, and where the
kommune's or the sector's count (both on the coordinator's dashboard) minus the subtree's would
describe 1 to minimum - 1 people. The sub-units are the dashboard's own rows
(participation.participation_rates), so the two pages hide the same units."""

from assessment.models import Response

from .participation import participation_rates
from .population import small_rest


def unit_participation(participation, unit) -> dict:
    """Counts for the subtree of `unit` (an OrgUnit) in an open round, in five queries."""
    rates = participation_rates(participation)
    min_size = rates["min_size"]
    # participation_rates lists the kommune's units in tree order; the subtree is those whose
    # path starts with the unit's.
    subtree_ids = set(
        participation.municipality.units.filter(path__startswith=unit.path).values_list(
            "pk", flat=True
        )
    )
    rows = [row for row in rates["by_unit"] if row["key"] in subtree_ids]
    count = Response.objects.filter(
        round_id=participation.round_id,
        municipality_id=participation.municipality_id,
        unit__in=subtree_ids,
    ).count()
    headcount = sum(row["headcount"] or 0 for row in rows)
    sector = next((row for row in rates["by_sector"] if row["key"] == unit.sector_id), None)
    hidden = (
        count < min_size
        or small_rest(rates["total"], count, min_size)
        or (sector is not None and small_rest(sector["count"], count, min_size))
    )
    return {
        "min_size": min_size,
        "count": None if hidden else count,
        "below_min": hidden and 0 < count < min_size,
        "hidden": hidden and count >= min_size,
        "headcount": headcount or None,
        "rate": round(100 * count / headcount) if headcount and not hidden else None,
        "units": rows,
    }
