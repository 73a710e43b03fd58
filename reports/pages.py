"""Turns the (already suppressed) report data into page contexts and chart figures."""

import math

from django.utils.translation import gettext as _

from assessment.scoring import OUTCOME_CODE
from assessment.selectors import get_instrument_spec
from municipalities.models import SizeClass, localized

from . import charts
from .anonymity import reason_label
from .benchmark_table import DecimalText, name_cell, report_links, score_cells, table_row
from .selectors import Report, Stat, national_trend, quartiles
from .selectors.benchmark import FilterTooNarrow, benchmark_figures, benchmark_for_viewer
from .selectors.explore import heatmap_rows, tenure_groups


def likert_labels():
    return [_("Helt uenig"), _("Uenig"), _("Verken eller"), _("Enig"), _("Helt enig")]


def _values(stats):
    return [s.mean for s in stats]


def _sector_stats(sector, dimensions) -> list:
    """The unit's sector per dimension, hidden where the sector table hides it."""
    if sector is None or sector.suppressed:
        return [Stat(code=s.code, name=s.name, suppressed=True) for s in dimensions]
    return sector.dimensions


def _beside_series(report: Report) -> list:
    """A unit's radar also draws its kommune and its sector (reports.selectors.figures)."""
    beside = report.beside
    if not beside:
        return []
    series = [(report.municipality.name, _values(beside.kommune))]
    sector = beside.sector
    if sector is not None and not sector.suppressed:
        series.append((sector.label, _values(sector.dimensions)))
    return series


def report_context(report: Report, spec) -> dict:
    context = {"report": report, "spec": spec, "charts": {}}
    if report.suppressed:
        return context
    axes = [d.label for d in spec.dimensions]
    context["charts"]["radar"] = charts.to_json(
        charts.radar(
            axes,
            [
                (
                    report.municipality.name if not report.unit else report.unit.name,
                    _values(report.dimensions),
                ),
                *_beside_series(report),
                (_("Landet"), _values(report.national)),
                (_("Kommuner i samme størrelsesgruppe"), _values(report.peer)),
            ],
        )
    )
    shown_groups = [g for g in report.staff_groups if not g.suppressed]
    if shown_groups:
        context["charts"]["staff_groups"] = charts.to_json(
            charts.radar(axes, [(g.label, _values(g.dimensions)) for g in shown_groups])
        )
    units = report.units
    if units:
        context["charts"]["units"] = charts.to_json(
            charts.heatmap(
                [
                    u.label if not u.suppressed else f"{u.label} ({reason_label(u.reason)})"
                    for u in units
                ],
                axes,
                [_values(u.dimensions) for u in units],
            )
        )
    shown_traits = [t for t in report.traits if not t.suppressed]
    if len(shown_traits) >= 3:
        context["charts"]["traits"] = charts.to_json(
            charts.radar(
                [t.name for t in report.traits],
                [
                    (
                        report.unit.name if report.unit else report.municipality.name,
                        _values(report.traits),
                    )
                ],
            )
        )
    for kind in ("barriers", "promoters"):
        entries = report.choices.get(kind, [])
        if entries:
            context["charts"][kind] = charts.to_json(
                charts.bars([e["label"] for e in entries], [e["percent"] or 0 for e in entries])
            )
    if report.trend:
        context["charts"]["trend"] = charts.to_json(
            charts.trend_lines(report.trend, [(d.code, d.label) for d in spec.dimensions])
        )
    beside = report.beside
    sector = beside.sector if beside else None
    context["dimension_rows"] = list(
        zip(
            spec.dimensions,
            report.dimensions,
            report.national,
            report.peer,
            beside.kommune if beside else [None] * len(spec.dimensions),
            _sector_stats(sector, report.dimensions),
            strict=True,
        )
    )
    return context


