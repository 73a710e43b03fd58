"""Publication: while a round is open, its results pages only say when results come; a KS
analyst closes the round early from /runder/ (with a confirmation), and then the coordinator's
report shows the figures and the respondents' open link says the survey has closed.
"""

import re

import pytest
from django.utils import timezone

from .helpers import (
    assert_accessible,
    assert_no_console_errors,
    fill_background,
    next_page,
    page_number,
    translated,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844, "scale": 2, "mobile": True}
REPORT = "/runder/runde-2026/kommuner/4640/"


def _pending_text(page) -> str:
    return page.locator("main .alert[role=status]").inner_text()


def test_ks_closes_the_round_early_and_the_results_are_published(web, filled_round, users):
    from assessment import services
    from assessment.models import Draft, Participation, Round
    from assessment.tokens import open_link_token

    closes_on = f"{filled_round.closes_on:%d.%m.%Y}"
    today = f"{timezone.localdate():%d.%m.%Y}"
    sogndal = Participation.objects.get(round=filled_round, municipality__number="4640")
    open_link = f"/apen/{open_link_token(services.create_open_link(participation=sogndal).salt)}/"

    # A respondent has the open link on her phone; another one is half-way through it.
    respondent = web.page(**PHONE)
    assert respondent.goto(open_link).ok
    assert "Sogndal" in respondent.locator("h1").inner_text()
    halfway = web.page(**PHONE)
    halfway.goto(open_link)
    with halfway.expect_navigation():
        halfway.click("main button.btn-primary")
    fill_background(halfway)
    next_page(halfway)
    assert page_number(halfway)[0] == 2
    assert Draft.objects.filter(participation=sogndal).count() == 1

    # While the round is open, the coordinator's report and the benchmark wait for the closing.
    coordinator = web.page(user=users["coordinator_a"], height=1000)
    coordinator.goto(REPORT)
    assert f"Resultatene publiseres når runden stenger {closes_on}." in _pending_text(coordinator)
    assert coordinator.locator("#respondents, #chart-radar, #dimension-table").count() == 0
    analyst = web.page(user=users["ks"], height=1000)
    analyst.goto("/runder/runde-2026/sammenligning/")
    assert f"Resultatene publiseres når runden stenger {closes_on}." in _pending_text(analyst)
    assert analyst.locator("#benchmark-table, #chart-radar").count() == 0
    assert_accessible(analyst, "results pending (benchmark)")

    # KS opens the round list and closes the round now.
    analyst.goto("/runder/")
    row = analyst.locator("main tbody tr", has_text="Runde 2026")
    assert f"publiseres {closes_on}" in row.inner_text()
    with analyst.expect_navigation():
        row.locator("a", has_text="Steng nå").click()
    assert analyst.url.endswith("/runder/runde-2026/steng/")
    assert analyst.locator("h1").inner_text() == "Steng «Runde 2026» nå"
    assert_accessible(analyst, "close round (KS)")

    # Without the confirmation nothing happens.
    with analyst.expect_navigation():
        analyst.click("main button[type=submit]")
    assert analyst.url.endswith("/runder/runde-2026/steng/")
    assert "Kryss av for at du vil stenge runden nå." in analyst.locator(".messages").inner_text()
    assert not Round.objects.get(pk=filled_round.pk).is_published
    assert_accessible(analyst, "close round without confirmation")

    analyst.check("#confirm")
    with analyst.expect_navigation():
        analyst.click("main button[type=submit]")
    assert analyst.url.endswith("/runder/")
    assert (
        "Runden «Runde 2026» er stengt og publisert: 180 svar, 2 kommuner."
        in analyst.locator(".messages").inner_text()
    )
    row = analyst.locator("main tbody tr", has_text="Runde 2026")
    assert f"publisert {today}" in row.inner_text()
    assert row.locator("a", has_text="Steng nå").count() == 0
    assert_accessible(analyst, "round list (after closing)")
    assert analyst.request.get("/runder/runde-2026/steng/").url.endswith("/runder/")
    assert_no_console_errors(analyst)

    # The coordinator's report now shows the published figures, and the downloads exist.
    coordinator.reload()
    assert coordinator.locator("h1").inner_text().startswith("Innovasjonsradar for Sogndal")
    assert coordinator.locator("#respondents").inner_text() == "120"
    coordinator.wait_for_selector("#chart-radar svg.main-svg")
    assert coordinator.locator("#dimension-table tbody tr").count() == 11
    assert re.search(r"\d,\d\d", coordinator.locator("#dimension-table").inner_text())
    for path in ("rapport.pdf", "rapport.xlsx", "rapport-csv.zip"):
        assert coordinator.request.get(REPORT + path).status == 200, path
    assert_no_console_errors(coordinator)

    # The open link now says the survey has closed, and the half-way draft is gone.
    response = respondent.goto(open_link)
    assert response.status == 410
    assert respondent.locator("h1").inner_text() == translated(
        respondent, "Undersøkelsen er avsluttet"
    )
    assert_accessible(respondent, "round closed (open link)")
    assert not Draft.objects.filter(participation=sogndal).exists()
