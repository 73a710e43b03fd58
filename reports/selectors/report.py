"""The kommune (or unit subtree) report, read from the round's published cells with the
anonymity rules of domain.md §6 applied here, so every output - page, chart, export, PDF, API -
gets the same, already-suppressed numbers."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Sum

from assessment.models import Round, ScoreKind
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality, SizeClass, localized

from ..anonymity import (
    PROTECTS_SMALLER,
    TOO_FEW,
    WITHHELD,
    hidden_cells,
    reason,
    suppress,
    suppress_nested,
    withheld,
)
from ..models import ChoiceCell, ItemCell, RespondentCell
from ..models import ScoreCell as ScoreCellModel
from .change import Changes, changes_between
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
from .kommune_sums import benchmarks_for, kommune_sums
from .outcomes import outcome_section
from .stats import (
    Group,
    Overall,
    Stat,
    count_cells,
    make_stat,
    scales,
    sector_labels,
    staff_group_labels,
    sum_cells,
)
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


def _respondent_cells(scope: CellScope) -> list[dict]:
    return list(scope.of(RespondentCell).values(*CELL_KEYS).annotate(n=Sum("n")).order_by())


def _withheld_cells(counts, score_n, codes, min_size, hidden_groups, cells, populations):
    """(key, code) cells whose reason is withheld (reports.anonymity.withheld), per dimension;
    the cells of a hidden group carry the group's reason, not their own."""
    out = set()
    for code in codes:
        cell_counts = {key: score_n.get((key, code), 0) for key in counts}
        cell_hidden = {key for key in counts if (key, code) in cells or key in hidden_groups}
        found = withheld(
            cell_counts,
            cell_hidden,
            min_size,
            populations,
            unlabelled=frozenset(hidden_groups),
            lowest=0,
        )
        out |= {(key, code) for key in found}
    return out


def _groups(
    labels: dict,
    counts: dict,
    hidden: set,
    cells: set,
    rows: dict,
    dims,
    min_size,
    withheld_keys=frozenset(),
    withheld_cells=frozenset(),
):
    """The groups of a breakdown with respondents, in the order of `labels`: hidden groups keep
    their entry with null numbers, and hidden cells (group, dimension) hide one mean. Each hidden
    figure says why, unless its reason is withheld (reports.anonymity.withheld)."""
    groups = []
    for key, label in labels.items():
        n = counts.get(key, 0)
        if n == 0:
            continue
        is_hidden = key in hidden
        why = None
        if is_hidden:
            why = WITHHELD if key in withheld_keys else reason(n, min_size)
        stats = [
            make_stat(
                code,
                name,
                rows.get((key, code)),
                min_size,
                (key, code) in cells,
                why or (WITHHELD if (key, code) in withheld_cells else None),
            )
            for code, name in dims
        ]
        groups.append(
            Group(
                key=key,
                label=label,
                respondents=None if is_hidden else n,
                suppressed=is_hidden,
                below_min=is_hidden and n < min_size,
                reason=why,
                dimensions=stats,
                overall=Overall() if is_hidden else Overall.of(stats),
            )
        )
    return groups


def breakdown(respondents, score_cells, spec, min_size, field_name, labels) -> list[Group]:
    """Groups of a breakdown with complementary suppression over their respondent counts (and,
    per dimension, over the respondents with a score)."""
    counts = count_cells(respondents, lambda c: c[field_name])
    hidden = suppress(counts, min_size)
    dimension_cells = [c for c in score_cells if c["kind"] == ScoreKind.DIMENSION]
    rows = sum_cells(dimension_cells, lambda c: (c[field_name], c["code"]))
    dims = scales(spec)
    cells = hidden_cells(
        counts,
        {key: row["n"] for key, row in rows.items()},
        [code for code, _name in dims],
        min_size,
        hidden,
    )
    score_n = {key: row["n"] for key, row in rows.items()}
    everyone = [list(counts)]
    return _groups(
        labels,
        counts,
        hidden,
        cells,
        rows,
        dims,
        min_size,
        withheld(counts, hidden, min_size, everyone),
        _withheld_cells(
            counts, score_n, [code for code, _n in dims], min_size, hidden, cells, everyone
        ),
    )


