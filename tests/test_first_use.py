"""Issue 15, «What a new user trips over», for respondents: resuming lands on the page where the
pause was taken, a page sent with unanswered statements is shown once more with a note, every
respondent page follows the chosen language, and the resume code is shown once in the format the
resume form expects (and accepted with or without separators)."""

import re

import pytest
from django.urls import reverse

from assessment.models import Draft
from tests.helpers import (
    Respondent,
    invite,
    open_link_path,
    page_url,
    participation,
    resume_code_in,
)


@pytest.fixture
def open_path(open_round, users):
    """An open link in Molde (bokmål), made by Molde's coordinator."""
    return open_link_path(users["coordinator_b"], open_round, number="1506")


@pytest.fixture
def link(open_round, django_capture_on_commit_callbacks):
    """A personal link in Molde (bokmål)."""
    molde = participation(open_round, "1506")
    return invite(molde, "kari@molde.kommune.no", django_capture_on_commit_callbacks)


@pytest.fixture
def sogndal_link(open_round, django_capture_on_commit_callbacks):
    """A personal link in Sogndal (nynorsk)."""
    sogndal = participation(open_round, "4640")
    return invite(sogndal, "kari@sogndal.kommune.no", django_capture_on_commit_callbacks)


def _start_open(path, language="nb") -> tuple[Respondent, str]:
    person = Respondent()
    person.post(path, {"language": language})
    assert person.path == page_url(1)
    return person, resume_code_in(person.html)


def _review_row(html: str, dimension_name: str) -> str:
    """«answered / total» in the review table's row for one dimension."""
    match = re.search(rf"<td>{re.escape(dimension_name)}</td><td>(\d+ / \d+)</td>", html)
    assert match, dimension_name
    return match[1]


# --- 1. Resuming returns to the page where the pause was taken --------------------------------


def test_resume_code_on_another_device_returns_to_the_page_where_the_pause_was(open_path):
    phone, code = _start_open(open_path)
    phone.background()
    for _ in range(5):  # pages 2-6
        phone.answer_page("4")
    assert phone.page[0] == 7
    paused_codes = phone.item_codes
    assert paused_codes[0].startswith("RES")  # «Tid og ressurser»
    phone.post_here({}, nav="pause")  # paused on page 7 without answering it yet
    assert phone.path == reverse("assessment:paused")

    pc = Respondent()
    pc.post(reverse("assessment:resume"), {"code": code})
    assert pc.path == page_url(7), "resuming skipped the page where the pause was taken"
    assert pc.item_codes == paused_codes
    pc.answer_page("3")
    pc.answer_dimensions("4")
    pc.choices()
    assert pc.on_review_page
    n = len(paused_codes)
    assert _review_row(pc.html, "Tid og ressurser") == f"{n} / {n}"


def test_the_paused_page_continues_at_the_same_page(open_path):
    phone, _code = _start_open(open_path)
    phone.background()
    phone.answer_page("4")
    phone.post_here({}, nav="pause")
    assert Draft.objects.get().page == 3
    assert f'href="{page_url(3)}"' in phone.html  # «Fortsett nå»
    phone.get(page_url(3))
    phone.answer_page("2", nav="back")  # back from 3: continues at 2
    assert Draft.objects.get().page == 2


def test_a_personal_link_opened_again_returns_to_the_paused_page(link):
    phone = Respondent()
    phone.get(link)
    phone.background()
    phone.answer_page("4")
    phone.post_here({}, nav="pause")  # on page 3
    pc = Respondent()
    pc.get(link)
    assert pc.path == page_url(3)


# --- 2. Unanswered statements: a gentle note, then «Gå videre likevel» -------------------------


def test_a_page_with_unanswered_statements_is_shown_again_with_a_note(open_path):
    person, _code = _start_open(open_path)
    person.background()
    codes = person.item_codes
    assert len(codes) >= 3
    person.post_here({codes[0]: "4"})  # the rest left open
    assert person.page[0] == 2, "went on without a word"
    html = person.html
    assert 'id="ubesvart"' in html
    assert f"Du har ikke svart på {len(codes) - 1} påstander på denne siden" in html
    assert "«vet ikke» er også et svar" in html
    assert "Gå videre likevel" in html and "Lagre og gå videre" not in html
    assert html.count('class="unanswered"') == len(codes) - 1
    # The answer given was kept, and the draft still continues at this page.
    assert re.search(rf'name="{codes[0]}" value="4" id="[^"]+" checked', html)
    draft = Draft.objects.get()
    assert draft.data["answers"] == {codes[0]: "4"} and draft.page == 2

    # «Gå videre likevel» (the form now carries ubesvart=1) goes on.
    person.post_here({codes[0]: "4", codes[1]: "5", "ubesvart": "1"})
    assert person.page[0] == 3
    assert Draft.objects.get().data["answers"] == {codes[0]: "4", codes[1]: "5"}


def test_vet_ikke_counts_as_answered_and_back_and_pause_never_warn(open_path):
    person, _code = _start_open(open_path)
    person.background()
    person.answer_page("x")  # all «vet ikke»
    assert person.page[0] == 3 and "ubesvart" not in person.r.wsgi_request.get_full_path()
    person.post_here({}, nav="back")
    assert person.page[0] == 2
    person.get(page_url(3))
    person.post_here({}, nav="pause")
    assert person.path == reverse("assessment:paused")


def test_a_fully_answered_page_has_no_note(open_path):
    person, _code = _start_open(open_path)
    person.background()
    person.get(page_url(2) + "?ubesvart=1")
    assert 'id="ubesvart"' in person.html  # nothing answered yet
    person.answer_page("3")
    person.get(page_url(2) + "?ubesvart=1")
    assert 'id="ubesvart"' not in person.html
    assert "Lagre og gå videre" in person.html


