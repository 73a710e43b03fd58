"""The headcount form on a phone (390 px): one card per unit with labelled fields, no sideways
scrolling, and the total the response rate will use (issue 15, item 11)."""

import pytest

from .helpers import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844, "scale": 2, "mobile": True}


def test_headcounts_fit_a_phone_and_count_each_person_once(web, open_round, users, sogndal_units):
    page = web.page(user=users["coordinator_a"], **PHONE)
    page.goto(f"/kommune/4640/runder/{open_round.slug}/antall/")
    assert_no_horizontal_scroll(page, "headcounts on a phone")
    assert "Ansatte som ikke hører til noen enhet" in page.locator("main").inner_text()
    page.get_by_label("Medarbeider").first.fill("13")
    heim = page.locator("fieldset", has_text="Heimetenesta")
    heim.get_by_label("Medarbeider").fill("300")
    skule = page.locator("fieldset", has_text="Sogndal skule")
    skule.get_by_label("Medarbeider").fill("100")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_url(f"**/kommune/4640/runder/{open_round.slug}/")
    assert "av 413" in page.locator("main").inner_text()
    page.goto(f"/kommune/4640/runder/{open_round.slug}/antall/")
    assert "Lagret nå: 413 ansatte i alt." in page.locator("#headcount-total").inner_text()
    assert_no_horizontal_scroll(page, "headcounts on a phone, filled in")
    assert_accessible(page, "headcounts (phone)")
    screenshot(page, "headcounts-phone.png")