def suppress_units(counts: dict, min_size, unit_paths: dict, always=frozenset()) -> set:
    """(sector, unit) keys to hide, with the complementary rule inside every population a
    figure is shown for: each sector (sector → units, «no unit given» never shown), each unit
    subtree (a unit leader sees the subtree's total, so subtree → its units), and the whole
    kommune. `unit_paths` maps unit id to its path; `always` keys count as hidden.
    The coordinator's dashboard (participation) and the report use this same function."""
    keys = list(counts)
    never = frozenset((s, None) for s, _u in keys) | frozenset(always)
    return suppress_nested(counts, min_size, unit_populations(keys, unit_paths), never_shown=never)


def unit_populations(keys: list, unit_paths: dict) -> list[list]:
    """The populations a unit figure is shown in: each sector, each unit subtree with more than
    one unit, and the whole kommune."""
    populations = [[k for k in keys if k[0] == sector] for sector in {s for s, _u in keys}]
    for root, path in unit_paths.items():
        subtree = [
            k for k in keys if k[1] is not None and unit_paths.get(k[1], "").startswith(path)
        ]
        if any(k[1] != root for k in subtree):
            populations.append(subtree)
    populations.append(keys)
    return populations


def unit_withheld(counts: dict, hidden: set, min_size, unit_paths: dict) -> set:
    """(sector, unit) keys whose reason is withheld; «no unit given» has none of its own."""
    keys = list(counts)
    return withheld(
        counts,
        hidden,
        min_size,
        unit_populations(keys, unit_paths),
        unlabelled=frozenset((s, None) for s, _u in keys),
    )


def unit_breakdown(respondents, score_cells, spec, min_size, units: dict, sectors=()):
    """Units with suppression inside each sector, each unit subtree and the whole kommune
    (suppress_units); the same again per dimension on the respondents with a score. `units`
    maps unit id to its PublishedUnit."""
    counts = count_cells(respondents, lambda c: (c["sector_id"], c["unit_id"]))
    # A sector hidden (or a sector's dimension mean hidden) keeps all its units hidden too, or
    # a unit that makes up most of the sector would show what the sector table hides.
    hidden_sectors = {g.key for g in sectors if g.suppressed}
    hidden_sector_cells = {
        (g.key, stat.code) for g in sectors for stat in g.dimensions if stat.suppressed
    }
    unit_paths = {unit_id: u.path for unit_id, u in units.items()}
    hidden = suppress_units(
        counts, min_size, unit_paths, frozenset(key for key in counts if key[0] in hidden_sectors)
    )
    dims = scales(spec)
    dimension_cells = [c for c in score_cells if c["kind"] == ScoreKind.DIMENSION]
    score_n = count_cells(dimension_cells, lambda c: ((c["sector_id"], c["unit_id"]), c["code"]))
    rows = sum_cells(
        (c for c in dimension_cells if c["unit_id"] is not None),
        lambda c: (c["unit_id"], c["code"]),
    )
    hidden_cells_ = set()
    withheld_cells = set()
    populations = unit_populations(list(counts), unit_paths)
    no_unit = frozenset((s, None) for s, _u in counts)
    for code, _name in dims:
        cell_counts = {key: score_n.get((key, code), 0) for key in counts}
        forced = frozenset(hidden) | {
            key for key in counts if (key[0], code) in hidden_sector_cells
        }
        found = suppress_units(cell_counts, min_size, unit_paths, forced)
        hidden_cells_ |= {(unit, code) for _sector, unit in found}
        quiet = withheld(
            cell_counts,
            found,
            min_size,
            populations,
            unlabelled=no_unit | frozenset(hidden),
            lowest=0,
        )
        withheld_cells |= {(unit, code) for _sector, unit in quiet}
    unit_counts = count_cells(
        (c for c in respondents if c["unit_id"] is not None), lambda c: c["unit_id"]
    )
    hidden_units = {unit for (_sector, unit) in hidden if unit is not None}
    withheld_units = {unit for _s, unit in unit_withheld(counts, hidden, min_size, unit_paths)}
    labels = {unit_id: unit.name for unit_id, unit in units.items()}
    return _groups(
        labels,
        unit_counts,
        hidden_units,
        hidden_cells_,
        rows,
        dims,
        min_size,
        withheld_units,
        withheld_cells,
    )


