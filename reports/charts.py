"""Plotly figures for the report pages, as JSON for static/js/charts.js (no inline scripts).

Colours are from the Okabe-Ito palette, which stays distinguishable with colour-blindness.
Names typed by users (units, rounds) are data, never markup: `label` escapes them for plotly's
own HTML-like text, and `to_json` escapes the JSON so it cannot close its <script> element.

The figures are built as plain dicts in plotly's JSON form: what `go.Figure(...).to_plotly_json()`
gives for the same figure (default template included), without constructing and validating
plotly objects on every request (≈ 20 ms a figure, most of a cold comparison page).
tests/test_charts.py checks each builder against plotly's validated objects."""

import html
import json
import math
from functools import cache

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LIKERT_COLOURS = ["#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac"]
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@cache
def _template_json() -> str:
    """plotly's default layout template as JSON (what go.Figure puts in layout.template)."""
    import plotly.io as pio

    return json.dumps(pio.templates[pio.templates.default].to_plotly_json(), default=str)


def separators() -> str:
    """plotly's decimal and thousands separators as the page's tables write numbers: «2,70» and
    «1 234» in Norwegian, «2.70» and «1,234» in English."""
    return ".," if (get_language() or "nb").startswith("en") else ", "


def _figure(data: list[dict], layout: dict) -> dict:
    return {"data": data, "layout": {**layout, "separators": separators()}}


def to_json(figure: dict) -> SafeString:
    """JSON for a <script type="application/json"> element, escaped as Django's json_script."""
    layout = json.dumps(figure["layout"], default=str)
    if layout == "{}":
        layout = '{"template": ' + _template_json() + "}"
    else:
        layout = layout[:-1] + ', "template": ' + _template_json() + "}"
    text = (
        '{"data": ' + json.dumps(figure["data"], default=str) + ', "layout": ' + layout + "}"
    ).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - <, > and & are escaped above


def label(text: str) -> str:
    """A name as plotly text: plotly reads <b>, <a href> and entities in labels and legends."""
    return html.escape(str(text), quote=False)


def _closed(values):
    return list(values) + list(values[:1])


def radar(axes: list[str], series: list[tuple[str, list]], title: str = "") -> dict:
    """A radar over a fixed 1–5 axis. Missing (hidden) values become gaps, never zeros."""
    axes = [label(a) for a in axes]
    data = []
    for index, (name, values) in enumerate(series):
        if all(v is None for v in values):
            continue
        name = label(name)
        trace = {
            "connectgaps": False,
            "fill": "toself" if index == 0 else "none",
            "hovertemplate": "%{theta}: %{r:.2f}<extra>" + name + "</extra>",
            "line": {
                "color": OKABE_ITO[index % len(OKABE_ITO)],
                "dash": ["solid", "dash", "dot", "dashdot"][index % 4],
                "width": 2.5,
            },
            "marker": {
                "size": 7,
                "symbol": ["circle", "square", "diamond", "triangle-up"][index % 4],
            },
            "mode": "lines+markers",
            "name": name,
            "r": _closed(values),
            "theta": _closed(axes),
            "type": "scatterpolar",
        }
        if index == 0:
            trace["fillcolor"] = "rgba(0,114,178,0.12)"
        data.append(trace)
    return _figure(
        data,
        {
            "title": {"text": title} if title else {},
            "polar": {
                "radialaxis": {
                    "range": [1, 5],
                    "tickvals": [1, 2, 3, 4, 5],
                    "angle": 90,
                    "tickfont": {"size": 11},
                },
                "angularaxis": {"direction": "clockwise", "tickfont": {"size": 12}},
            },
            "font": FONT,
            "legend": {"orientation": "h", "y": -0.12},
            "margin": {"l": 70, "r": 70, "t": 40 if title else 20, "b": 40},
            "height": 520,
        },
    )


