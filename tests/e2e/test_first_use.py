"""Issue 15 in the browser, as a new respondent on a phone (390 × 844) and a desktop (1366 × 900):
the open link's welcome page follows the language chosen (with and without JavaScript), the resume
code is shown once in the resume form's format, a page with unanswered statements gets a note
before going on, and resuming on another device lands on the page where the pause was taken."""

import re

import pytest

from .helpers import (
    assert_accessible,
    assert_no_console_errors,
    assert_no_horizontal_scroll,
    fill_background,
    next_page,
    page_number,
    screenshot,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844, "scale": 2, "mobile": True}
DESKTOP = {"width": 1366, "height": 900}


def _open_link(open_round, number="1506") -> str:
    from assessment import services
    from assessment.models import Participation
    from assessment.tokens import open_link_token

    participation = Participation.objects.get(round=open_round, municipality__number=number)
    link = services.create_open_link(participation=participation)
    return f"/apen/{open_link_token(link.salt)}/"


def _in_viewport(page, selector: str) -> bool:
    """Whether the element ends up on screen (Bootstrap scrolls smoothly, so wait for it)."""
    try:
        page.wait_for_function(
            "s => { const r = document.querySelector(s).getBoundingClientRect();"
            " return r.top > -2 && r.bottom <= window.innerHeight + 2; }",
            arg=selector,
            timeout=3000,
        )
    except Exception:  # noqa: BLE001 (Playwright's TimeoutError)
        return False
    return True


