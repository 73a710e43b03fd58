"""Plotly figures for the report pages, as JSON for static/js/charts.js (no inline scripts).

Colours are from the Okabe-Ito palette, which stays distinguishable with colour-blindness.
Names typed by users (units, rounds) are data, never markup: `label` escapes them for plotly's
own HTML-like text, and `to_json` escapes the JSON so it cannot close its <script> element."""

import html
import json

import plotly.graph_objects as go
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LIKERT_COLOURS = ["#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac"]
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def to_json(figure: go.Figure) -> SafeString:
    """JSON for a <script type="application/json"> element, escaped as Django's json_script."""
    text = json.dumps(figure.to_plotly_json(), default=str).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - <, > and & are escaped above


def label(text: str) -> str:
    """A name as plotly text: plotly reads <b>, <a href> and entities in labels and legends."""
    return html.escape(str(text), quote=False)


def _closed(values):
    return list(values) + list(values[:1])


def radar(axes: list[str], series: list[tuple[str, list]], title: str = "") -> go.Figure:
    """A radar over a fixed 1–5 axis. Missing (hidden) values become gaps, never zeros."""
    figure = go.Figure()
    axes = [label(a) for a in axes]
    for index, (name, values) in enumerate(series):
        if all(v is None for v in values):
            continue
        name = label(name)
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        figure.add_trace(
            go.Scatterpolar(
                r=_closed(values),
                theta=_closed(axes),
                name=name,
                mode="lines+markers",
                line={
                    "color": colour,
                    "width": 2.5,
                    "dash": ["solid", "dash", "dot", "dashdot"][index % 4],
                },
                marker={
                    "size": 7,
                    "symbol": ["circle", "square", "diamond", "triangle-up"][index % 4],
                },
                fill="toself" if index == 0 else "none",
                fillcolor="rgba(0,114,178,0.12)" if index == 0 else None,
                connectgaps=False,
                hovertemplate="%{theta}: %{r:.2f}<extra>" + name + "</extra>",
            )
        )
    figure.update_layout(
        title={"text": title} if title else None,
        polar={
            "radialaxis": {
                "range": [1, 5],
                "tickvals": [1, 2, 3, 4, 5],
                "angle": 90,
                "tickfont": {"size": 11},
            },
            "angularaxis": {"direction": "clockwise", "tickfont": {"size": 12}},
        },
        font=FONT,
        legend={"orientation": "h", "y": -0.12},
        margin={"l": 70, "r": 70, "t": 40 if title else 20, "b": 40},
        height=520,
    )
    return figure


def heatmap(rows: list[str], columns: list[str], values: list[list]) -> go.Figure:
    text = [["–" if v is None else f"{v:.2f}" for v in row] for row in values]
    figure = go.Figure(
        go.Heatmap(
            z=values,
            x=[label(c) for c in columns],
            y=[label(r) for r in rows],
            zmin=1,
            zmax=5,
            colorscale="RdBu",
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} – %{x}: %{text}<extra></extra>",
            colorbar={"title": {"text": _("Snitt")}},
            hoverongaps=False,
        )
    )
    figure.update_layout(
        font=FONT,
        height=max(260, 60 + 36 * len(rows)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"side": "top", "tickangle": -30},
        yaxis={"autorange": "reversed"},
    )
    return figure


def stacked_distribution(items: list[dict], labels: list[str]) -> go.Figure:
    shown = [i for i in items if not i["suppressed"]]
    figure = go.Figure()
    names = [label(f"{i['code']}: {i['text'][:60]}") for i in shown]
    for position, likert in enumerate(labels):
        figure.add_trace(
            go.Bar(
                y=names,
                x=[
                    100 * i["counts"][position] / i["answered"] if i["answered"] else 0
                    for i in shown
                ],
                name=label(likert),
                orientation="h",
                marker={"color": LIKERT_COLOURS[position]},
                hovertemplate="%{y}<br>" + label(likert) + ": %{x:.0f} %<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        font=FONT,
        height=max(220, 70 + 48 * len(shown)),
        xaxis={"range": [0, 100], "ticksuffix": " %"},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return figure


def distribution(dimension_name: str, values: list[float], highlight: tuple | None) -> go.Figure:
    """Box plot of kommune means for one dimension, with one kommune marked."""
    dimension_name = label(dimension_name)
    figure = go.Figure(
        go.Box(
            x=values,
            name=dimension_name,
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            marker={"color": "#56B4E9", "size": 6},
            line={"color": "#0072B2"},
            hovertemplate="%{x:.2f}<extra></extra>",
            orientation="h",
        )
    )
    if highlight is not None:
        marked, value = label(highlight[0]), highlight[1]
        figure.add_trace(
            go.Scatter(
                x=[value],
                y=[dimension_name],
                mode="markers+text",
                text=[marked],
                textposition="top center",
                name=marked,
                marker={"color": "#D55E00", "size": 14, "symbol": "diamond"},
            )
        )
    figure.update_layout(
        font=FONT,
        height=170,
        showlegend=False,
        xaxis={"range": [1, 5]},
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
    )
    return figure


def trend_lines(series: list[dict], dimensions: list[tuple[str, str]]) -> go.Figure:
    figure = go.Figure()
    rounds = [label(s["round"]) for s in series]
    for index, (code, name) in enumerate(dimensions):
        values = [s["dimensions"].get(code) for s in series]
        if all(v is None for v in values):
            continue
        figure.add_trace(
            go.Scatter(
                x=rounds,
                y=values,
                name=label(name),
                mode="lines+markers",
                line={"color": OKABE_ITO[index % len(OKABE_ITO)]},
            )
        )
    figure.update_layout(
        font=FONT,
        yaxis={"range": [1, 5]},
        height=380,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def bars(labels: list[str], values: list[float], suffix: str = " %") -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=values,
            y=[label(t) for t in labels],
            orientation="h",
            marker={"color": "#0072B2"},
            hovertemplate="%{y}: %{x}" + suffix + "<extra></extra>",
        )
    )
    figure.update_layout(
        font=FONT,
        height=max(220, 40 + 30 * len(labels)),
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"ticksuffix": suffix},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    return figure
