"""From results to action: the round is closed and published, the coordinator makes a plan with
two actions, a tillitsvalgt co-signs it, the coordinator publishes the staff page (opened without
login), and the next round's report shows the change on the focus dimension and the plan's
status."""

import random
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from .helpers import assert_accessible, assert_no_console_errors, screenshot

pytestmark = pytest.mark.e2e

PLAN = "/runder/runde-2026/kommuner/4640/tiltaksplan/"


def _page(web, **kwargs):
    """A page with room for a busy machine (publication and the report take a few seconds)."""
    page = web.page(**kwargs)
    page.set_default_timeout(30_000)
    return page


def _close(analyst, slug, name):
    analyst.goto(f"/runder/{slug}/steng/")
    analyst.check("#confirm")
    with analyst.expect_navigation():
        analyst.click("main button[type=submit]")
    assert f"Runden «{name}» er stengt og publisert" in analyst.locator(".messages").inner_text()


def _add_action(page, *, dimension, what, why, owner, due, tool=""):
    form = page.locator("#action-form")
    form.locator("select[name=dimension]").select_option(dimension)
    form.locator("input[name=what]").fill(what)
    form.locator("textarea[name=why]").fill(why)
    form.locator("input[name=owner]").fill(owner)
    form.locator("input[name=due_on]").fill(due)
    if tool:
        form.locator("select[name=ks_tool]").select_option(tool)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Tiltaket er lagt til." in page.locator(".messages").inner_text()


def test_from_results_to_action_and_back(web, filled_round, users, spec):
    from assessment import services
    from assessment.models import ResponseSource
    from assessment.synthetic import synthetic_rows
    from municipalities.models import Municipality
    from tests.conftest import make_user

    tillitsvalgt = make_user("tv-sogndal", "tillitsvalgt", municipality_number="4640")

    # KS closes the round, and its results are published.
    analyst = _page(web, user=users["ks"], height=1000)
    _close(analyst, "runde-2026", "Runde 2026")

    # The coordinator chooses two focus dimensions and adds two actions.
    coordinator = _page(web, user=users["coordinator_a"], height=1100)
    coordinator.goto(
        "/runder/runde-2026/kommuner/4640/", wait_until="domcontentloaded", timeout=60_000
    )
    with coordinator.expect_navigation():
        coordinator.click("#plan-followup a")
    assert coordinator.url.endswith(PLAN)
    coordinator.check("#focus-form input[value=samarbeid]")
    coordinator.check("#focus-form input[value=ideer]")
    with coordinator.expect_navigation():
        coordinator.click("#focus-form button[type=submit]")
    _add_action(
        coordinator,
        dimension="samarbeid",
        what="Hospitering mellom heimetenesta og skulen",
        why="Samarbeid på tvers er blant de laveste skårene",
        owner="Kommunalsjef helse",
        due="2027-03-01",
    )
    _add_action(
        coordinator,
        dimension="ideer",
        what="Fast idémøte med BLT hver måned",
        why="Få opplever at ideene blir fulgt opp",
        owner="Personalsjefen",
        due="2027-02-01",
        tool="BLT/N3",
    )
    # Bad input is refused with a Norwegian message and changes nothing.
    coordinator.locator("#action-form input[name=what]").fill("")
    coordinator.locator("#action-form").evaluate("form => form.noValidate = true")
    with coordinator.expect_navigation():
        coordinator.click("#action-form button[type=submit]")
    assert "Skriv hva tiltaket er." in coordinator.content()
    coordinator.console_errors.clear()  # the refused form answered 400, as it should
    coordinator.goto(PLAN)
    assert coordinator.locator(".action-row").count() == 2
    # The first action is done.
    row = coordinator.locator(".action-row", has_text="Hospitering")
    row.locator("select[name=status]").select_option("ferdig")
    with coordinator.expect_navigation():
        row.locator("button", has_text="Lagre").first.click()
    coordinator.locator("#discussion-form input[name=forum]").fill("AMU")
    coordinator.locator("#discussion-form input[name=on]").fill(
        f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}"
    )
    with coordinator.expect_navigation():
        coordinator.click("#discussion-form button[type=submit]")
    assert "1 av 2 tiltak ferdig" in coordinator.locator("#plan-status").inner_text()
    assert "AMU" in coordinator.locator("#plan-discussed").inner_text()
    assert_accessible(coordinator, "action plan (coordinator)")

    # The tillitsvalgt reads the plan and co-signs it; she cannot edit it.
    representative = _page(web, user=tillitsvalgt, height=1000)
    representative.goto(PLAN)
    assert representative.locator("#focus-form, #action-form").count() == 0
    with representative.expect_navigation():
        representative.click("#sign-form button[type=submit]")
    assert (
        "Medsignert av tillitsvalgt tv-sogndal"
        in representative.locator("#plan-signatures").inner_text()
    )
    assert_accessible(representative, "action plan (tillitsvalgt)")
    assert representative.request.get("/kommune/4640/runder/runde-2026/").status == 404
    assert_no_console_errors(representative)
    coordinator.reload()
    history = coordinator.locator("#plan-history").inner_text()
    assert "Medsignert av tillitsvalgt" in history and "status Planlagt → Ferdig" in history
    screenshot(coordinator, "action-plan.png")

    # The coordinator publishes the staff page; it opens without login.
    coordinator.goto("/kommune/4640/runder/runde-2026/")
    with coordinator.expect_navigation():
        coordinator.click("#ansattside button[type=submit]")
    url = coordinator.locator("#staff-page-url a").inner_text()
    assert coordinator.locator("#ansattside svg").count() == 1  # the QR code to print
    staff = _page(web, width=390, height=844, scale=2, mobile=True)
    assert staff.goto(url).ok
    assert staff.locator("h1").inner_text() == "Dere sa – vi gjør: Sogndal"
    assert "Hospitering mellom heimetenesta og skulen" in staff.locator("main").inner_text()
    assert staff.locator("#staff-dimensions tbody tr").count() == 11
    assert_accessible(staff, "staff page (no login)")
    assert_no_console_errors(staff)

    # A year later: the next round, with higher scores in Sogndal, is published.
    today = timezone.localdate()
    next_round = services.create_round(
        slug="runde-2027",
        name="Runde 2027",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=20),
        municipality_numbers=["4640", "1506"],
    )
    rows = []
    for number, level in (("4640", 3.9), ("1506", 3.2)):
        municipality = Municipality.objects.get(number=number)
        rows += synthetic_rows(
            spec=spec, municipality_id=municipality.pk, count=80, rng=random.Random(3), level=level
        )
    services.record_responses(round_=next_round, rows=rows, source=ResponseSource.IMPORT)
    _close(analyst, "runde-2027", "Runde 2027")

    coordinator.goto(
        "/runder/runde-2027/kommuner/4640/", wait_until="domcontentloaded", timeout=60_000
    )
    followup = coordinator.locator("#plan-followup")
    text = followup.inner_text()
    assert "Innsatsområdene dere valgte etter Runde 2026" in text
    samarbeid = followup.locator("[data-code=samarbeid]").inner_text()
    assert re.match(
        r"Dere valgte Samarbeid på tvers av enheter: [+-]\d,\d\d \(KI -?\d,\d\d–-?\d,\d\d\), "
        r"1 av 1 tiltak ferdig",
        samarbeid,
    ), samarbeid
    assert "0 av 1 tiltak ferdig" in followup.locator("[data-code=ideer]").inner_text()
    assert_accessible(coordinator, "report with plan follow-up")
    assert_no_console_errors(coordinator)