# --- 3. Every respondent page follows the chosen language --------------------------------------


def _lang(html: str) -> str:
    return re.search(r'<html lang="([a-z]+)"', html)[1]


def test_choosing_english_on_the_open_link_welcome_page_translates_it(open_path):
    person = Respondent()
    person.get(open_path)
    assert _lang(person.html) == "nb" and "Start undersøkelsen" in person.html
    # The switch at the top of the page posts to the respondent's language switch and comes back.
    assert f'name="next" value="{open_path}"' in person.html
    person.post(reverse("assessment:change_language"), {"language": "en", "next": open_path})
    assert person.path == open_path
    assert _lang(person.html) == "en"
    assert "Start the survey" in person.html
    assert "Start undersøkelsen" not in person.html
    # Starting now starts in English, and the pages around the questionnaire follow.
    person.post(open_path, {"language": "en"})
    assert person.path == page_url(1) and _lang(person.html) == "en"
    assert Draft.objects.get().language == "en"
    person.get(reverse("assessment:resume"))
    assert "Continue where you left off" in person.html
    person.get(reverse("assessment:enter_code"))
    assert "Enter the code from the letter" in person.html


def test_bokmal_chosen_in_a_nynorsk_kommune_gives_bokmal_already_answered(sogndal_link):
    person = Respondent()
    person.get(sogndal_link)
    assert _lang(person.html) == "nn"
    person.post(reverse("assessment:change_language"), {"language": "nb", "page": "0"})
    assert _lang(person.html) == "nb"
    person.complete()
    assert "Takk for svarene dine!" in person.html and _lang(person.html) == "nb"
    person.get(sogndal_link)
    assert person.r.status_code == 409
    assert _lang(person.html) == "nb"
    assert "Denne besvarelsen er allerede sendt inn" in person.html
    assert "Dette svaret er allereie sendt inn" not in person.html


def test_a_language_chosen_before_the_personal_link_starts_the_draft_in_it(sogndal_link):
    person = Respondent()
    person.post(reverse("assessment:change_language"), {"language": "en", "next": "/kode/"})
    assert "Enter the code from the letter" in person.html
    person.get(sogndal_link)
    assert _lang(person.html) == "en"
    assert Draft.objects.get().language == "en"


def test_the_language_switch_refuses_bad_input_and_foreign_next_addresses(open_path):
    person = Respondent()
    for data in (
        {"language": "en", "next": "https://evil.example/"},
        {"language": "en", "next": "//evil.example/"},
        {"language": "xx", "next": open_path},
        {"language": "en"},
    ):
        response = person.client.post(reverse("assessment:change_language"), data)
        assert response.status_code == 404
        assert "django_language" not in response.cookies
    person.get(open_path)
    assert _lang(person.html) == "nb"


# --- 5. The resume code: once on page 1, in the format the resume form shows -------------------

CODE_FORMAT = r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}"


def test_the_resume_code_is_shown_once_in_the_format_of_the_forms_example(open_path):
    person, code = _start_open(open_path)
    assert re.fullmatch(CODE_FORMAT, code)
    assert person.html.count(code) == 1
    assert person.html.count(code.replace("-", "")) == 0
    person.background()
    assert person.html.count(code) == 1  # the small reminder on the following pages
    person.post_here({}, nav="pause")
    assert person.html.count(code) == 1

    form = Respondent()
    form.get(reverse("assessment:resume"))
    example = re.search(r"for eksempel ([A-Z-]+)\.", form.html)[1]
    assert re.fullmatch(CODE_FORMAT.replace("2-9", ""), example)
    assert 'autocapitalize="characters"' in form.html


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c,
        lambda c: c.replace("-", ""),
        lambda c: c.lower(),
        lambda c: c.replace("-", " ").lower(),
        lambda c: f"  {c.replace('-', '.')} ",
        lambda c: c.replace("-", "/"),
    ],
)
def test_the_resume_form_accepts_the_code_with_or_without_separators(open_path, typed):
    person, code = _start_open(open_path)
    person.background()
    other = Respondent()
    other.post(reverse("assessment:resume"), {"code": typed(code)})
    assert other.path == page_url(2)


# --- 4. A device is «PC eller mobil», never «enhet»/«eining» (which is a work unit) ---------------


def test_a_device_is_called_pc_or_mobile_in_every_language(sogndal_link, open_path):
    person = Respondent()
    person.get(sogndal_link)  # Sogndal: nynorsk
    assert "òg på ein annan PC eller mobil" in person.html
    person.background()
    person.post_here({}, nav="pause")
    assert "eining" not in person.html.lower()
    nynorsk, _code = _start_open(open_path, "nn")
    nynorsk.background()
    nynorsk.post_here({}, nav="pause")
    assert "kva PC eller mobil som helst" in nynorsk.html
    assert "eining" not in nynorsk.html.lower()

    welcome = Respondent()
    welcome.get(open_path)  # Molde: bokmål
    assert "også på en annen PC eller mobil" in welcome.html
    assert "annen enhet" not in welcome.html
    other, _code = _start_open(open_path)
    other.background()
    other.post_here({}, nav="pause")
    assert "hvilken som helst PC eller mobil" in other.html
    assert "enhet:" not in other.html


def test_the_welcome_page_switch_returns_to_the_welcome_page_with_a_draft_in_the_session(
    open_path,
):
    person, _code = _start_open(open_path)  # a draft in bokmål in this session
    person.get(open_path)  # the open link again (a colleague on the same PC)
    person.post(reverse("assessment:change_language"), {"language": "en", "next": open_path})
    assert person.path == open_path
    assert _lang(person.html) == "en" and "Start the survey" in person.html
    assert Draft.objects.get().language == "nb"  # the earlier draft is left as it was
