"""Participation while a round is open: how many have answered, per staff group, sector and
unit, against the headcounts. The only live figures (domain.md §6), suppressed with the same
functions as the report (reports.anonymity, suppress_units), so the dashboard and the report
never disagree on what is hidden."""

from django.db.models import Count

from assessment.models import Headcount, Response

from ..anonymity import WITHHELD, reason, suppress, withheld
from .breakdown import suppress_units, unit_withheld
from .stats import sector_labels, staff_group_labels


def _row(key, label, n, hidden: bool, min_size, headcount=None, quiet=False) -> dict:
    why = None
    if hidden and n > 0:
        why = WITHHELD if quiet else reason(n, min_size)
    return {
        "key": key,
        "label": label,
        "count": None if hidden else n,
        "below_min": hidden and 0 < n < min_size and not quiet,
        "hidden": hidden and (n >= min_size or quiet),
        "reason": why,
        "headcount": headcount or None,
        "rate": round(100 * n / headcount) if headcount and not hidden else None,
    }


def participation_rates(participation) -> dict:
    """Counts and rates for the coordinator's dashboard, in three queries."""
    round_ = participation.round
    min_size = round_.effective_min_group_size
    counts = {
        (group, sector, unit): n
        for group, sector, unit, n in Response.objects.filter(
            round_id=participation.round_id, municipality_id=participation.municipality_id
        )
        .values_list("staff_group_id", "sector_id", "unit_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    headcounts = list(
        Headcount.objects.filter(participation=participation).values_list(
            "unit_id", "staff_group_id", "count"
        )
    )
    units = list(participation.municipality.units.order_by("sector__order", "path"))
    total = sum(counts.values())
    total_headcount = sum(c for _u, _g, c in headcounts)

    groups = staff_group_labels()
    if not round_.include_folkevalgte:
        groups.pop("folkevalgt", None)
    by_group = {code: 0 for code in groups}
    by_sector = {code: 0 for code in sector_labels()}
    by_sector_unit: dict[tuple[str, int | None], int] = {}
    for (group, sector, unit), n in counts.items():
        by_group[group] = by_group.get(group, 0) + n
        by_sector[sector] = by_sector.get(sector, 0) + n
        by_sector_unit[(sector, unit)] = by_sector_unit.get((sector, unit), 0) + n
    hidden_groups = suppress(by_group, min_size)
    hidden_sectors = suppress(by_sector, min_size)
    for unit in units:
        by_sector_unit.setdefault((unit.sector_id, unit.pk), 0)
    unit_paths = {u.pk: u.path for u in units}
    hidden_keys = suppress_units(
        by_sector_unit,
        min_size,
        unit_paths,
        frozenset(key for key in by_sector_unit if key[0] in hidden_sectors),
    )
    hidden_units = {unit for _sector, unit in hidden_keys}
    quiet_units = {u for _s, u in unit_withheld(by_sector_unit, hidden_keys, min_size, unit_paths)}
    quiet_groups = withheld(by_group, hidden_groups, min_size, [list(by_group)])
    quiet_sectors = withheld(by_sector, hidden_sectors, min_size, [list(by_sector)])
    return {
        "min_size": min_size,
        "total": total,
        "headcount": total_headcount or None,
        "rate": round(100 * total / total_headcount) if total_headcount else None,
        "by_staff_group": [
            _row(
                code,
                label,
                by_group.get(code, 0),
                code in hidden_groups,
                min_size,
                sum(c for _u, g, c in headcounts if g == code),
                code in quiet_groups,
            )
            for code, label in groups.items()
        ],
        "by_sector": [
            _row(
                code,
                label,
                by_sector.get(code, 0),
                code in hidden_sectors,
                min_size,
                quiet=code in quiet_sectors,
            )
            for code, label in sector_labels().items()
        ],
        "by_unit": [
            _row(
                unit.pk,
                unit.name,
                by_sector_unit.get((unit.sector_id, unit.pk), 0),
                unit.pk in hidden_units,
                min_size,
                sum(c for u, _g, c in headcounts if u == unit.pk),
                unit.pk in quiet_units,
            )
            for unit in units
        ],
    }
