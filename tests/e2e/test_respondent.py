"""Respondents on a phone (390 × 844): a personal link with a keyboard-only page, a pause, a
resume on another device and a second submit; an open link resumed with its resume code.

axe-core runs on every questionnaire page on the way: welcome, background (also with errors),
each dimension page, choices (also with errors), review, pause, thanks and «already answered».
"""

import re

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
    translated,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844, "scale": 2, "mobile": True}
KEYBOARD_VALUES = ["1", "2", "3", "4", "5", "x"]
NOT_FOUND = "Vi fant ingen påbegynt besvarelse med denne koden. Sjekk koden, eller start på nytt."


def _participation(round_, number):
    from assessment.models import Participation

    return Participation.objects.select_related("municipality").get(
        round=round_, municipality__number=number
    )


def _responses(round_, number):
    from assessment.models import Response

    return Response.objects.filter(round=round_, municipality__number=number).count()


def _checked(page) -> dict:
    return dict(
        page.eval_on_selector_all(
            "form.likert input[type=radio]:checked", "els => els.map(e => [e.name, e.value])"
        )
    )


def _answer_with_keyboard_only(page) -> dict:
    """Tab into each statement, pick an answer with Space and the arrow keys, open the «why»
    text with Enter, then Tab to «Lagre og gå videre» and press Enter. No mouse at all."""
    names = page.eval_on_selector_all(
        "form.likert fieldset", "sets => sets.map(s => s.querySelector('input').name)"
    )
    chosen = {}
    for index, name in enumerate(names):
        radio_id = tab_to(page, f"input[type=radio][name={name}]")
        assert radio_id == f"id_{name}_0"
        # The focused option is visibly marked although the radio itself is hidden.
        outline = page.eval_on_selector(
            f"label[for={radio_id}]", "l => getComputedStyle(l).outlineStyle"
        )
        assert outline != "none", f"no visible focus on the first option of {name}"
        page.keyboard.press("Space")
        for _ in range(index % 5):
            page.keyboard.press("ArrowRight")
        chosen[name] = KEYBOARD_VALUES[index % 5]
        assert page.is_checked(f"input[name={name}][value='{chosen[name]}']")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
        page.keyboard.press("Enter")
        assert (
            page.locator(f"fieldset:has(input[name={name}]) details").get_attribute("open")
            is not None
        )
    tab_to(page, "button[name=nav][value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return chosen


def test_personal_link_on_a_phone_with_pause_resume_and_second_submit(web, open_round):
    sogndal = _participation(open_round, "4640")
    link = mailed_link_path(sogndal, "kari.nordmann@example.no")

    # --- Device 1: the phone. Welcome page in the kommune's målform (nynorsk).
    page = web.page(**PHONE)
    response = page.goto(link)
    assert response.ok
    assert page.locator("html").get_attribute("lang") == "nn"
    assert "Sogndal" in page.locator("h1").inner_text()
    assert_no_horizontal_scroll(page, "welcome")
    assert_accessible(page, "questionnaire: welcome (phone)")
    page.tap("main a.btn-primary")

    # Background: an empty submit shows the error summary, then the answers are accepted.
    assert page_number(page)[0] == 1
    assert_accessible(page, "questionnaire: background (phone)")
    next_page(page)
    assert page.locator("#error-summary").is_visible()
    errors = page.locator("#error-summary").inner_text()
    assert translated(page, "Velg hvilken gruppe du hører til.") in errors
    assert_accessible(page, "questionnaire: background with errors")
    fill_background(page, staff_group="medarbeider", sector="helse_omsorg")
    next_page(page)

    # Page 2: only the keyboard.
    n, total = page_number(page)
    assert (n, total) == (2, 14)
    assert_accessible(page, "questionnaire: dimension page 2 (phone)")
    keyboard_answers = _answer_with_keyboard_only(page)
    assert len(keyboard_answers) >= 4

    # Page 3 by touch; then a pause half-way.
    assert page_number(page)[0] == 3
    assert_no_horizontal_scroll(page, "page 3 on the phone")
    assert_accessible(page, "questionnaire: dimension page 3 (phone)")
    touch_answers = {name: "4" for name in answer_statements(page, "4")}
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "questionnaire-phone.png")
    with page.expect_navigation():
        page.click("button[name=nav][value=pause]")
    assert page.url.endswith("/skjema/pause/")
    assert page.locator("h1").inner_text() == translated(page, "Svarene dine er lagret")
    assert_accessible(page, "questionnaire: paused")
    assert_no_console_errors(page)
    page.context.close()

    from assessment.models import Draft

    draft = Draft.objects.get(participation=sogndal)
    assert draft.page == 3  # she continues at the page where she paused
    assert draft.data["answers"] == {**keyboard_answers, **touch_answers}
    assert _responses(open_round, "4640") == 0  # a draft never counts

    # --- Device 2: the same link later, on another phone, continues where she left off.
    page = web.page(**PHONE)
    page.goto(link)
    assert page_number(page)[0] == 3
    assert _checked(page) == touch_answers
    with page.expect_navigation():
        page.click("button[name=nav][value=back]")
    assert page_number(page)[0] == 2
    assert _checked(page) == keyboard_answers
    next_page(page)
    next_page(page)

    n, total = page_number(page)
    while n < total - 1:
        assert_no_horizontal_scroll(page, f"page {n} on the phone")
        assert_accessible(page, f"questionnaire: dimension page {n} (phone)")
        answer_statements(page, "5" if n % 3 else "x")
        next_page(page)
        n, total = page_number(page)

    # Choices: at most three of each.
    assert page.locator("h1").inner_text() == translated(page, "Hva hemmer og hva fremmer?")
    assert_accessible(page, "questionnaire: choices")
    for index in range(4):
        page.tap(f"label[for=id_barriers_{index}]")
    page.tap("label[for=id_promoters_2]")
    next_page(page)
    errors = page.locator("#error-summary").inner_text()
    assert translated(page, "Du kan velge inntil tre alternativer.") in errors
    assert_accessible(page, "questionnaire: choices with errors")
    page.tap("label[for=id_barriers_3]")
    next_page(page)

    # Review.
    assert page_number(page) == (14, 14)
    summary = page.locator("main h1 + p").inner_text()
    answered, asked = map(int, re.search(r"(\d+) av (\d+)", summary).groups())
    assert 0 < answered <= asked
    assert_no_horizontal_scroll(page, "review")
    assert_accessible(page, "questionnaire: review")

    # --- Device 3 opens the link too and is taken straight to the review page.
    other = web.page(**PHONE)
    other.goto(link)
    assert page_number(other) == (14, 14)

    # Device 2 sends; the response counts once and the link is spent.
    with page.expect_navigation():
        page.click("button.btn-success")
    assert page.url.endswith("/skjema/takk/")
    assert page.locator("h1").inner_text() == translated(page, "Takk for svarene dine!")
    assert_accessible(page, "questionnaire: thanks")
    assert_no_console_errors(page)
    assert _responses(open_round, "4640") == 1

    # A second submit (device 3's review page) is refused without counting twice.
    with other.expect_navigation():
        other.click("button.btn-success")
    assert other.locator("h1").inner_text() == translated(
        other, "Denne besvarelsen er allerede sendt inn"
    )
    assert_accessible(other, "questionnaire: already answered")
    assert _responses(open_round, "4640") == 1

    # The link itself now answers «already answered» (409), on any device.
    response = page.goto(link)
    assert response.status == 409
    assert page.locator("h1").inner_text() == translated(
        page, "Denne besvarelsen er allerede sendt inn"
    )

    from assessment.models import Invitation

    invitation = Invitation.objects.get(participation=sogndal)
    assert invitation.used and invitation.email == ""
    assert not Draft.objects.filter(participation=sogndal).exists()


