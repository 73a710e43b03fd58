"""axe-core (WCAG 2.0/2.1 A and AA) on the main pages, focus visibility and 200 % zoom.

The questionnaire pages are checked with axe inside the respondent journeys
(test_respondent.py), page by page as a respondent meets them.
"""

import pytest

from .helpers import (
    answer_statements,
    assert_accessible,
    assert_no_console_errors,
    assert_no_horizontal_scroll,
    fill_background,
    mailed_link_path,
    next_page,
    page_number,
    screenshot,
    tab_to,
)

pytestmark = pytest.mark.e2e

REPORT = "/runder/runde-2026/kommuner/4640/"


def test_static_files_and_plotly_are_served(web):
    """WhiteNoise serves /static/ from the finders; plotly.js comes from the plotly wheel."""
    request = web.page().request
    response = request.get("/static/vendor/plotly/plotly.min.js")
    assert response.status == 200
    assert "javascript" in response.headers["content-type"]
    assert len(response.body()) > 1_000_000
    for path in (
        "/static/css/app.css",
        "/static/js/charts.js",
        "/static/js/autosubmit.js",
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/bootstrap/bootstrap.bundle.min.js",
    ):
        assert request.get(path).status == 200, path


def test_public_and_start_pages_have_no_serious_axe_violations(web, open_round, users):
    """Start (anonymous and signed in), login, method, the kommune's rounds, the KS round list
    and the 404 page. The coordinator dashboard, units, report, dimension page and benchmark
    are checked inside their journeys (test_coordinator.py, test_benchmark.py), and so are the
    «results are published when the round closes» page, the confirmation for closing a round
    and the closed survey's page (test_coordinator.py, test_publication.py)."""
    anonymous = web.page()
    anonymous.goto("/")
    assert anonymous.locator("h1").inner_text() == "Hvor moden er kommunen for innovasjon?"
    assert_accessible(anonymous, "start (anonymous)")
    screenshot(anonymous, "start.png")
    anonymous.click("nav >> text=Logg inn")
    anonymous.wait_for_url("**/konto/logg-inn/")
    assert_accessible(anonymous, "login")
    anonymous.goto("/om-metoden/")
    assert anonymous.locator("section[id^=dim-]").count() == 11
    assert_accessible(anonymous, "method")
    assert_no_console_errors(anonymous)
    assert anonymous.goto("/finnes-ikke/").status == 404
    assert_accessible(anonymous, "404")

    coordinator = web.page(user=users["coordinator_a"])
    coordinator.goto("/")
    assert_accessible(coordinator, "start (coordinator)")
    coordinator.goto("/kommune/4640/runder/")
    assert_accessible(coordinator, "coordinator: the kommune's rounds")
    assert_no_console_errors(coordinator)

    analyst = web.page(user=users["ks"])
    analyst.goto("/runder/")
    assert_accessible(analyst, "round list (KS)")
    analyst.goto("/runder/ny/")
    assert_accessible(analyst, "new round form (KS)")
    assert_no_console_errors(analyst)


def _outline(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector,
        "e => { const s = getComputedStyle(e); return {style: s.outlineStyle,"
        " width: parseFloat(s.outlineWidth), color: s.outlineColor}; }",
    )


def test_keyboard_focus_is_visible_on_answer_options(web, open_round):
    from assessment.models import Participation

    participation = Participation.objects.get(round=open_round, municipality__number="4640")
    page = web.page()
    page.goto(mailed_link_path(participation, "fokus@example.no"))
    page.click("main a.btn-primary")  # Start

    # Background page: the radio itself (a visible Bootstrap radio) gets the focus ring.
    radio_id = tab_to(page, "input[type=radio][name=staff_group]")
    outline = _outline(page, f"#{radio_id}")
    assert outline["style"] != "none" and outline["width"] >= 2, outline
    page.keyboard.press("Space")
    assert page.is_checked(f"#{radio_id}")
    fill_background(page)
    next_page(page)

    # Statement page: the input is visually hidden, so its label must show the focus.
    radio_id = tab_to(page, "form.likert input[type=radio]")
    label = f"label[for={radio_id}]"
    outline = _outline(page, label)
    assert outline["style"] != "none" and outline["width"] >= 2, outline
    # The ring follows the arrow keys to the option that is now chosen.
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused != radio_id and page.is_checked(f"#{focused}")
    assert _outline(page, label)["style"] == "none"
    assert _outline(page, f"label[for={focused}]")["style"] != "none"
    # A tap or click chooses the option without the keyboard focus ring.
    clicked = focused[:-1] + "4"
    page.click(f"label[for={clicked}]")
    assert page.is_checked(f"#{clicked}")
    assert _outline(page, f"label[for={clicked}]")["style"] == "none"


def test_questionnaire_reflows_at_200_and_400_percent_zoom(web, open_round):
    """200 % zoom of a 1280 px wide window is a 640 CSS px viewport at device scale 2; 400 %
    (WCAG 1.4.10 reflow) is 320 px. Every questionnaire page is checked at both: no horizontal
    scrolling, and the answer options stay clickable."""
    from assessment.models import Participation

    participation = Participation.objects.get(round=open_round, municipality__number="1506")
    page = web.page(width=640, height=720, scale=2)

    def reflows(what):
        assert_no_horizontal_scroll(page, f"{what} at 640 px")
        page.set_viewport_size({"width": 320, "height": 720})
        assert_no_horizontal_scroll(page, f"{what} at 320 px")
        page.set_viewport_size({"width": 640, "height": 720})

    page.goto(mailed_link_path(participation, "zoom@example.no"))
    reflows("welcome")
    page.click("main a.btn-primary")
    reflows("background")
    page.click("label[for=id_staff_group_3]")
    page.click("label[for=id_sector_1]")
    page.click("label[for=id_tenure_1]")
    assert page.is_checked("#id_staff_group_3") and page.is_checked("#id_tenure_1")
    next_page(page)
    n, total = page_number(page)
    while n < total - 1:  # every dimension page
        reflows(f"page {n}")
        if n % 2:
            page.set_viewport_size({"width": 320, "height": 720})
        assert answer_statements(page, "2" if n % 2 else "x")  # clicks at 640 or 320 px
        page.set_viewport_size({"width": 640, "height": 720})
        next_page(page)
        n, total = page_number(page)
    reflows("choices")
    page.click("label[for=id_barriers_0]")
    assert page.is_checked("#id_barriers_0")
    next_page(page)
    reflows("review")
    assert_no_console_errors(page)
