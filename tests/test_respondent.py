"""The respondent's path through the real views: link -> welcome -> background -> one page per
dimension -> barriers/promoters -> review -> submit -> thanks, without login; and the language
(the kommune's målform by default, changeable).

Also in tests/test_respondent_resume.py (save and resume, drafts, exactly-once submission) and
tests/test_respondent_refused.py (closed and not-yet-open rounds, invalid links, fuzzing).
"""

from django.urls import reverse
from django.utils.html import escape

from assessment.models import (
    Answer,
    Draft,
    Response,
    ResponseChoice,
    ResponseSource,
)
from tests.helpers import (
    ITEM_RADIO_RE,
    Respondent,
    invite,
    page_url,
)

# --- the answering path -----------------------------------------------------------------------


def test_whole_path_from_personal_link_to_thank_you(link, spec):
    person = Respondent()
    person.get(link)
    assert person.path == page_url(0)
    assert "Slik er du anonym" in person.html
    assert "Ingen grupper med færre enn 5 svar" in person.html
    assert f'href="{page_url(1)}"' in person.html

    person.get(page_url(1))
    assert "Om deg" in person.html
    person.background(staff_group="medarbeider", sector="helse_omsorg")
    assert person.path == page_url(2)

    expected_pages = [d for d in spec.dimensions if d.items_for("medarbeider")]
    seen_codes = []
    for dimension in expected_pages:
        assert person.on_dimension_page
        codes = person.item_codes
        assert codes == [item.code for item in dimension.items_for("medarbeider")]
        for code in codes:
            values = [v for c, v in ITEM_RADIO_RE.findall(person.html) if c == code]
            assert values == ["1", "2", "3", "4", "5", "x"]
        assert "Vet ikke / ikke relevant" in person.html
        seen_codes += codes
        answers = {code: "4" for code in codes}
        answers[codes[0]] = "x"
        person.post_here(answers)
    assert len(seen_codes) == len(spec.items_for("medarbeider"))

    person.choices(barriers=["tidspress", "silo"], promoters=["tillit"])
    assert person.on_review_page
    total = len(seen_codes)
    assert f"Du har svart på {total} av {total} påstander" in person.html
    assert Response.objects.count() == 0

    person.submit()
    assert person.path == reverse("assessment:thanks")
    assert "Takk for svarene dine!" in person.html

    response = Response.objects.get()
    assert (response.municipality.number, response.staff_group_id, response.sector_id) == (
        "1506",
        "medarbeider",
        "helse_omsorg",
    )
    assert response.source == ResponseSource.WEB
    answers = dict(Answer.objects.filter(response=response).values_list("item__code", "value"))
    assert set(answers) == set(seen_codes)
    dont_know = {d.items_for("medarbeider")[0].code for d in expected_pages}
    assert {code for code, value in answers.items() if value is None} == dont_know
    assert {value for code, value in answers.items() if code not in dont_know} == {4}
    chosen = set(ResponseChoice.objects.values_list("option__kind", "option__code"))
    assert chosen == {("barrier", "tidspress"), ("barrier", "silo"), ("promoter", "tillit")}
    assert not Draft.objects.exists()


def test_background_needs_staff_group_and_sector_with_a_norwegian_error_summary(link):
    person = Respondent()
    person.get(link)
    person.post(page_url(1), {"nav": "next"})
    assert person.path == page_url(1)
    assert "Noe må rettes før du går videre" in person.html
    assert "Velg hvilken gruppe du hører til." in person.html
    assert "Velg hvilken sektor du jobber i." in person.html

    person.post(page_url(1), {"staff_group": "medarbeider", "nav": "next"})
    assert person.path == page_url(1)
    assert "Velg hvilken sektor du jobber i." in person.html
    assert "Velg hvilken gruppe du hører til." not in person.html

    # the statements cannot be reached before the background is given
    person.get(page_url(4))
    assert person.path == page_url(1)
    assert Draft.objects.get().data.get("staff_group") is None

    person.background()
    assert person.path == page_url(2)


def test_folkevalgt_is_not_offered_unless_the_round_includes_them(link):
    person = Respondent()
    person.get(link)
    person.get(page_url(1))
    assert 'value="medarbeider"' in person.html
    assert 'value="folkevalgt"' not in person.html
    person.background(staff_group="folkevalgt")
    assert person.path == page_url(1)
    assert "Noe må rettes før du går videre" in person.html


def test_at_most_three_barriers_and_promoters(link):
    person = Respondent()
    person.get(link)
    person.background()
    person.answer_dimensions()
    choices_page = person.path
    person.choices(barriers=["tidspress", "silo", "okonomi", "regelverk"], promoters=["tillit"])
    assert person.path == choices_page
    assert "Noe må rettes før du går videre" in person.html
    assert "Du kan velge inntil tre alternativer." in person.html
    assert "barriers" not in Draft.objects.get().data

    person.choices(barriers=["tidspress", "silo", "okonomi"], promoters=["tillit"])
    assert person.on_review_page
    person.submit()
    assert ResponseChoice.objects.filter(option__kind="barrier").count() == 3


def test_progress_bar_moves_from_zero_to_hundred(link):
    person = Respondent()
    person.get(link)
    person.get(page_url(1))
    assert person.page == (1, 14)  # background, 11 dimensions, choices, review
    seen = [person.progress]
    person.background()
    while person.on_dimension_page:
        seen.append(person.progress)
        person.answer_page()
    seen.append(person.progress)  # choices
    person.choices()
    seen.append(person.progress)  # review
    assert person.page == (14, 14)
    assert seen[0] == 0 and seen[-1] == 100
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


# --- language -----------------------------------------------------------------------------------


def test_language_defaults_to_the_kommunes_malform_and_can_be_changed(sogndal_link, spec):
    first = spec.dimensions[0].items_for("medarbeider")[0]
    assert first.text["nn"] != first.text["nb"]

    link = sogndal_link
    person = Respondent()
    person.get(link)  # Sogndal writes nynorsk
    person.background()
    assert person.path == page_url(2)
    assert escape(first.text["nn"]) in person.html
    assert escape(first.text["nb"]) not in person.html
    assert '<html lang="nn">' in person.html

    person.post(reverse("assessment:change_language"), {"language": "nb", "page": "2"})
    assert person.path == page_url(2)
    assert escape(first.text["nb"]) in person.html
    assert escape(first.text["nn"]) not in person.html

    person.post(reverse("assessment:change_language"), {"language": "en", "page": "2"})
    assert escape(first.text["en"]) in person.html

    # an unknown language is ignored; the choice is kept on the other device too
    person.post(reverse("assessment:change_language"), {"language": "xx", "page": "2"})
    assert escape(first.text["en"]) in person.html
    other_device = Respondent()
    other_device.get(link)
    other_device.get(page_url(2))
    assert escape(first.text["en"]) in other_device.html


def test_bokmal_kommune_gets_bokmal(molde, spec, django_capture_on_commit_callbacks):
    first = spec.dimensions[0].items_for("medarbeider")[0]
    person = Respondent()
    person.get(invite(molde, "ola@molde.kommune.no", django_capture_on_commit_callbacks))
    person.background()
    assert escape(first.text["nb"]) in person.html
    assert escape(first.text["nn"]) not in person.html
