"""What the respondent's views refuse: a closed round (410) and a round not yet open (403),
unknown and tampered tokens (the same 404 page), pages without a draft, and hypothesis fuzzing of
the answer form, the language switch and the open link start (never a 500, never bad input
stored)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessment.models import (
    Draft,
    Response,
    Round,
)
from tests.factories import RoundFactory
from tests.helpers import (
    SECTORS,
    STAFF_GROUPS,
    SUBMIT,
    Respondent,
    invite,
    page_url,
    participation,
    resume_code_in,
)
from tests.properties import examples

# --- round not open, invalid links --------------------------------------------------------------


def test_closed_round_answers_410_everywhere(link, open_path, open_round):
    in_progress = Respondent()
    in_progress.get(link)
    in_progress.background()
    starter = Respondent()
    starter.post(open_path, {"language": "nb"})
    code = resume_code_in(starter.html)

    today = timezone.localdate()
    Round.objects.filter(pk=open_round.pk).update(
        opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1)
    )
    for response in (
        Respondent().get(link),
        Respondent().get(open_path),
        in_progress.get(page_url(2)),
        in_progress.client.post(SUBMIT),
    ):
        assert response.status_code == 410
        assert "Undersøkelsen er avsluttet" in response.content.decode()
    late = Respondent()
    late.post(reverse("assessment:resume"), {"code": code})
    assert "Vi fant ingen påbegynt besvarelse" in late.html
    assert Response.objects.count() == 0


def test_round_not_yet_open_answers_403(
    municipalities, instrument, django_capture_on_commit_callbacks
):
    future = RoundFactory(
        slug="runde-2027", name="Runde 2027", opens_in=10, days=30, municipality_numbers=["1506"]
    )
    path = invite(
        participation(future, "1506"), "per@molde.kommune.no", django_capture_on_commit_callbacks
    )
    person = Respondent()
    person.get(path)
    assert person.r.status_code == 403
    assert "Undersøkelsen har ikke åpnet ennå" in person.html
    assert not Draft.objects.exists()


def _page_body(response) -> str:
    """The page without the per-request CSRF token and the footer's «next» field."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="next" type="hidden" value="[^"]*"', "", html)


def test_unknown_and_tampered_tokens_get_the_same_404_page(link, open_path):
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    unknown = Client().get(reverse("assessment:personal_link", args=["ukjent-lenke-123"]))
    changed = Client().get(reverse("assessment:personal_link", args=[tampered]))
    assert unknown.status_code == changed.status_code == 404
    assert _page_body(unknown) == _page_body(changed)
    assert "Lenken virker ikke" in unknown.content.decode()

    open_token = open_path.rstrip("/").rsplit("/", 1)[1]
    # Change the last character for sure (a token that already ends in "0" must not stay valid).
    changed_open = open_token[:-1] + ("0" if open_token[-1] != "0" else "1")
    bad_open = Client().get(reverse("assessment:open_link", args=[changed_open]))
    assert bad_open.status_code == 404
    assert _page_body(bad_open) == _page_body(unknown)
    assert Client().get(link).status_code == 302  # the real link still works


def test_pages_without_a_draft_do_not_leak_anything(open_round):
    for path in (page_url(1), page_url(2)):
        response = Client().get(path)
        assert response.status_code == 404
        assert "Vi finner ikke besvarelsen din" in response.content.decode()
    assert Client().get(reverse("assessment:thanks")).status_code == 404
    assert Client().post(SUBMIT).status_code == 404
    assert Response.objects.count() == 0


# --- fuzzing ------------------------------------------------------------------------------------

FIELD_NAMES = [
    "staff_group",
    "sector",
    "unit",
    "tenure",
    "barriers",
    "promoters",
    "nav",
    "language",
    "page",
    "STR1",
    "LED2",
    "LED5",
    "MED3",
    "csrfmiddlewaretoken",
]
FUZZ_VALUES = st.one_of(
    st.sampled_from(
        [
            "1",
            "2",
            "3",
            "4",
            "5",
            "x",
            "0",
            "6",
            "-1",
            "",
            "medarbeider",
            "folkevalgt",
            "helse_omsorg",
            "oppvekst",
            "under_2",
            "tidspress",
            "tillit",
            "next",
            "back",
            "pause",
            "nn",
            "en",
            "²",
            "٣",
            "99999999999999999999",
            "\x00",
            "<script>",
            "' OR 1=1 --",
        ]
    ),
    st.text(max_size=30),
)
POST_DATA = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12)),
    st.one_of(FUZZ_VALUES, st.lists(FUZZ_VALUES, max_size=5)),
    max_size=8,
)
TARGETS = st.one_of(
    st.integers(min_value=0, max_value=16).map(page_url),
    st.integers(min_value=2, max_value=12).map(page_url),
    st.just(reverse("assessment:change_language")),
)
VALID_ANSWERS = {"1", "2", "3", "4", "5", "x"}


def _assert_draft_valid(draft: Draft, spec):
    data = draft.data
    assert data.get("staff_group") in (None, *STAFF_GROUPS)
    assert data.get("sector") in (None, *SECTORS)
    assert data.get("tenure") in (None, "", "under_2", "2_10", "over_10")
    for code, value in data.get("answers", {}).items():
        assert code in spec.items and value in VALID_ANSWERS
    barrier_codes = {o.code for o in spec.barriers}
    promoter_codes = {o.code for o in spec.promoters}
    assert len(data.get("barriers", [])) <= 3 and set(data.get("barriers", [])) <= barrier_codes
    assert len(data.get("promoters", [])) <= 3 and set(data.get("promoters", [])) <= promoter_codes
    assert draft.language in ("nb", "nn", "en")


@pytest.fixture
def answering(link):
    """A respondent who has given the background and is on the first statement page."""
    person = Respondent()
    person.get(link)
    person.background()
    assert person.path == page_url(2)
    return person


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(target=TARGETS, data=POST_DATA)
def test_fuzzed_answer_posts_never_500_and_never_store_bad_input(answering, spec, target, data):
    draft = Draft.objects.get()
    before = dict(draft.data)
    response = answering.client.post(target, data)  # the test client re-raises any server error
    assert response.status_code < 500
    draft.refresh_from_db()
    _assert_draft_valid(draft, spec)
    if response.status_code == 200:  # the page was shown again (with errors): nothing saved
        assert draft.data == before
    assert Response.objects.count() == 0


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(language=FUZZ_VALUES, page=FUZZ_VALUES)
@example(language="nb", page="²")  # a digit to str.isdigit() that int() refuses
def test_fuzzed_language_switch_never_500(answering, language, page):
    before = Draft.objects.get().language
    response = answering.client.post(
        reverse("assessment:change_language"), {"language": language, "page": page}
    )
    if "\x00" in language + page:  # refused before the view (config/middleware.py)
        assert response.status_code == 400
        assert Draft.objects.get().language == before
        return
    assert response.status_code == 302
    assert response["Location"].startswith("/skjema/side/")
    assert Draft.objects.get().language in ("nb", "nn", "en")


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=POST_DATA, language=FUZZ_VALUES)
@example(data={}, language="1")  # was stored as the draft's language
@example(data={}, language="nynorsk-please")  # longer than the column: a 500 on PostgreSQL
def test_fuzzed_open_link_start_never_500(open_path, data, language):
    response = Client(raise_request_exception=True).post(open_path, {**data, "language": language})
    assert response.status_code < 500
    for draft in Draft.objects.all():
        assert draft.language in ("nb", "nn", "en")
    assert Response.objects.count() == 0
