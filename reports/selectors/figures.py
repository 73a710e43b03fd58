"""What one published round shows for one kommune or one unit subtree, computed from the round's
cells with the same rules as the report (reports.selectors.report), for figures that set rounds
or populations side by side: the change from the previous round (change.py) and a unit's trend.

A unit subtree's figures are guarded against every figure the unit leader sees beside them (the
whole kommune and the unit's sector): where the kommune's or the sector's figure minus the
subtree's would describe 1 to minimum - 1 people, the subtree's figure is hidden; where that is
so for the respondent counts, the subtree is not shown at all (`protected`)."""

from dataclasses import dataclass, field

from django.db.models import Q, Sum

from assessment.models import Round, ScoreKind
from assessment.selectors import get_instrument_spec

from ..models import PublishedUnit, RespondentCell
from ..models import ScoreCell as ScoreCellModel
from .breakdown import unit_breakdown
from .population import guard_groups, guard_stats, population, small_rest
from .stats import Group, Stat, sum_cells

CELL_KEYS = ("staff_group_id", "sector_id", "unit_id", "unit_path")


@dataclass
class RoundCells:
    """One kommune's cells in several published rounds, read in three queries."""

    respondents: dict = field(default_factory=dict)  # round id -> [cell]
    scores: dict = field(default_factory=dict)  # round id -> [cell]
    units: dict = field(default_factory=dict)  # round id -> {unit id: PublishedUnit}


def units_published_up_to(round_: Round, municipality) -> dict:
    """{round id: {unit id: PublishedUnit}} for this and every earlier published round of the
    kommune, in tree order (one query)."""
    by_round: dict = {round_.pk: {}}
    for unit in (
        PublishedUnit.objects.filter(municipality=municipality)
        .filter(
            Q(round=round_)
            | Q(round__published_at__isnull=False, round__opens_on__lte=round_.opens_on)
        )
        .order_by("sector__order", "path")
    ):
        by_round.setdefault(unit.round_id, {})[unit.unit_id] = unit
    return by_round


def load_cells(
    rounds, municipality, into: RoundCells | None = None, with_units: bool = True
) -> RoundCells:
    """The kommune's cells in `rounds` (two queries, three `with_units`, none without rounds),
    added to `into` when given (e.g. the report's round, already read)."""
    ids = [r.pk for r in rounds if r is not None]
    cells = into or RoundCells()
    for pk in ids:
        cells.respondents[pk], cells.scores[pk] = [], []
        if with_units:
            cells.units[pk] = {}
    if not ids:
        return cells
    for cell in (
        RespondentCell.objects.filter(round__in=ids, municipality=municipality)
        .values("round_id", *CELL_KEYS)
        .annotate(n=Sum("n"))
        .order_by()
    ):
        cells.respondents[cell["round_id"]].append(cell)
    for cell in (
        ScoreCellModel.objects.filter(round__in=ids, municipality=municipality)
        .values("round_id", *CELL_KEYS, "kind", "code")
        .annotate(n=Sum("n"), total=Sum("total"), sum_sq=Sum("sum_sq"))
        .order_by()
    ):
        cells.scores[cell["round_id"]].append(cell)
    if with_units:
        for unit in PublishedUnit.objects.filter(round__in=ids, municipality=municipality).order_by(
            "sector__order", "path"
        ):
            cells.units[unit.round_id][unit.unit_id] = unit
    return cells


def unit_sector(whole_sectors: list[Group], sector_id) -> Group | None:
    return next((g for g in whole_sectors if g.key == sector_id), None)


def subtree_protected(part_respondents, whole_respondents, sector: Group | None, min_size):
    """The subtree is (nearly) the whole kommune or the whole sector: showing it beside them
    would give away the rest."""
    if whole_respondents >= min_size and small_rest(whole_respondents, part_respondents, min_size):
        return True
    return (
        sector is not None
        and not sector.suppressed
        and small_rest(sector.respondents, part_respondents, min_size)
    )


def guard_subtree_dimensions(part: list[Stat], kommune: list[Stat], sector: Group | None, min_size):
    guarded = guard_stats(part, kommune, min_size)
    if sector is not None and not sector.suppressed:
        guarded = guard_stats(guarded, sector.dimensions, min_size)
    return guarded


