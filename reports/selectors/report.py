"""The kommune (or unit subtree) report, read from the round's published cells with the
anonymity rules of domain.md §6 applied here, so every output - page, chart, export, PDF, API -
gets the same, already-suppressed numbers, as one typed Report (report_data.py).

The parts: breakdown.py (staff groups, sectors, units), population.py (one population and the
guards of a unit subtree against the kommune), report_sections.py (statements and choices)."""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from assessment.models import Round
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality, SizeClass

from ..anonymity import PROTECTS_SMALLER, TOO_FEW
from ..models import ChoiceCell, ItemCell, RespondentCell
from ..models import ScoreCell as ScoreCellModel
from .breakdown import unit_breakdown
from .change import changes_between
from .comparison import common_item_gaps, strengths_and_improvements
from .figures import (
    RoundCells,
    guard_subtree_dimensions,
    load_cells,
    subtree_protected,
    subtree_trend,
    unit_sector,
    units_published_up_to,
)
from .outcomes import outcome_section
from .population import guard_groups, guard_stats, population
from .published_comparison import (
    benchmarks_for,
    kommune_history,
    outcome_seen_by,
    publication_of,
    viewer_of,
)
from .report_data import (
    Beside,
    HiddenSummary,
    Report,
    ReportMunicipality,
    ReportRound,
    ReportUnit,
)
from .report_sections import choice_frequencies, item_counts, item_distributions
from .stats import Overall
from .trend import municipality_trend


@dataclass(frozen=True)
class CellScope:
    """The cells of one kommune in a published round."""

    round: Round
    municipality: Municipality

    def of(self, model):
        return model.objects.filter(round=self.round, municipality=self.municipality)


CELL_KEYS = ("staff_group_id", "sector_id", "unit_id", "unit_path")


def _score_cells(scope: CellScope) -> list[dict]:
    """The scope's score sums per staff group × sector × unit × scale (one GROUP BY)."""
    return list(
        scope.of(ScoreCellModel)
        .values(*CELL_KEYS, "kind", "code")
        .annotate(n=Sum("n"), total=Sum("total"), sum_sq=Sum("sum_sq"))
        .order_by()
    )


def _item_cells(scope: CellScope, by_unit: bool) -> list[dict]:
    """The scope's answer counts per staff group × statement (× unit for a unit's view, which
    adds up its subtree), in one GROUP BY."""
    return list(
        scope.of(ItemCell)
        .values(*(("unit_path",) if by_unit else ()), "staff_group_id", "item_id")
        .annotate(
            **{f"n{v}": Sum(f"n{v}") for v in range(1, 6)},
            dont_know=Sum("dont_know"),
            not_relevant=Sum("not_relevant"),
        )
        .order_by()
    )


def _respondent_cells(scope: CellScope) -> list[dict]:
    return list(scope.of(RespondentCell).values(*CELL_KEYS).annotate(n=Sum("n")).order_by())