def dimension_context(report: Report, spec, dimension) -> dict:
    context = {"report": report, "dimension": dimension, "charts": {}}
    if report.suppressed:
        return context
    stat = next(s for s in report.dimensions if s.code == dimension.code)
    items = report.items.get(dimension.code, [])
    context.update(
        {
            "stat": stat,
            "level_text": localized(dimension.levels[stat.level - 1]) if stat.level else None,
            "levels": [localized(text) for text in dimension.levels],
            "items": items,
            "actions": [
                {"text": localized(a["text"]), "ks_tool": a.get("ks_tool")}
                for a in dimension.actions
            ],
            "national": next(s for s in report.national if s.code == dimension.code),
            "peer": next(s for s in report.peer if s.code == dimension.code),
            "groups": [
                (g, next(s for s in g.dimensions if s.code == dimension.code))
                for g in report.staff_groups
            ],
            "likert_labels": likert_labels(),
            "has_reverse": any(i["reverse"] and not i["suppressed"] for i in items),
            "split_missing": spec.split_missing,
        }
    )
    if any(not i["suppressed"] for i in items):
        context["charts"]["items"] = charts.to_json(
            charts.stacked_distribution(items, likert_labels())
        )
    return context


SORTS = ("navn", "storrelse", "fylke")


def shared_range(values: list[float]) -> tuple[float, float]:
    """One x range for every box-plot panel: the shown means, widened to the nearest half."""
    if not values:
        return (1, 5)
    low = max(1.0, math.floor(min(values) * 2) / 2)
    high = min(5.0, math.ceil(max(values) * 2) / 2)
    if high - low < 1:
        low, high = max(1.0, low - 0.5), min(5.0, high + 0.5)
    return (low, high)


def quartile_band(value: float | None, bounds: dict | None) -> int | None:
    """Which quarter of the shown kommuner a mean falls in (1 = lowest quarter, 4 = highest).
    The boundaries are the quartiles of the means on the page, so a band says nothing the page
    does not show; it replaces a ranking (domain.md §7: no league tables)."""
    if value is None or not bounds:
        return None
    for band, edge in ((1, "q1"), (2, "median"), (3, "q3")):
        if value <= bounds[edge]:
            return band
    return 4


def _outcome_distribution(rows, highlight) -> dict:
    """The kommuner's outcome index (instrument 2027.1, 0-100 as in the report) as the page
    shows it: quartiles and a distribution of the shown kommuner, apart from the dimensions."""
    name = _("Resultatindeks, 0–100")
    values = [r["outcome"].index for r in rows if r["outcome"].index is not None]
    marked = None
    if highlight and highlight["outcome"].index is not None:
        marked = (highlight["name"], highlight["outcome"].index)
    return {
        "name": name,
        "quartiles": quartiles(values),
        "count": len(values),
        "chart": charts.to_json(charts.distribution(name, values, marked, (0, 100)))
        if values
        else None,
        "highlight": highlight["outcome"] if highlight else None,
    }