@dataclass
class Figures:
    """What the report of one round shows for a kommune or a unit subtree, with the raw sums
    behind every shown mean (`rows`: (part, key, code) -> {"n", "mean", "sd"}; part is
    "scope", "staff_group", "sector" or "unit")."""

    round: Round
    spec: object
    min_size: int
    shown: bool = False
    respondents: int | None = None
    dimensions: list = field(default_factory=list)
    staff_groups: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    units: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)


def round_figures(round_: Round, cells: RoundCells, unit_id: int | None = None) -> Figures:
    """The figures one round's report shows for the kommune (unit_id None) or for the subtree
    of `unit_id` as it was published in that round (not shown if it was not published)."""
    spec = get_instrument_spec(round_.instrument)
    min_size = round_.effective_min_group_size
    figures = Figures(round=round_, spec=spec, min_size=min_size)
    respondents = cells.respondents.get(round_.pk, [])
    scores = cells.scores.get(round_.pk, [])
    units = cells.units.get(round_.pk, {})
    whole = population(respondents, scores, spec, min_size)
    in_scope = lambda c: True  # noqa: E731
    part = whole
    if unit_id is not None:
        published = units.get(unit_id)
        if published is None:
            return figures
        path = published.path

        def in_scope(c):
            return (c["unit_path"] or "").startswith(path)

        part = population(
            [c for c in respondents if in_scope(c)],
            [c for c in scores if in_scope(c)],
            spec,
            min_size,
        )
    if part.respondents < min_size:
        return figures
    dimensions, staff_groups, sectors = part.dimensions, part.staff_groups, part.sectors
    kommune_units = unit_breakdown(
        respondents, scores, spec, min_size, units, sectors=whole.sectors
    )
    if unit_id is not None:
        sector = unit_sector(whole.sectors, units[unit_id].sector_id)
        if subtree_protected(part.respondents, whole.respondents, sector, min_size):
            return figures
        dimensions = guard_subtree_dimensions(dimensions, whole.dimensions, sector, min_size)
        staff_groups = guard_groups(staff_groups, whole.staff_groups, min_size)
        sectors = guard_groups(sectors, whole.sectors, min_size)
        kommune_units = [g for g in kommune_units if units[g.key].path.startswith(path)]
    dimension_cells = [c for c in scores if c["kind"] == ScoreKind.DIMENSION and in_scope(c)]
    rows = {}
    for (code,), row in sum_cells(dimension_cells, lambda c: (c["code"],)).items():
        rows[("scope", None, code)] = row
    for part_name, field_name in (
        ("staff_group", "staff_group_id"),
        ("sector", "sector_id"),
        ("unit", "unit_id"),
    ):

        def cell_key(c: dict, f: str = field_name) -> tuple:
            return (c[f], c["code"])

        for (key, code), row in sum_cells(dimension_cells, cell_key).items():
            rows[(part_name, key, code)] = row
    figures.shown = True
    figures.respondents = part.respondents
    figures.dimensions = dimensions
    figures.staff_groups = staff_groups
    figures.sectors = sectors
    figures.units = kommune_units
    figures.rows = rows
    return figures


def subtree_trend(rounds, cells: RoundCells, unit_id: int, spec) -> list[dict]:
    """A unit subtree's dimension means per round (oldest first, in the shape of
    trend.municipality_trend), each as that round's report shows it; empty unless at least two
    rounds show the subtree."""
    from .trend import comparable_codes

    series = []
    for other in rounds:
        figures = round_figures(other, cells, unit_id)
        comparable = comparable_codes(spec, figures.spec)
        by_code = {s.code: s for s in figures.dimensions}
        series.append(
            {
                "round": other.name,
                "slug": other.slug,
                "respondents": figures.respondents if figures.shown else None,
                "dimensions": {
                    d.code: by_code[d.code].mean
                    if figures.shown and d.code in comparable and d.code in by_code
                    else None
                    for d in spec.dimensions
                },
            }
        )
    if sum(1 for s in series if s["respondents"]) < 2:
        return []
    return series