def municipality_report(round_: Round, scope, *, statements: bool = True) -> Report:
    """Everything the kommune report shows, already suppressed, from the published cells.
    `scope` is the viewer's report scope (municipalities.selectors.get_report_scope_for_user).
    The round must be published (reports.publication.ensure_published).

    The kommune's cells are read once, per unit. A unit leader's subtree is computed from them
    beside the whole kommune, and every subtree figure whose difference from the kommune's
    figure would describe fewer than the minimum is hidden; the unit table is suppressed inside
    every subtree, so a person with both roles learns nothing from setting one against the
    other.

    `statements=False` leaves out what only the pages show - the statements' distributions and
    the leader-staff gaps (`items`, `gaps`) - and their query (the API)."""
    municipality, unit = scope.municipality, scope.unit
    spec = get_instrument_spec(round_.instrument)
    min_size = round_.effective_min_group_size
    # The units as published in this and every earlier round (figures.py reads the earlier).
    units_by_round = units_published_up_to(round_, municipality)
    units = units_by_round.get(round_.pk, {})
    unit_path = ""
    if unit is not None:
        published_unit = units.get(unit.pk)
        unit_path = published_unit.path if published_unit else unit.path

    def in_scope(cell):
        return not unit_path or (cell["unit_path"] or "").startswith(unit_path)

    cells = CellScope(round=round_, municipality=municipality)
    kommune_respondents = _respondent_cells(cells)
    kommune_scores = _score_cells(cells)
    respondent_cells = [c for c in kommune_respondents if in_scope(c)]
    score_cells = [c for c in kommune_scores if in_scope(c)]
    whole = population(kommune_respondents, kommune_scores, spec, min_size)
    part = whole if unit is None else population(respondent_cells, score_cells, spec, min_size)
    shown = part.respondents >= min_size
    # A unit leader sees the kommune and the unit's sector beside the subtree (figures.py).
    sector = None
    if unit is not None:
        sector = unit_sector(
            whole.sectors, units[unit.pk].sector_id if unit.pk in units else unit.sector_id
        )
    protected = (
        unit is not None
        and shown
        and subtree_protected(part.respondents, whole.respondents, sector, min_size)
    )
    shown = shown and not protected
    own_history = kommune_history(round_, municipality)
    published = own_history.published
    headcount = published.headcount if published else 0
    # "Without own kommune" means without the whole kommune, also in a unit leader's view.
    national, peer = benchmarks_for(round_, municipality, spec, history=own_history)
    report = Report(
        round=ReportRound(slug=round_.slug, name=round_.name, closed=round_.is_closed()),
        municipality=ReportMunicipality(
            number=municipality.number,
            name=municipality.name,
            size_class=municipality.size_class,
            size_class_label=SizeClass(municipality.size_class).label,
        ),
        unit=ReportUnit(id=unit.pk, name=unit.name) if unit else None,
        min_size=min_size,
        respondents=part.respondents if shown else None,
        suppressed=not shown,
        below_min=not shown and not protected and part.respondents > 0,
        protected=protected,
        reason=None if shown else (PROTECTS_SMALLER if protected else TOO_FEW),
        response_rate=round(100 * part.respondents / headcount, 1)
        if shown and not unit and headcount
        else None,
        national=national,
        peer=peer,
    )
    if not shown:
        return report
    # The whole kommune's view needs no unit: the database adds the units up.
    by_unit = unit is not None
    item_cells = _item_cells(cells, by_unit) if statements else []
    choice_cells = list(
        cells.of(ChoiceCell)
        .values(*(("unit_path",) if by_unit else ()), "option_id", "staff_group_id")
        .annotate(n=Sum("n"))
        .order_by()
    )
    dimensions, staff_groups, sectors, traits, outcome = (
        part.dimensions,
        part.staff_groups,
        part.sectors,
        part.traits,
        part.outcome,
    )
    items_guard = None
    if unit is not None:
        dimensions = guard_subtree_dimensions(dimensions, whole.dimensions, sector, min_size)
        staff_groups = guard_groups(staff_groups, whole.staff_groups, min_size)
        sectors = guard_groups(sectors, whole.sectors, min_size)
        traits = guard_stats(traits, whole.traits, min_size)
        outcome = guard_stats(outcome, whole.outcome, min_size)
        items_guard = item_counts(item_cells)
    kommune_units = unit_breakdown(
        kommune_respondents, kommune_scores, spec, min_size, units, sectors=whole.sectors
    )
    unit_groups = [
        g for g in kommune_units if not unit_path or units[g.key].path.startswith(unit_path)
    ]
    # Earlier rounds (figures.py): the previous one for the change, every one for a unit's trend.
    rounds = [p.round for p in own_history.history if p.round.opens_on < round_.opens_on] + [round_]
    unit_id = unit.pk if unit else None
    history = load_cells(
        rounds[:-1] if unit else rounds[-2:-1],
        municipality,
        into=RoundCells(
            respondents={round_.pk: kommune_respondents},
            scores={round_.pk: kommune_scores},
            units=units_by_round,
        ),
        with_units=False,
    )
    found = strengths_and_improvements(dimensions, national, peer)
    report.beside = Beside(kommune=whole.dimensions, sector=sector) if unit else None
    report.overall = Overall.of(dimensions)
    report.dimensions = dimensions
    report.staff_groups = staff_groups
    report.sectors = sectors
    report.units = unit_groups
    report.traits = traits
    if statements:
        report.gaps = common_item_gaps(
            [c for c in item_cells if in_scope(c)], spec, min_size, staff_groups
        )
        report.items = item_distributions(
            item_counts(c for c in item_cells if in_scope(c)), spec, min_size, items_guard
        )
    report.choices = choice_frequencies(
        [c for c in choice_cells if in_scope(c)], spec, staff_groups, part.respondents
    )
    report.outcomes = outcome_section(
        spec,
        outcome_seen_by(
            publication_of(round_), viewer_of(municipality, published), _("Resultatindeks")
        ),
        outcome,
        [c for c in choice_cells if in_scope(c)],
        staff_groups,
        part.respondents,
        min_size,
        whole_choice_cells=choice_cells if unit is not None else None,
    )
    report.trend = (
        subtree_trend(rounds, history, unit.pk, spec)
        if unit
        else municipality_trend(municipality, round_, spec, min_size, history=own_history)
    )
    report.changes = changes_between(
        rounds[-2] if len(rounds) > 1 else None, round_, history, unit_id
    )
    report.strengths = found["strengths"]
    report.improvements = found["improvements"]
    report.differences = found["differences"]
    report.comparison_label = found["comparison_label"]
    report.hidden_summary = HiddenSummary(
        staff_groups=sum(1 for g in staff_groups if g.suppressed),
        sectors=sum(1 for g in sectors if g.suppressed),
        units=sum(1 for g in unit_groups if g.suppressed),
        dimensions=sum(1 for s in dimensions if s.suppressed),
    )
    return report
