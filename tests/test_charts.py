"""The chart builders return plotly's JSON form directly (reports/charts.py): each figure must be
exactly what plotly's own validated objects give for it, default template included."""

import json

import plotly.graph_objects as go
import pytest

from reports import charts

FIGURES = [
    lambda: charts.radar(
        ["Ledelse <b>", "Kultur & læring"],
        [("Sogndal", [3.0, None]), ("Landet", [3.1, 2]), ("Tom", [None, None]), ("A", [1, 2])]
        + [("B", [1.5, 2.5])],
    ),
    lambda: charts.radar(["a", "b", "c"], [("x", [3.0, 4.0, 2.0])], title="Tittel"),
    lambda: charts.radar([], []),
    lambda: charts.heatmap(["Skolene", "NAV <i>"], ["D1", "D2"], [[1.0, None], [3.25, 4]]),
    lambda: charts.stacked_distribution(
        [
            {"suppressed": False, "code": "A1", "text": "x" * 80, "counts": [1, 2, 3, 4, 5]}
            | {"answered": 15},
            {"suppressed": True},
            {"suppressed": False, "code": "A2", "text": "y", "counts": [0] * 5, "answered": 0},
        ],
        ["Helt uenig", "Uenig", "Verken eller", "Enig", "Helt enig"],
    ),
    lambda: charts.distribution("Ledelse", [2.5, 3.0, 4.25], ("Sogn<dal>", 3.3)),
    lambda: charts.distribution("Ledelse", [2.5], None),
    lambda: charts.trend_lines(
        [{"round": "2026", "dimensions": {"a": 3.0}}, {"round": "2027", "dimensions": {"b": 2}}],
        [("a", "A"), ("b", "B"), ("c", "C")],
    ),
    lambda: charts.bars(["Tid", "Penger <script>"], [10, 20.5]),
    lambda: charts.bars([], [], suffix=""),
]


@pytest.mark.parametrize("build", FIGURES)
def test_figure_is_what_plotly_validates_it_to(build):
    figure = build()
    sent = json.loads(str(charts.to_json(figure)))
    validated = go.Figure(data=figure["data"], layout=figure["layout"])
    if figure["layout"].get("title") == {}:
        validated.update_layout(title=None)  # as the radar did with go.Figure: "title": {}
    validated = validated.to_plotly_json()
    assert sent == json.loads(json.dumps(validated))
    assert "template" in sent["layout"]


def test_json_cannot_close_its_script_element():
    text = str(charts.to_json(charts.bars(["</script><script>alert(1)</script>"], [1])))
    assert "<" not in text and ">" not in text and "&" not in text
