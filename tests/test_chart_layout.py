"""Issue 15, item 7: charts write numbers as the tables do, the trend is small multiples on a
range that shows change, and a reverse statement's agreement is drawn in the «bad» colour."""

import json

import plotly.graph_objects as go
import pytest
from django.utils import translation

from reports import charts

SERIES = [
    {"round": "2025", "dimensions": {f"d{i}": 3.0 + i / 100 for i in range(11)}},
    {"round": "2026", "dimensions": {f"d{i}": 3.1 + i / 100 for i in range(11)}},
]
DIMENSIONS = [(f"d{i}", f"Dimensjon nummer {i} med et langt navn") for i in range(11)]


def test_trend_is_one_small_panel_per_dimension_on_one_range_that_shows_change():
    figure = charts.trend_lines(SERIES, DIMENSIONS)
    assert len(figure["data"]) == 11
    axes = {(t["xaxis"], t["yaxis"]) for t in figure["data"]}
    assert len(axes) == 11  # every dimension in its own panel
    colours = {t["line"]["color"] for t in figure["data"]}
    assert len(colours) == 1  # no repeated palette to tell lines apart
    layout = figure["layout"]
    ranges = {tuple(v["range"]) for k, v in layout.items() if k.startswith("yaxis")}
    assert len(ranges) == 1
    low, high = ranges.pop()
    assert 1 < low <= 3.0 and 3.2 <= high < 5  # not 1-5: a change of 0,1 is visible
    assert len(layout["annotations"]) == 11
    # panels do not overlap
    boxes = [
        (tuple(layout[f"xaxis{s}"]["domain"]), tuple(layout[f"yaxis{s}"]["domain"]))
        for s in [""] + [str(i) for i in range(2, 12)]
    ]
    for i, (ax, ay) in enumerate(boxes):
        for bx, by in boxes[i + 1 :]:
            assert ax[1] <= bx[0] or bx[1] <= ax[0] or ay[1] <= by[0] or by[1] <= ay[0]
    validated = go.Figure(data=figure["data"], layout=figure["layout"]).to_plotly_json()
    assert json.loads(str(charts.to_json(figure)))["data"] == json.loads(
        json.dumps(validated["data"])
    )


@pytest.mark.parametrize("language, expected", [("nb", ", "), ("nn", ", "), ("en", ".,")])
def test_charts_use_the_tables_decimal_separator(language, expected):
    with translation.override(language):
        for figure in (
            charts.bars(["a"], [2.7]),
            charts.trend_lines(SERIES, DIMENSIONS),
            charts.distribution("x", [2.7], None),
            charts.radar(["a"], [("x", [2.7])]),
        ):
            assert figure["layout"]["separators"] == expected


def test_agreeing_with_a_reverse_statement_is_drawn_in_the_bad_colour():
    items = [
        {"suppressed": False, "code": "SAM1", "text": "Vi deler", "counts": [1, 1, 1, 5, 2]}
        | {"answered": 10, "reverse": False},
        {
            "suppressed": False,
            "code": "SAM4",
            "text": "Hver enhet vokter",
            "counts": [0, 1, 1, 6, 2],
        }
        | {"answered": 10, "reverse": True},
    ]
    labels = ["Helt uenig", "Uenig", "Verken eller", "Enig", "Helt enig"]
    figure = charts.stacked_distribution(items, labels)
    by_item = {}
    for trace in figure["data"]:
        for name in trace["y"]:
            by_item.setdefault(name.split(":")[0], {})[trace["name"]] = trace["marker"]["color"]
    assert by_item["SAM1"]["Helt enig"] == charts.LIKERT_COLOURS[4]  # blue: good
    assert by_item["SAM4"]["Helt enig"] == charts.LIKERT_COLOURS[0]  # red: agreeing is bad
    assert by_item["SAM4"]["Helt uenig"] == charts.LIKERT_COLOURS[4]
    # one legend entry per answer, with the normal colours
    legend = [t for t in figure["data"] if t["showlegend"]]
    assert [t["name"] for t in legend] == labels
    reverse_label = next(n for t in figure["data"] for n in t["y"] if n.startswith("SAM4"))
    assert "omvendt" in reverse_label
    go.Figure(data=figure["data"], layout=figure["layout"])  # plotly accepts it
