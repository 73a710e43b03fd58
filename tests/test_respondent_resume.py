"""The respondent pauses and comes back: a personal link resumes on another device, an open link
gives a resume code, a draft never counts until it is submitted, and a response is stored
exactly once (double submit, back button, two tabs, a used link)."""

import re

from django.urls import reverse

from assessment.models import (
    Answer,
    Draft,
    Response,
)
from assessment.selectors import response_count
from tests.helpers import (
    SUBMIT,
    Respondent,
    page_url,
    resume_code_in,
    staff_client,
)

# --- save and resume ----------------------------------------------------------------------------


def test_personal_link_resumes_where_the_person_left_on_another_device(link, spec):
    phone = Respondent()
    phone.get(link)
    phone.background(sector="oppvekst")
    phone.answer_page("2")  # page 2
    phone.answer_page("3")  # page 3
    phone.answer_page("5", nav="pause")  # page 4, then a break
    assert phone.path == reverse("assessment:paused")
    assert "Svarene dine er lagret" in phone.html
    assert "Åpne den samme lenken igjen" in phone.html

    pc = Respondent()  # another device: no cookies from the phone
    pc.get(link)
    assert pc.path == page_url(4)  # the page where she paused
    pc.get(page_url(2))
    first_code = pc.item_codes[0]
    assert re.search(rf'name="{first_code}" value="2" id="[^"]+" checked', pc.html)
    pc.get(page_url(1))
    assert re.search(r'name="sector" value="oppvekst" id="[^"]+" checked', pc.html)

    pc.get(page_url(5))
    pc.answer_dimensions("1")
    pc.choices()
    pc.submit()
    response = Response.objects.get()
    assert response.sector_id == "oppvekst"
    values = dict(response.answers.values_list("item__code", "value"))
    dims = [d for d in spec.dimensions if d.items_for("medarbeider")]
    assert {values[i.code] for i in dims[0].items_for("medarbeider")} == {2}
    assert {values[i.code] for i in dims[1].items_for("medarbeider")} == {3}
    assert {values[i.code] for i in dims[2].items_for("medarbeider")} == {5}
    assert {values[i.code] for d in dims[3:] for i in d.items_for("medarbeider")} == {1}


def test_open_link_gives_a_resume_code_that_works_on_a_new_device(open_path):
    path = open_path
    phone = Respondent()
    phone.get(path)
    assert "Start undersøkelsen" in phone.html
    assert "Har du begynt før?" in phone.html
    phone.post(path, {"language": "nb"})
    assert phone.path == page_url(1)
    code = resume_code_in(phone.html)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)  # as the form's example

    phone.background(staff_group="stab", sector="administrasjon")
    phone.answer_page("2", nav="pause")
    assert code in phone.html  # the paused page repeats the code
    assert reverse("assessment:resume") in phone.html

    pc = Respondent()
    pc.get(reverse("assessment:resume"))
    assert pc.r.status_code == 200
    typed = code.lower()
    pc.post(reverse("assessment:resume"), {"code": typed})
    assert pc.path == page_url(2)  # the page where the pause was taken
    assert re.search(rf'name="{pc.item_codes[0]}" value="2" id="[^"]+" checked', pc.html)
    pc.get(page_url(3))
    pc.answer_dimensions()
    pc.choices()
    pc.submit()
    assert "Takk for svarene dine!" in pc.html
    assert Response.objects.get().staff_group_id == "stab"

    # once submitted, the code no longer opens anything
    late = Respondent()
    late.post(reverse("assessment:resume"), {"code": code})
    assert late.path == reverse("assessment:resume")
    assert "Vi fant ingen påbegynt besvarelse med denne koden" in late.html


def test_wrong_resume_code_gives_a_norwegian_message(open_round):
    person = Respondent()
    person.post(reverse("assessment:resume"), {"code": "ABCDEFGHJK"})
    assert person.r.status_code == 200
    assert "Vi fant ingen påbegynt besvarelse med denne koden" in person.html
    person.post(reverse("assessment:resume"), {"code": ""})
    assert "Skriv inn svarkoden." in person.html


def test_a_draft_never_counts_until_it_is_submitted(link, molde, users):
    coordinator = staff_client(users["coordinator_b"])
    dashboard = reverse("reports:dashboard", args=["1506", molde.round.slug])

    person = Respondent()
    person.get(link)
    person.background()
    person.answer_dimensions()
    person.choices()
    assert person.on_review_page
    assert response_count(molde) == 0
    assert Response.objects.count() == 0
    assert re.search(r'id="response-count">0<', coordinator.get(dashboard).content.decode())

    person.submit()
    assert response_count(molde) == 1
    assert re.search(r'id="response-count">1<', coordinator.get(dashboard).content.decode())


# --- exactly once -------------------------------------------------------------------------------


def _to_review(person, link):
    person.get(link)
    person.background()
    person.answer_dimensions()
    person.choices()
    assert person.on_review_page


def test_double_submit_stores_one_response(link):
    person = Respondent()
    _to_review(person, link)
    first = person.client.post(SUBMIT)
    second = person.client.post(SUBMIT)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("assessment:thanks")
    assert Response.objects.count() == 1


def test_back_button_and_resubmit_store_one_response(link):
    person = Respondent()
    _to_review(person, link)
    review = person.path
    person.submit()
    assert Response.objects.count() == 1

    person.get(review)  # the back button
    assert person.path == reverse("assessment:thanks")
    person.post(review, {"nav": "next"})
    person.post(page_url(2), {"STR1": "1", "nav": "next"})
    person.submit()
    assert "Takk for svarene dine!" in person.html
    assert Response.objects.count() == 1
    assert Answer.objects.filter(item__code="STR1").get().value == 4


def test_two_tabs_on_the_same_personal_link_store_one_response(link):
    tab_a, tab_b = Respondent(), Respondent()
    _to_review(tab_a, link)
    tab_b.get(link)
    assert tab_b.on_review_page  # same draft, resumed at the review page

    tab_a.submit()
    assert "Takk for svarene dine!" in tab_a.html
    tab_b.submit()
    assert tab_b.r.status_code == 409
    assert "Denne besvarelsen er allerede sendt inn" in tab_b.html
    assert Response.objects.count() == 1


def test_a_used_personal_link_shows_already_answered(link):
    person = Respondent()
    _to_review(person, link)
    person.submit()

    again = Respondent()
    again.get(link)
    assert again.r.status_code == 409
    assert "Denne besvarelsen er allerede sendt inn" in again.html
    assert not Draft.objects.exists()
    assert Response.objects.count() == 1