def heatmap(rows: list[str], columns: list[str], values: list[list]) -> dict:
    text = [["–" if v is None else f"{v:.2f}" for v in row] for row in values]
    return _figure(
        [
            {
                "colorbar": {"title": {"text": _("Snitt")}},
                "colorscale": _rdbu(),
                "hoverongaps": False,
                "hovertemplate": "%{y} – %{x}: %{text}<extra></extra>",
                "text": text,
                "texttemplate": "%{text}",
                "x": [label(c) for c in columns],
                "y": [label(r) for r in rows],
                "z": values,
                "zmax": 5,
                "zmin": 1,
                "type": "heatmap",
            }
        ],
        {
            "font": FONT,
            "height": max(260, 60 + 36 * len(rows)),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "xaxis": {"side": "top", "tickangle": -30},
            "yaxis": {"autorange": "reversed"},
        },
    )


@cache
def _rdbu() -> list:
    """plotly's named colour scale "RdBu", as validation expands it ([[position, colour], ...])."""
    import plotly.graph_objects as go

    return go.Heatmap(colorscale="RdBu").to_plotly_json()["colorscale"]


def stacked_distribution(items: list[dict], labels: list[str]) -> dict:
    """Answers per statement, «helt uenig» to «helt enig». A reverse statement («each unit guards
    its own budget») is drawn with the colours turned round - agreeing is the bad end - and says
    so in its label; its bars are separate traces that share the legend entries."""
    shown = [i for i in items if not i["suppressed"]]
    names = [
        label(f"{i['code']}: {i['text'][:60]}")
        + (" " + label(_("(omvendt: enig er negativt)")) if i.get("reverse") else "")
        for i in shown
    ]
    data = [
        {
            "hovertemplate": "%{y}<br>" + label(likert) + ": %{x:.0f} %<extra></extra>",
            "legendgroup": str(position),
            "marker": {"color": LIKERT_COLOURS[4 - position if reverse else position]},
            "name": label(likert),
            "orientation": "h",
            "showlegend": not reverse,
            "x": [
                100 * i["counts"][position] / i["answered"] if i["answered"] else 0
                for i in shown
                if bool(i.get("reverse")) == reverse
            ],
            "y": [
                name
                for name, i in zip(names, shown, strict=True)
                if bool(i.get("reverse")) == reverse
            ],
            "type": "bar",
        }
        for position, likert in enumerate(labels)
        for reverse in (False, True)
        if any(bool(i.get("reverse")) == reverse for i in shown)
    ]
    return _figure(
        data,
        {
            "barmode": "stack",
            "font": FONT,
            "height": max(220, 70 + 48 * len(shown)),
            "xaxis": {"range": [0, 100], "ticksuffix": " %"},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "legend": {"orientation": "h", "y": -0.2},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        },
    )


def distribution(
    dimension_name: str, values: list[float], highlight: tuple | None, x_range=(1, 5)
) -> dict:
    """Box plot of kommune means for one dimension, with one kommune marked. The panels of a
    page share `x_range` and carry no y labels (the heading names the dimension), so their
    axes line up."""
    dimension_name = label(dimension_name)
    data = [
        {
            "boxpoints": "all",
            "hovertemplate": "%{x:.2f}<extra></extra>",
            "jitter": 0.4,
            "line": {"color": "#0072B2"},
            "marker": {"color": "#56B4E9", "size": 6},
            "name": dimension_name,
            "orientation": "h",
            "pointpos": 0,
            "x": list(values),
            "type": "box",
        }
    ]
    if highlight is not None:
        marked, value = label(highlight[0]), highlight[1]
        data.append(
            {
                "marker": {"color": "#D55E00", "size": 14, "symbol": "diamond"},
                "mode": "markers+text",
                "name": marked,
                "text": [marked],
                "textposition": "top center",
                "x": [value],
                "y": [dimension_name],
                "type": "scatter",
            }
        )
    return _figure(
        data,
        {
            "font": FONT,
            "height": 170,
            "showlegend": False,
            "xaxis": {"range": list(x_range)},
            "yaxis": {"showticklabels": False},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 30},
        },
    )