def _item_counts(item_cells) -> dict:
    """{item id: {1: n, …, 5: n, None: «vet ikke», "na": «ikke relevant»}} over the cells."""
    counts: dict[int, dict] = {}
    columns = {None: "dont_know", "na": "not_relevant"} | {v: f"n{v}" for v in range(1, 6)}
    for cell in item_cells:
        by_value = counts.setdefault(cell["item_id"], {})
        for value, column in columns.items():
            by_value[value] = by_value.get(value, 0) + cell.get(column, 0)
    return counts


def item_distributions(counts: dict, spec, min_size, guard: dict | None = None) -> dict:
    """Per statement: how many chose 1-5 and «vet ikke». Hidden below the minimum, and (in a
    unit's view, `guard` = the kommune's counts) where the kommune minus the unit would leave
    1 to minimum - 1 answers."""
    result = {}
    for dimension in spec.dimensions:
        items = []
        for item in dimension.items:
            c = counts.get(item.id, {})
            answered = sum(c.get(v, 0) for v in range(1, 6))
            visible = answered >= min_size
            why = None if visible else TOO_FEW
            if visible and guard is not None:
                whole = sum(guard.get(item.id, {}).get(v, 0) for v in range(1, 6))
                visible = not (0 < whole - answered < min_size)
                why = None if visible else PROTECTS_SMALLER
            seen = answered + c.get(None, 0) + c.get("na", 0)
            items.append(
                {
                    "code": item.code,
                    "text": localized(item.text),
                    "reverse": item.reverse,
                    "suppressed": not visible,
                    "reason": why,
                    "counts": [c.get(v, 0) for v in (1, 2, 3, 4, 5)] if visible else None,
                    "dont_know": c.get(None, 0) if visible else None,
                    "not_relevant": c.get("na", 0) if visible else None,
                    "dont_know_rate": round(100 * c.get(None, 0) / seen, 1) if visible else None,
                    "not_relevant_rate": round(100 * c.get("na", 0) / seen, 1) if visible else None,
                    "answered": answered if visible else None,
                }
            )
        result[dimension.code] = items
    return result


def choice_frequencies(choice_cells, spec, staff_groups: list[Group], respondents) -> dict:
    """How often each barrier and promoter was chosen, overall and per shown staff group."""
    per_option: dict[int, dict] = {}
    for cell in choice_cells:
        by_group = per_option.setdefault(cell["option_id"], {})
        by_group[cell["staff_group_id"]] = by_group.get(cell["staff_group_id"], 0) + cell["n"]
    shown_groups = [g for g in staff_groups if not g.suppressed]
    result = {}
    for kind, options in (("barriers", spec.barriers), ("promoters", spec.promoters)):
        entries = []
        for option in options:
            by_group = per_option.get(option.id, {})
            total = sum(by_group.values())
            entries.append(
                {
                    "code": option.code,
                    "label": option.label,
                    "count": total,
                    "percent": round(100 * total / respondents, 1) if respondents else None,
                    "by_staff_group": [
                        {
                            "staff_group": g.key,
                            "label": g.label,
                            "count": by_group.get(g.key, 0),
                            "percent": round(100 * by_group.get(g.key, 0) / g.respondents, 1),
                        }
                        for g in shown_groups
                    ],
                }
            )
        entries.sort(key=lambda e: -e["count"])
        result[kind] = entries
    return result


