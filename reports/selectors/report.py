"""The kommune (or unit subtree) report, read from the round's published cells with the
anonymity rules of domain.md §6 applied here, so every output - page, chart, export, PDF, API -
gets the same, already-suppressed numbers."""

from dataclasses import dataclass

from django.db.models import Sum

from assessment.models import Round, ScoreKind
from assessment.selectors import get_instrument_spec
from assessment.traits import LEADER_GROUPS
from municipalities.models import Municipality, SizeClass, localized

from ..anonymity import hidden_cells, suppress
from ..models import ChoiceCell, ItemCell, PublishedUnit, RespondentCell
from ..models import ScoreCell as ScoreCellModel
from .benchmark import benchmarks_for, kommune_sums
from .stats import (
    Group,
    Overall,
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
    """The cells one report reads: a kommune in a published round, or a unit subtree of it."""

    round: Round
    municipality: Municipality
    unit_path: str = ""

    def of(self, model):
        cells = model.objects.filter(round=self.round, municipality=self.municipality)
        if self.unit_path:
            cells = cells.filter(unit_path__startswith=self.unit_path)
        return cells


CELL_KEYS = ("staff_group_id", "sector_id", "unit_id")


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
    groups = []
    for key, label in labels.items():
        n = counts.get(key, 0)
        if n == 0:
            continue
        is_hidden = key in hidden
        stats = [
            make_stat(
                code, name, rows.get((key, code)), min_size, hide=is_hidden or (key, code) in cells
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
                dimensions=stats,
                overall=Overall() if is_hidden else Overall.of(stats),
            )
        )
    return groups


def _suppress_units(counts: dict, min_size, always=frozenset()) -> set:
    """(sector, unit) keys to hide: inside each sector (sector → units, with «no unit given»
    never shown) and then across the whole kommune. `always` keys count as hidden."""
    hidden = set()
    for sector in {s for s, _u in counts}:
        in_sector = {key: n for key, n in counts.items() if key[0] == sector}
        hidden |= suppress(in_sector, min_size, never_shown=frozenset({(sector, None)}) | always)
    return suppress(counts, min_size, never_shown=frozenset(hidden) | always)


def unit_breakdown(respondents, score_cells, spec, min_size, units: dict, sectors=()):
    """Units with suppression inside each sector (sector → units, with «no unit given» never
    shown) and then across the whole kommune; the same again per dimension on the respondents
    with a score. `units` maps unit id to its published name."""
    counts = count_cells(respondents, lambda c: (c["sector_id"], c["unit_id"]))
    # A sector hidden (or a sector's dimension mean hidden) keeps all its units hidden too, or
    # a unit that makes up most of the sector would show what the sector table hides.
    hidden_sectors = {g.key for g in sectors if g.suppressed}
    hidden_sector_cells = {
        (g.key, stat.code) for g in sectors for stat in g.dimensions if stat.suppressed
    }
    hidden = _suppress_units(
        counts, min_size, frozenset(key for key in counts if key[0] in hidden_sectors)
    )
    dims = scales(spec)
    dimension_cells = [c for c in score_cells if c["kind"] == ScoreKind.DIMENSION]
    score_n = count_cells(dimension_cells, lambda c: ((c["sector_id"], c["unit_id"]), c["code"]))
    rows = sum_cells(
        (c for c in dimension_cells if c["unit_id"] is not None),
        lambda c: (c["unit_id"], c["code"]),
    )
    hidden_cells_ = set()
    for code, _name in dims:
        cell_counts = {key: score_n.get((key, code), 0) for key in counts}
        forced = frozenset(hidden) | {
            key for key in counts if (key[0], code) in hidden_sector_cells
        }
        for _sector, unit in _suppress_units(cell_counts, min_size, forced):
            hidden_cells_.add((unit, code))
    unit_counts = count_cells(
        (c for c in respondents if c["unit_id"] is not None), lambda c: c["unit_id"]
    )
    hidden_units = {unit for (_sector, unit) in hidden if unit is not None}
    groups = []
    for unit_id, name in units.items():
        n = unit_counts.get(unit_id, 0)
        if n == 0:
            continue
        is_hidden = unit_id in hidden_units
        stats = [
            make_stat(
                code,
                label,
                rows.get((unit_id, code)),
                min_size,
                hide=is_hidden or (unit_id, code) in hidden_cells_,
            )
            for code, label in dims
        ]
        groups.append(
            Group(
                key=unit_id,
                label=name,
                respondents=None if is_hidden else n,
                suppressed=is_hidden,
                below_min=is_hidden and n < min_size,
                dimensions=stats,
                overall=Overall() if is_hidden else Overall.of(stats),
            )
        )
    return groups


def perception_gaps(score_cells, spec, min_size, staff_groups: list[Group]) -> list[dict]:
    """Leaders against medarbeidere and tillitsvalgte, per dimension, using only staff groups
    that are shown themselves (so the combined figures reveal nothing hidden); a dimension where
    one of those groups has its mean hidden gets no comparison (it would give that mean away)."""
    shown = {g.key for g in staff_groups if not g.suppressed}
    leaders = [code for code in LEADER_GROUPS if code in shown]
    staff = [code for code in ("medarbeider", "tillitsvalgt") if code in shown]
    if not leaders or not staff:
        return []
    hidden_cells_ = {
        (g.key, s.code)
        for g in staff_groups
        if g.key in shown
        for s in g.dimensions
        if s.suppressed
    }
    sides = sum_cells(
        (
            c
            for c in score_cells
            if c["kind"] == ScoreKind.DIMENSION and c["staff_group_id"] in leaders + staff
        ),
        lambda c: ("leaders" if c["staff_group_id"] in leaders else "staff", c["code"]),
    )
    gaps = []
    for dimension in spec.dimensions:
        leader_row = sides.get(("leaders", dimension.code))
        staff_row = sides.get(("staff", dimension.code))
        if (
            not leader_row
            or not staff_row
            or leader_row["n"] < min_size
            or staff_row["n"] < min_size
            or any((key, dimension.code) in hidden_cells_ for key in leaders + staff)
        ):
            gaps.append(
                {
                    "code": dimension.code,
                    "name": dimension.label,
                    "leaders": None,
                    "staff": None,
                    "gap": None,
                    "highlight": False,
                }
            )
            continue
        leader_mean = round(leader_row["mean"], 3)
        staff_mean = round(staff_row["mean"], 3)
        gaps.append(
            {
                "code": dimension.code,
                "name": dimension.label,
                "leaders": leader_mean,
                "staff": staff_mean,
                "gap": round(leader_mean - staff_mean, 3),
                "highlight": False,
            }
        )
    ranked = sorted((g for g in gaps if g["gap"] is not None), key=lambda g: -abs(g["gap"]))
    for gap in ranked[:3]:
        if abs(gap["gap"]) >= 0.3:
            gap["highlight"] = True
    return gaps


def item_distributions(scope: CellScope, spec, min_size) -> dict:
    """Per statement: how many chose 1-5 and «vet ikke». Hidden below the minimum."""
    counts: dict[int, dict] = {}
    for item_id, value, n in (
        scope.of(ItemCell).values_list("item_id", "value").annotate(n=Sum("n")).order_by()
    ):
        counts.setdefault(item_id, {})[value] = n
    result = {}
    for dimension in spec.dimensions:
        items = []
        for item in dimension.items:
            c = counts.get(item.id, {})
            answered = sum(n for value, n in c.items() if value is not None)
            visible = answered >= min_size
            items.append(
                {
                    "code": item.code,
                    "text": localized(item.text),
                    "reverse": item.reverse,
                    "suppressed": not visible,
                    "counts": [c.get(v, 0) for v in (1, 2, 3, 4, 5)] if visible else None,
                    "dont_know": c.get(None, 0) if visible else None,
                    "answered": answered if visible else None,
                }
            )
        result[dimension.code] = items
    return result


def choice_frequencies(scope: CellScope, spec, staff_groups: list[Group], respondents) -> dict:
    """How often each barrier and promoter was chosen, overall and per shown staff group."""
    per_option: dict[int, dict] = {}
    for option_id, staff_group, n in (
        scope.of(ChoiceCell)
        .values_list("option_id", "staff_group_id")
        .annotate(n=Sum("n"))
        .order_by()
    ):
        per_option.setdefault(option_id, {})[staff_group] = n
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
        "items": {},
        "choices": {},
        "trend": [],
        "strengths": [],
        "improvements": [],
        "hidden_summary": {},
    }


