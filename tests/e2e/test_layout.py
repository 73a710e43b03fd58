"""Issue 15, item 7: nothing makes a results page wider than the window, at 1 366 and 390 px;
the barrier and promoter tables do not cover each other; charts write «2,5» as the tables do.
Screenshots of the report's sector table (the reasons) and the choice tables for the README."""

import pytest

from .helpers import assert_no_console_errors, screenshot

pytestmark = pytest.mark.e2e

PAGES = [
    ("coordinator_a", "/runder/runde-2026/kommuner/4640/", "#chart-radar svg.main-svg"),
    (
        "coordinator_a",
        "/runder/runde-2026/kommuner/4640/dimensjon/samarbeid/",
        "#chart-items svg.main-svg",
    ),
    ("coordinator_a", "/kommune/4640/runder/runde-2026/", "h1"),
    ("ks", "/runder/runde-2026/sammenligning/", "#chart-radar svg.main-svg"),
]


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_no_results_page_is_wider_than_the_window(web, published_round, users, width, height):
    contexts = {}
    for role, path, ready in PAGES:
        if role not in contexts:
            contexts[role] = web.page(user=users[role], width=width, height=height)
            contexts[role].set_default_timeout(30_000)  # plotly.js on a busy machine
        page = contexts[role]
        page.goto(path)
        page.wait_for_selector(ready)
        page.wait_for_timeout(300)  # plotly's responsive resize
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{path} is {scroll} px wide at {width} px"
        assert_no_console_errors(page)


def test_barrier_and_promoter_tables_do_not_overlap(web, published_round, users):
    page = web.page(user=users["coordinator_a"], width=1366, height=900)
    page.set_default_timeout(30_000)
    page.goto("/runder/runde-2026/kommuner/4640/")
    page.wait_for_selector("#chart-barriers svg.main-svg")
    barriers = page.locator("#barrier-table").bounding_box()
    promoters = page.locator("#promoter-table").bounding_box()
    apart = (
        barriers["y"] + barriers["height"] <= promoters["y"]
        or barriers["x"] + barriers["width"] <= promoters["x"]
    )
    assert apart, (barriers, promoters)
    # at 1 366 px every column of the barrier table fits: none hidden behind the other table
    for header in page.locator("#barrier-table thead th").all():
        box = header.bounding_box()
        assert box["x"] + box["width"] <= 1366
    # plotly writes decimals with a comma, as the tables
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('#chart-radar .radialaxis text, #chart-radar text')]"
        ".map(t => t.textContent)"
    )
    assert not any("." in t and t.replace(".", "").isdigit() for t in ticks)
    page.evaluate("document.getElementById('barrier-table').scrollIntoView()")
    screenshot(page, "report-choices.png")


def test_benchmark_box_plots_line_up_and_write_decimal_commas(web, published_round, users):
    page = web.page(user=users["ks"], width=1366, height=900)
    page.set_default_timeout(30_000)
    page.goto("/runder/runde-2026/sammenligning/")
    page.wait_for_selector("#chart-dist-strategi svg.main-svg")
    lefts = page.evaluate(
        "() => [...document.querySelectorAll('[id^=chart-dist-] .xaxislayer-above')]"
        ".map(a => [...a.querySelectorAll('text')].map(t => t.textContent))"
    )
    assert len({tuple(t) for t in lefts}) == 1  # the same ticks in every panel
    assert any("," in t for t in lefts[0])
    assert not any("." in t for t in lefts[0])