def _empty_sections() -> dict:
    return {
        "overall": Overall(),
        "staff_groups": [],
        "sectors": [],
        "units": [],
        "gaps": [],
        "traits": [],
        "outcomes": None,
        "items": {},
        "choices": {},
        "trend": [],
        "changes": Changes(),
        "beside": None,
        "strengths": [],
        "improvements": [],
        "differences": [],
        "comparison_label": "",
        "hidden_summary": {},
    }


def _small_rest(whole: int | None, part: int | None, min_size: int) -> bool:
    """The whole minus the part would describe 1 to minimum - 1 people."""
    return whole is not None and part is not None and 0 < whole - part < min_size


def _guard_stats(part: list[Stat], whole: list[Stat], min_size) -> list[Stat]:
    """Hide a unit's figure where the kommune's figure, which the coordinator sees, minus it
    would leave fewer than the minimum (domain.md §6: residuals across reports and roles)."""
    by_code = {s.code: s for s in whole}
    return [
        Stat(code=s.code, name=s.name, suppressed=True, reason=PROTECTS_SMALLER)
        if not s.suppressed
        and not by_code[s.code].suppressed
        and _small_rest(by_code[s.code].n, s.n, min_size)
        else s
        for s in part
    ]


def _guard_groups(part: list[Group], whole: list[Group], min_size) -> list[Group]:
    by_key = {g.key: g for g in whole}
    guarded = []
    for group in part:
        other = by_key.get(group.key)
        if other is None or other.suppressed or group.suppressed:
            guarded.append(group)
            continue
        if _small_rest(other.respondents, group.respondents, min_size):
            guarded.append(
                Group(
                    key=group.key,
                    label=group.label,
                    respondents=None,
                    suppressed=True,
                    reason=PROTECTS_SMALLER,
                    dimensions=[
                        Stat(code=s.code, name=s.name, suppressed=True, reason=PROTECTS_SMALLER)
                        for s in group.dimensions
                    ],
                )
            )
            continue
        stats = _guard_stats(group.dimensions, other.dimensions, min_size)
        guarded.append(
            Group(
                key=group.key,
                label=group.label,
                respondents=group.respondents,
                suppressed=False,
                dimensions=stats,
                overall=Overall.of(stats),
            )
        )
    return guarded


@dataclass
class _Population:
    """What one report population (the kommune, or a unit subtree) shows."""

    respondents: int
    dimensions: list
    staff_groups: list
    sectors: list
    traits: list
    outcome: list


def _population(respondent_cells, score_cells, spec, min_size) -> _Population:
    rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.DIMENSION), lambda c: c["code"]
    )
    trait_rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.TRAIT), lambda c: c["code"]
    )
    outcome_rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.OUTCOME), lambda c: c["code"]
    )
    return _Population(
        respondents=sum(c["n"] for c in respondent_cells),
        dimensions=[make_stat(code, name, rows.get(code), min_size) for code, name in scales(spec)],
        staff_groups=breakdown(
            respondent_cells, score_cells, spec, min_size, "staff_group_id", staff_group_labels()
        ),
        sectors=breakdown(
            respondent_cells, score_cells, spec, min_size, "sector_id", sector_labels()
        ),
        traits=[
            make_stat(code, name, trait_rows.get(code), min_size)
            for code, name in scales(spec, ScoreKind.TRAIT)
        ],
        outcome=[
            make_stat(code, name, outcome_rows.get(code), min_size)
            for code, name in scales(spec, ScoreKind.OUTCOME)
        ],
    )