def municipality_report(round_: Round, scope) -> dict:
    """Everything the kommune report shows, already suppressed, from the published cells.
    `scope` is the viewer's report scope (municipalities.selectors.get_report_scope_for_user).
    The round must be published (reports.publication.ensure_published)."""
    municipality, unit = scope.municipality, scope.unit
    spec = get_instrument_spec(round_.instrument)
    min_size = round_.effective_min_group_size
    units = {
        u.unit_id: u
        for u in PublishedUnit.objects.filter(round=round_, municipality=municipality).order_by(
            "sector__order", "path"
        )
    }
    unit_path = ""
    if unit is not None:
        published = units.get(unit.pk)
        unit_path = published.path if published else unit.path
    cells = CellScope(round=round_, municipality=municipality, unit_path=unit_path)
    respondent_cells = _respondent_cells(cells)
    respondents = sum(c["n"] for c in respondent_cells)
    shown = respondents >= min_size
    sums = kommune_sums(round_, spec, history_of=municipality)
    published = sums.published.get(municipality.pk)
    headcount = published.headcount if published else 0
    report = {
        "round": {"slug": round_.slug, "name": round_.name, "closed": round_.is_closed()},
        "municipality": {
            "number": municipality.number,
            "name": municipality.name,
            "size_class": municipality.size_class,
            "size_class_label": SizeClass(municipality.size_class).label,
        },
        "unit": {"id": unit.pk, "name": unit.name} if unit else None,
        "min_size": min_size,
        "respondents": respondents if shown else None,
        "suppressed": not shown,
        "below_min": not shown and respondents > 0,
        "response_rate": round(100 * respondents / headcount, 1)
        if shown and not unit and headcount
        else None,
        "dimensions": [],
    }
    score_cells = _score_cells(cells)
    own_rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.DIMENSION), lambda c: (None, c["code"])
    )
    # "Without own kommune" means without the whole kommune, also in a unit leader's view.
    report["national"], report["peer"] = benchmarks_for(round_, municipality, spec, sums=sums)
    if not shown:
        report.update(_empty_sections())
        return report
    dimensions = [
        make_stat(code, name, own_rows.get((None, code)), min_size) for code, name in scales(spec)
    ]
    staff_groups = breakdown(
        respondent_cells, score_cells, spec, min_size, "staff_group_id", staff_group_labels()
    )
    sectors = breakdown(respondent_cells, score_cells, spec, min_size, "sector_id", sector_labels())
    unit_groups = unit_breakdown(
        respondent_cells,
        score_cells,
        spec,
        min_size,
        {unit_id: u.name for unit_id, u in units.items()},
        sectors=sectors,
    )
    trait_rows = sum_cells(
        (c for c in score_cells if c["kind"] == ScoreKind.TRAIT), lambda c: c["code"]
    )
    ranked = sorted((s for s in dimensions if not s.suppressed), key=lambda s: -s.mean)
    report.update(
        overall=Overall.of(dimensions),
        dimensions=dimensions,
        staff_groups=staff_groups,
        sectors=sectors,
        units=unit_groups,
        gaps=perception_gaps(score_cells, spec, min_size, staff_groups),
        traits=[
            make_stat(code, name, trait_rows.get(code), min_size)
            for code, name in scales(spec, ScoreKind.TRAIT)
        ],
        items=item_distributions(cells, spec, min_size),
        choices=choice_frequencies(cells, spec, staff_groups, respondents),
        trend=[] if unit else municipality_trend(municipality, round_, spec, min_size, sums=sums),
        strengths=ranked[:3],
        improvements=list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
        hidden_summary={
            "staff_groups": sum(1 for g in staff_groups if g.suppressed),
            "sectors": sum(1 for g in sectors if g.suppressed),
            "units": sum(1 for g in unit_groups if g.suppressed),
            "dimensions": sum(1 for s in dimensions if s.suppressed),
        },
    )
    return report