def test_phone_language_note_on_unanswered_and_resume_on_a_desktop(web, open_round):
    path = _open_link(open_round)
    page = web.page(**PHONE)
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "nb"
    # The language switch sits at the top; choosing English translates the page at once.
    with page.expect_navigation():
        page.select_option("#respondent-language", "en")
    assert page.url.endswith(path)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main button.btn-primary").inner_text() == "Start the survey"
    assert "even on a different device" in page.locator("main").inner_text()
    assert_accessible(page, "first use: welcome in English (phone)")
    with page.expect_navigation():
        page.select_option("#respondent-language", "nb")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("main button.btn-primary").inner_text() == "Start undersøkelsen"
    with page.expect_navigation():
        page.tap("main button.btn-primary")

    # Page 1: the resume code once, as ABCD-EFGH-JK.
    code = page.locator("p.resume-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
    assert page.locator("main").inner_text().count(code) == 1
    fill_background(page)
    next_page(page)

    # Page 2: one statement answered, the rest left open.
    assert page_number(page)[0] == 2
    first = page.eval_on_selector("form.likert fieldset input", "e => e.name")
    total = page.locator("form.likert fieldset").count()
    page.click(f"label[for=id_{first}_3]")
    next_page(page)
    assert page_number(page)[0] == 2, "went on without a word"
    note = page.locator("#ubesvart")
    assert note.is_visible()
    assert _in_viewport(page, "#ubesvart"), "the note is off screen"
    assert str(total - 1) in note.locator("h2").inner_text()
    assert page.locator("form.likert fieldset.unanswered").count() == total - 1
    assert page.is_checked(f"input[name={first}][value='4']")
    assert_no_horizontal_scroll(page, "unanswered note")
    assert_accessible(page, "first use: unanswered note (phone)")
    # The note's list links to the statements left open.
    page.locator("#ubesvart li a").first.tap()
    page.wait_for_function("() => location.hash.startsWith('#legend-')")
    assert _in_viewport(page, page.evaluate("() => location.hash"))
    page.evaluate(
        "() => document.querySelector('button[value=pause]').scrollIntoView({block: 'end'})"
    )
    page.wait_for_timeout(600)  # Bootstrap scrolls smoothly
    screenshot(page, "questionnaire-unanswered-phone.png")
    button = page.locator("button[name=nav][value=next]")
    with page.expect_navigation():
        button.tap()
    assert page_number(page)[0] == 3

    # Pause on page 3, resume on a desktop with the code typed loosely.
    with page.expect_navigation():
        page.tap("button[name=nav][value=pause]")
    assert page.locator("p.resume-code").inner_text().strip() == code
    assert_no_console_errors(page)
    page.context.close()

    desktop = web.page(**DESKTOP)
    desktop.goto("/fortsett/")
    desktop.fill("#id_code", code.replace("-", " ").lower())
    with desktop.expect_navigation():
        desktop.click("main button[type=submit]")
    assert page_number(desktop)[0] == 3, "resuming skipped the page where the pause was taken"
    assert desktop.locator("html").get_attribute("lang") == "nb"
    assert_no_console_errors(desktop)


def test_without_javascript_the_language_switch_still_translates_the_welcome_page(web, open_round):
    path = _open_link(open_round, number="4640")  # Sogndal: nynorsk by default
    context = web.browser.new_context(
        base_url=web.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    web.contexts.append(context)
    page = context.new_page()
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "nn"
    page.select_option("#respondent-language", "nb")
    with page.expect_navigation():
        page.click("form:has(#respondent-language) button[type=submit]")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("main button.btn-primary").inner_text() == "Start undersøkelsen"
    with page.expect_navigation():
        page.click("main button.btn-primary")
    assert page.locator("html").get_attribute("lang") == "nb"
    fill_background(page)
    with page.expect_navigation():
        page.click("button[name=nav][value=next]")
    # Without JavaScript the note about unanswered statements comes from the server as well.
    with page.expect_navigation():
        page.click("button[name=nav][value=next]")
    assert page.locator("#ubesvart").is_visible()
    assert page.locator("button[name=nav][value=next]").inner_text() == "Gå videre likevel"
    with page.expect_navigation():
        page.click("button[name=nav][value=next]")
    assert page_number(page)[0] == 3


def test_coordinator_sees_when_a_new_round_opens_and_finds_the_comparison(web, open_round, users):
    from datetime import timedelta

    from django.utils import timezone

    from assessment import services

    today = timezone.localdate()
    upcoming = services.create_round(
        slug="haust-2027",
        name="Haust 2027",
        opens_on=today + timedelta(days=100),
        closes_on=today + timedelta(days=159),
        municipality_numbers=["4640"],
    )
    page = web.page(user=users["coordinator_a"], **DESKTOP)
    page.goto(f"/kommune/4640/runder/{upcoming.slug}/")
    timing = page.locator("#round-timing").inner_text()
    assert timing == upcoming.opens_on.strftime("%d.%m.%Y")
    label = page.locator("#round-timing + .kpi-label").inner_text()
    assert label == "åpner · varer 60 dager"
    assert_accessible(page, "first use: dashboard of a round not yet open")
    screenshot(page, "coordinator-round-not-open.png")
    with page.expect_navigation():
        page.click("#benchmark-link")
    assert page.url.endswith(f"/runder/{upcoming.slug}/sammenligning/")
    assert page.locator("h1").count() == 1
    # From the start page too, next to each report.
    page.goto("/")
    link = page.locator(f"a[href='/runder/{open_round.slug}/sammenligning/']")
    assert link.count() == 1 and link.is_visible()
    assert_no_console_errors(page)


def test_ks_is_warned_before_creating_an_overlapping_round(web, open_round, users, instrument):
    from assessment.models import Round

    page = web.page(user=users["ks"], **DESKTOP)
    page.goto("/runder/ny/")
    page.fill("#id_name", "Ekstra 2026")
    page.fill("#id_slug", "ekstra-2026")
    page.fill("#id_closes_on", open_round.closes_on.isoformat())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    warning = page.locator("#round-overlaps")
    assert warning.is_visible()
    assert f"«{open_round.name}»" in warning.inner_text()
    assert not Round.objects.filter(slug="ekstra-2026").exists()
    assert_accessible(page, "first use: overlapping round warning")
    screenshot(page, "round-overlap-warning.png")
    page.check("#id_confirm_overlap")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/runder/")
    assert Round.objects.filter(slug="ekstra-2026").exists()
    assert_no_console_errors(page)