def municipality_report(round_: Round, scope) -> dict:
    """Everything the kommune report shows, already suppressed, from the published cells.
    `scope` is the viewer's report scope (municipalities.selectors.get_report_scope_for_user).
    The round must be published (reports.publication.ensure_published).

    The kommune's cells are read once, per unit. A unit leader's subtree is computed from them
    beside the whole kommune, and every subtree figure whose difference from the kommune's
    figure would describe fewer than the minimum is hidden; the unit table is suppressed inside
    every subtree, so a person with both roles learns nothing from setting one against the
    other."""
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
    whole = _population(kommune_respondents, kommune_scores, spec, min_size)
    part = whole if unit is None else _population(respondent_cells, score_cells, spec, min_size)
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
    sums = kommune_sums(round_, spec, history_of=municipality)
    published = sums.published.get(municipality.pk)
    headcount = published.headcount if published else 0
    report: dict[str, Any] = {
        "round": {"slug": round_.slug, "name": round_.name, "closed": round_.is_closed()},
        "municipality": {
            "number": municipality.number,
            "name": municipality.name,
            "size_class": municipality.size_class,
            "size_class_label": SizeClass(municipality.size_class).label,
        },
        "unit": {"id": unit.pk, "name": unit.name} if unit else None,
        "min_size": min_size,
        "respondents": part.respondents if shown else None,
        "suppressed": not shown,
        "below_min": not shown and not protected and part.respondents > 0,
        "protected": protected,
        "reason": None if shown else (PROTECTS_SMALLER if protected else TOO_FEW),
        "response_rate": round(100 * part.respondents / headcount, 1)
        if shown and not unit and headcount
        else None,
        "dimensions": [],
        "beside": None,
    }
    # "Without own kommune" means without the whole kommune, also in a unit leader's view.
    report["national"], report["peer"] = benchmarks_for(round_, municipality, spec, sums=sums)
    if not shown:
        report.update(_empty_sections())
        return report
    item_cells = list(
        cells.of(ItemCell)
        .values("unit_path", "staff_group_id", "item_id")
        .annotate(
            **{f"n{v}": Sum(f"n{v}") for v in range(1, 6)},
            dont_know=Sum("dont_know"),
            not_relevant=Sum("not_relevant"),
        )
        .order_by()
    )
    choice_cells = list(
        cells.of(ChoiceCell)
        .values("unit_path", "option_id", "staff_group_id")
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
        staff_groups = _guard_groups(staff_groups, whole.staff_groups, min_size)
        sectors = _guard_groups(sectors, whole.sectors, min_size)
        traits = _guard_stats(traits, whole.traits, min_size)
        outcome = _guard_stats(outcome, whole.outcome, min_size)
        items_guard = _item_counts(item_cells)
    kommune_units = unit_breakdown(
        kommune_respondents, kommune_scores, spec, min_size, units, sectors=whole.sectors
    )
    unit_groups = [
        g for g in kommune_units if not unit_path or units[g.key].path.startswith(unit_path)
    ]
    # Earlier rounds (figures.py): the previous one for the change, every one for a unit's trend.
    rounds = [p.round for p in sums.history if p.round.opens_on < round_.opens_on] + [round_]
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
    if unit:
        report["beside"] = {"kommune": whole.dimensions, "sector": sector}
    report.update(
        overall=Overall.of(dimensions),
        dimensions=dimensions,
        staff_groups=staff_groups,
        sectors=sectors,
        units=unit_groups,
        gaps=common_item_gaps([c for c in item_cells if in_scope(c)], spec, min_size, staff_groups),
        traits=traits,
        items=item_distributions(
            _item_counts(c for c in item_cells if in_scope(c)), spec, min_size, items_guard
        ),
        choices=choice_frequencies(
            [c for c in choice_cells if in_scope(c)], spec, staff_groups, part.respondents
        ),
        outcomes=outcome_section(
            spec,
            sums,
            municipality,
            outcome,
            [c for c in choice_cells if in_scope(c)],
            staff_groups,
            part.respondents,
            min_size,
        ),
        trend=subtree_trend(rounds, history, unit.pk, spec)
        if unit
        else municipality_trend(municipality, round_, spec, min_size, sums=sums),
        changes=changes_between(rounds[-2] if len(rounds) > 1 else None, round_, history, unit_id),
        **strengths_and_improvements(dimensions, report["national"], report["peer"]),
        hidden_summary={
            "staff_groups": sum(1 for g in staff_groups if g.suppressed),
            "sectors": sum(1 for g in sectors if g.suppressed),
            "units": sum(1 for g in unit_groups if g.suppressed),
            "dimensions": sum(1 for s in dimensions if s.suppressed),
        },
    )
    return report