def _wrap(text: str, width: int = 24) -> str:
    """A panel title in short lines (escaped; <br> is plotly's line break)."""
    words, lines = str(text).split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "<br>".join(label(line) for line in lines)


def trend_range(values) -> list[float]:
    """A y range around the values that shows change (a 1-5 axis made 0,1 of change a flat
    line), the same for every panel so panels compare; never outside 1-5."""
    values = [v for v in values if v is not None]
    if not values:
        return [1, 5]
    low, high = min(values), max(values)
    pad = max(0.15, (high - low) * 0.25)
    return [round(max(1.0, low - pad), 2), round(min(5.0, high + pad), 2)]


def trend_lines(series: list[dict], dimensions: list[tuple[str, str]], columns: int = 3) -> dict:
    """Small multiples: one small panel per dimension (11 lines in one chart repeated colours
    and hid each other), all on the same y range so a steeper line is a larger change."""
    # round names on two lines and the points kept off the panel edges, so the names of
    # neighbouring panels do not run into each other
    rounds = [_wrap(s["round"], 16) for s in series]
    panels = []
    for code, name in dimensions:
        values = [s["dimensions"].get(code) for s in series]
        if not all(v is None for v in values):
            panels.append((name, values))
    y_range = trend_range([v for _name, values in panels for v in values])
    rows = max(1, math.ceil(len(panels) / columns))
    gap_x, gap_y = 0.07, 75 / (185 * rows - 30) if rows > 1 else 0
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    data, layout = [], {}
    annotations = []
    for index, (name, values) in enumerate(panels):
        row, column = divmod(index, columns)
        suffix = "" if index == 0 else str(index + 1)
        x0 = column * (width + gap_x)
        y1 = 1 - row * (height + gap_y)
        data.append(
            {
                "hovertemplate": "%{x}: %{y:.2f}<extra>" + label(name) + "</extra>",
                "line": {"color": OKABE_ITO[0], "width": 2.5},
                "marker": {"size": 7},
                "mode": "lines+markers",
                "name": label(name),
                "showlegend": False,
                "x": rounds,
                "xaxis": f"x{suffix}",
                "y": values,
                "yaxis": f"y{suffix}",
                "type": "scatter",
            }
        )
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}",
            "domain": [round(x0, 4), round(x0 + width, 4)],
            "range": [-0.4, len(rounds) - 0.6],
            "tickfont": {"size": 9},
        }
        layout[f"yaxis{suffix}"] = {
            "anchor": f"x{suffix}",
            "domain": [round(y1 - height, 4), round(y1, 4)],
            "range": y_range,
            "tickfont": {"size": 10},
            "nticks": 4,
        }
        annotations.append(
            {
                "font": {"size": 11},
                "showarrow": False,
                "text": _wrap(name),
                "x": round(x0 + width / 2, 4),
                "xanchor": "center",
                "xref": "paper",
                "y": round(y1, 4),
                "yanchor": "bottom",
                "yref": "paper",
            }
        )
    return _figure(
        data,
        {
            **layout,
            "annotations": annotations,
            "font": FONT,
            "height": 60 + 185 * rows,
            "margin": {"l": 40, "r": 10, "t": 50, "b": 40},
            "showlegend": False,
        },
    )


def bars(labels: list[str], values: list[float], suffix: str = " %") -> dict:
    return _figure(
        [
            {
                "hovertemplate": "%{y}: %{x}" + suffix + "<extra></extra>",
                "marker": {"color": "#0072B2"},
                "orientation": "h",
                "x": list(values),
                "y": [label(t) for t in labels],
                "type": "bar",
            }
        ],
        {
            "font": FONT,
            "height": max(220, 40 + 30 * len(labels)),
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"ticksuffix": suffix},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        },
    )
