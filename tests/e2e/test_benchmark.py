"""A KS analyst compares the kommuner of a published round: filters by fylke and size class and
opens a kommune. (The benchmark of an open round is checked in test_publication.py.)
"""

import pytest

from .helpers import assert_accessible, assert_no_console_errors, screenshot

pytestmark = pytest.mark.e2e


def _kommuner(page) -> list[str]:
    rows = page.locator("#benchmark-table tbody tr:not(.table-secondary) th a:not(.small)")
    return rows.all_inner_texts()


def _filter(page, fylke="", storrelse=""):
    page.select_option("#f-fylke", fylke)
    page.select_option("#f-size", storrelse)
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    page.wait_for_selector("#chart-radar svg.main-svg")


def test_ks_analyst_filters_the_benchmark_and_opens_a_kommune(web, published_round, users):
    page = web.page(user=users["ks"], height=1000)
    page.goto("/")
    page.click("text=Sammenligning av kommunene i Runde 2026")
    page.wait_for_url("**/runder/runde-2026/sammenligning/")
    page.wait_for_selector("#chart-radar svg.main-svg")
    assert page.locator("h1").inner_text() == "Kommunene i Runde 2026"
    assert page.locator("#shown-count").inner_text() == "2 kommuner vises."
    assert sorted(_kommuner(page)) == ["Molde", "Sogndal"]
    assert page.locator("#quartile-table tbody tr").count() == 11

    # Fylke: Vestland (46) has Sogndal, Møre og Romsdal (15) has Molde.
    _filter(page, fylke="46")
    assert "fylke=46" in page.url
    assert _kommuner(page) == ["Sogndal"]
    assert page.locator("#shown-count").inner_text() == "1 kommune vises."

    # Size class: Sogndal (12 319) is 5 000–19 999, Molde (32 816) is 20 000–49 999.
    _filter(page, fylke="46", storrelse="20000_49999")
    assert _kommuner(page) == []
    assert "Ingen kommuner passer filteret." in page.locator("#benchmark-table").inner_text()
    _filter(page, storrelse="20000_49999")
    assert _kommuner(page) == ["Molde"]
    _filter(page, fylke="46", storrelse="5000_19999")
    assert _kommuner(page) == ["Sogndal"]
    assert page.locator("#f-fylke").input_value() == "46"
    assert page.locator("#f-size").input_value() == "5000_19999"

    # Mark Sogndal: the radar compares it with the country and its size class.
    with page.expect_navigation():
        page.click("#benchmark-table a.small")
    page.wait_for_selector("#chart-radar svg.main-svg")
    assert page.locator("#radar-h").inner_text() == "Sogndal mot landet og samme størrelsesgruppe"
    names = page.evaluate("() => document.getElementById('chart-radar').data.map(t => t.name)")
    assert names[0] == "Sogndal" and "Landet" in names
    assert_accessible(page, "benchmark (KS, filtered and marked)")
    screenshot(page, "benchmark.png")

    # Open the kommune: KS reads the whole report.
    with page.expect_navigation():
        page.click("#benchmark-table th a:not(.small) >> text=Sogndal")
    assert page.url.endswith("/runder/runde-2026/kommuner/4640/")
    assert page.locator("h1").inner_text().startswith("Innovasjonsradar for Sogndal")
    page.wait_for_selector("#chart-radar svg.main-svg")
    assert page.locator("#respondents").inner_text() == "120"
    assert_no_console_errors(page)


def test_coordinator_sees_the_benchmark_without_other_kommuners_names(web, published_round, users):
    page = web.page(user=users["coordinator_a"])
    page.goto("/runder/runde-2026/sammenligning/")
    page.wait_for_selector("#chart-radar svg.main-svg")
    rows = page.locator("#benchmark-table tbody tr:not(.table-secondary) th")
    assert rows.all_inner_texts() == ["Sogndal"]  # Molde has not agreed to be named
    assert "Molde" not in page.locator("main").inner_text()
    assert_accessible(page, "benchmark (coordinator)")
    assert_no_console_errors(page)