def test_open_link_respondent_resumes_with_the_resume_code(web, open_round):
    from assessment import services
    from assessment.tokens import open_link_token

    molde = _participation(open_round, "1506")
    link = services.create_open_link(participation=molde)

    page = web.page(**PHONE)
    page.goto(f"/apen/{open_link_token(link.salt)}/")
    assert "Molde" in page.locator("h1").inner_text()
    assert_accessible(page, "questionnaire: welcome (open link)")
    with page.expect_navigation():
        page.select_option("#respondent-language", "en")  # the page follows at once
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main button.btn-primary").inner_text() == "Start the survey"
    with page.expect_navigation():
        page.tap("main button.btn-primary")

    # The resume code is shown once, on the first page, as the resume form's example.
    assert page.locator("html").get_attribute("lang") == "en"
    code = page.locator("p.resume-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
    assert page.locator(f"main :text('{code}')").count() == 1
    assert_accessible(page, "questionnaire: background with resume code")
    fill_background(page, staff_group="tillitsvalgt", sector="oppvekst")
    next_page(page)
    first_answers = {name: "2" for name in answer_statements(page, "2")}
    next_page(page)
    assert page_number(page)[0] == 3
    page.context.close()  # leaves half-way, no pause button

    # Another device: the start page links to «Fortsett med en svarkode».
    page = web.page(**PHONE)
    page.goto("/")
    with page.expect_navigation():
        page.tap("main a[href='/fortsett/']")
    assert page.url.endswith("/fortsett/")
    assert_accessible(page, "resume (enter resume code)")
    page.fill("#id_code", "ABCD-EFGH-JK")
    with page.expect_navigation():
        page.tap("main button[type=submit]")
    assert page.locator("main .invalid-feedback").inner_text() == translated(page, NOT_FOUND)
    assert_accessible(page, "resume with error")
    page.fill("#id_code", f"{code[:4].lower()} {code[4:]}")  # as typed from a note
    with page.expect_navigation():
        page.tap("main button[type=submit]")
    assert page_number(page)[0] == 3
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click("button[name=nav][value=back]")
    assert _checked(page) == first_answers

    # Finish: answer the rest (a response counts from half of the statements) and send.
    n, total = page_number(page)
    while n < total:
        answer_statements(page, "3")
        next_page(page)
        n, total = page_number(page)
    before = _responses(open_round, "1506")
    with page.expect_navigation():
        page.click("button.btn-success")
    assert page.url.endswith("/skjema/takk/")
    assert _responses(open_round, "1506") == before + 1
    assert_no_console_errors(page)

    # The resume code was for that draft only; it is gone now.
    page.goto("/fortsett/")
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.tap("main button[type=submit]")
    assert page.locator("main .invalid-feedback").inner_text() == translated(page, NOT_FOUND)