def benchmark_context(
    round_, *, viewer_is_national, own_municipality_id, filters, counties, query_string=""
) -> dict:
    county = filters.get("fylke", "")
    size_class = filters.get("storrelse", "")
    query = (filters.get("q") or "").strip().lower()
    # Only by name, size class or fylke: sorting by a dimension made a league table.
    sort = filters.get("sorter", "navn")
    if sort not in SORTS:
        sort = "navn"
    error = None
    try:
        data = benchmark_for_viewer(
            round_,
            viewer_is_national=viewer_is_national,
            own_id=own_municipality_id,
            county=county,
            size_class=size_class,
            query=query,
        )
    except FilterTooNarrow as exc:
        error = exc.messages[0]
        data = benchmark_for_viewer(
            round_, viewer_is_national=viewer_is_national, own_id=own_municipality_id
        )
        county = size_class = query = ""
    rows = data["rows"]
    for row in rows:
        row["display_name"] = (
            row["name"]
            if row["is_named"]
            else _("Kommune i størrelsesgruppe %s") % row["size_class_label"].lower()
        )
    size_order = {code: index for index, code in enumerate(SizeClass.values)}
    rows.sort(
        key=lambda r: (
            not r["is_named"],
            size_order.get(r["size_class"], 0) if sort == "storrelse" else 0,
            (r["county"] or "") if sort == "fylke" else "",
            r["display_name"],
        )
    )
    # Coordinators see other kommuner only inside the distributions, never a table of names
    # they have no consent for; their own row is listed, the rest only as points.
    table_rows = rows if viewer_is_national else [r for r in rows if r["is_named"]]
    highlight_number = filters.get("marker") or next(
        (r["number"] for r in rows if r["is_own"]), None
    )
    highlight = next((r for r in rows if r["is_named"] and r["number"] == highlight_number), None)
    distributions = []
    x_range = shared_range([s.mean for r in rows for s in r["dimensions"] if s.mean is not None])
    for index, dimension in enumerate(data["dimensions"]):
        values = [
            r["dimensions"][index].mean for r in rows if r["dimensions"][index].mean is not None
        ]
        marked = None
        if highlight and highlight["dimensions"][index].mean is not None:
            marked = (highlight["name"], highlight["dimensions"][index].mean)
        distributions.append(
            {
                "code": dimension["code"],
                "name": dimension["name"],
                "quartiles": quartiles(values),
                "count": len(values),
                "chart": charts.to_json(
                    charts.distribution(dimension["name"], values, marked, x_range)
                )
                if values
                else None,
            }
        )
    outcome = _outcome_distribution(rows, highlight) if data["has_outcome"] else None
    bounds = [d["quartiles"] for d in distributions]
    if outcome:
        bounds.append(outcome["quartiles"])
    decimal = DecimalText()
    link = report_links(round_.slug)
    for row in table_rows:
        stats = row["dimensions"] + ([row["outcome"]] if outcome else [])
        row["name_cell"] = name_cell(
            row, viewer_is_national=viewer_is_national, query=query_string, link=link
        )
        row["score_cells"] = score_cells(
            stats,
            decimal,
            row["reason"] if row["suppressed"] else None,
            [
                quartile_band(s.index if s.code == OUTCOME_CODE else s.mean, bounds[i])
                for i, s in enumerate(stats)
            ],
        )
        row["row_html"] = table_row(row, min_size=data["min_size"])
    spec_axes = [d["name"] for d in data["dimensions"]]
    radar_series = [(_("Landet"), [s.mean for s in data["national"]])]
    spec = get_instrument_spec(round_.instrument)
    if highlight:
        national, peer = benchmark_figures(data, highlight["size_class"])
        radar_series = [
            (highlight["name"], [s.mean for s in highlight["dimensions"]]),
            (_("Landet"), [s.mean for s in national]),
            (_("Samme størrelsesgruppe"), [s.mean for s in peer]),
        ]
    trend = national_trend(round_, spec)
    return {
        "round": round_,
        "data": data,
        "rows": rows,
        "table_rows": table_rows,
        "viewer_is_national": viewer_is_national,
        "distributions": distributions,
        "outcome": outcome,
        "highlight": highlight,
        "radar": charts.to_json(charts.radar(spec_axes, radar_series)),
        "trend": charts.to_json(
            charts.trend_lines(trend, [(d["code"], d["name"]) for d in data["dimensions"]])
        )
        if len(trend) > 1
        else None,
        "counties": counties,
        "size_classes": SizeClass.choices,
        "filters": {
            "fylke": county,
            "storrelse": size_class,
            "q": filters.get("q", "") if error is None else "",
            "sorter": sort,
        },
        "shown_count": len(rows),
        "few_unnamed": data["few_unnamed"],
        "filter_error": error,
    }


def explore_context(report: Report, round_, scope, spec, *, rows_kind: str, against: str) -> dict:
    """The heatmap's rows and its comparison row (reports.selectors.explore)."""

    if rows_kind == "ansiennitet" and scope.is_whole:
        groups = tenure_groups(round_, scope.municipality, spec)
    else:
        groups = {
            "ansattgrupper": report.staff_groups,
            "sektorer": report.sectors,
            "enheter": report.units,
        }.get(rows_kind, report.staff_groups)
    comparisons = {
        "kommunen": (
            report.beside.kommune if report.beside else report.dimensions,
            _("Kommunen"),
        ),
        "landet": (report.national, _("Landet")),
        "storrelse": (report.peer, _("Kommuner av samme størrelse")),
    }
    comparison, comparison_label = comparisons.get(against, comparisons["kommunen"])
    return {
        "heat_rows": heatmap_rows(groups, comparison),
        "comparison": comparison,
        "comparison_label": comparison_label,
        "rows_kind": rows_kind,
    }
