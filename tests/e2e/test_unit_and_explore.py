"""Issue 15, items 8-10 in the browser: a unit leader's own page (the unit beside its kommune and
sector, its change from the previous round) and the heatmap to explore, which works with
JavaScript turned off (a plain GET form)."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import publish

from .conftest import sign_in
from .helpers import (
    assert_accessible,
    assert_no_console_errors,
    assert_no_horizontal_scroll,
    screenshot,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844, "scale": 2, "mobile": True}


def _earlier_round(spec, sogndal_units):
    from assessment import services
    from assessment.models import ResponseSource
    from assessment.synthetic import synthetic_rows
    from municipalities.models import Municipality

    today = timezone.localdate()
    earlier = services.create_round(
        slug="runde-2025",
        name="Runde 2025",
        opens_on=today - timedelta(days=400),
        closes_on=today - timedelta(days=380),
        municipality_numbers=["4640", "1506"],
    )
    units = {"helse_omsorg": [sogndal_units["heim"].pk], "oppvekst": [sogndal_units["skule"].pk]}
    rows = synthetic_rows(
        spec=spec,
        municipality_id=Municipality.objects.get(number="4640").pk,
        count=100,
        rng=random.Random(11),
        units_by_sector=units,
        level=2.6,
    )
    rows += synthetic_rows(
        spec=spec,
        municipality_id=Municipality.objects.get(number="1506").pk,
        count=40,
        rng=random.Random(12),
    )
    services.record_responses(round_=earlier, rows=rows, source=ResponseSource.IMPORT)
    return publish(earlier)


def test_a_unit_leader_sees_the_unit_beside_kommune_and_sector(
    web, filled_round, users, spec, sogndal_units
):
    _earlier_round(spec, sogndal_units)
    publish(filled_round)
    heim = sogndal_units["heim"]
    page = web.page(user=users["unit_leader"])
    page.goto("/")
    page.get_by_role("link", name="Rapport for Heimetenesta: Runde 2026").click()
    page.wait_for_url(f"**/runder/runde-2026/kommuner/4640/enheter/{heim.pk}/")
    assert page.locator("h1").inner_text().startswith("Innovasjonsradar for Heimetenesta")
    page.locator("#chart-radar svg.main-svg").first.wait_for()
    legend = page.locator("#chart-radar .legendtext").all_text_contents()
    assert legend[:3] == ["Heimetenesta", "Sogndal", "Helse og omsorg"]
    header = page.locator("#dimension-table thead").inner_text()
    assert "Kommunen" in header and "Sektoren" in header
    assert page.locator("#change-h").inner_text() == "Endring fra Runde 2025"
    assert_no_console_errors(page)
    assert_accessible(page, "unit report")
    page.locator("#radar-h").scroll_into_view_if_needed()
    screenshot(page, "unit-report.png")
    page.locator("#change-h").scroll_into_view_if_needed()
    screenshot(page, "change-from-previous-round.png")


def test_the_heatmap_to_explore_works_without_javascript(web, published_round, users):
    context = web.browser.new_context(
        base_url=web.url,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
        locale="nb-NO",
    )
    web.contexts.append(context)
    sign_in(context, users["coordinator_a"], web.url)
    page = context.new_page()
    page.goto("/runder/runde-2026/kommuner/4640/")
    page.locator("#explore-link").click()
    page.select_option("#id_rader", "ansiennitet")
    page.select_option("#id_mot", "landet")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url("**/utforsk/?rader=ansiennitet&mot=landet")
    rows = page.locator("#heat-table tbody tr th").all_text_contents()
    assert rows[0] == "Landet"
    assert set(rows[1:]) <= {"Under 2 år", "2–10 år", "Over 10 år"} and rows[1:]
    assert page.locator("#heat-table td[class^=heat-]").count() > 0
    screenshot(page, "explore-heatmap.png")
    phone = web.page(user=users["coordinator_a"], **PHONE)
    phone.goto("/runder/runde-2026/kommuner/4640/utforsk/?rader=enheter&mot=storrelse")
    assert_no_horizontal_scroll(phone, "explore on a phone")
    assert_accessible(phone, "explore (phone)")
