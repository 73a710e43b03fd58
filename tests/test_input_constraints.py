"""Bad input gives a clear 400 or 404, never a 500, on SQLite and PostgreSQL alike (issue 18).

PostgreSQL text cannot hold NUL, so a NUL byte that reached a query was a 500 there and nothing
on SQLite. config/middleware.py refuses it for every request before any query; the URL
converters (config/converters.py) and the API's path patterns refuse malformed values.
"""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from assessment.models import Draft, Response

INVALID = "Ugyldige tegn i forespørselen"


@pytest.fixture
def api_key(users):
    from reports.services import create_api_token

    return create_api_token(username=users["ks"].username)


def _client():
    return Client(raise_request_exception=False)


def assert_invalid_page(response):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert INVALID in response.content.decode()


# --- The failing examples from the issue ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/rounds/%00/instrument/", "/api/v1/rounds/C%00x/benchmark/"]
)
@pytest.mark.parametrize("with_key", [True, False])
def test_nul_in_an_api_path_is_a_json_400(path, with_key, api_key):
    headers = {"HTTP_AUTHORIZATION": f"Token {api_key}"} if with_key else {}
    response = _client().get(path, **headers)
    assert response.status_code == 400
    assert response.json() == {"detail": "Ugyldige tegn i forespørselen."}


# --- API path parameters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/rounds/runde%202026/instrument/", "slug"),
        ("/api/v1/rounds/r%C3%B8nde/benchmark/", "slug"),
        ("/api/v1/rounds/runde-2026%0A/benchmark/", "slug"),
        ("/api/v1/rounds/" + "r" * 51 + "/benchmark/", "slug"),
        ("/api/v1/rounds/runde-2026/municipalities/46400/", "number"),
        ("/api/v1/rounds/runde-2026/municipalities/46a0/", "number"),
        ("/api/v1/rounds/runde-2026/municipalities/%D9%A4%D9%A6%D9%A4%D9%A0/", "number"),
    ],
)
def test_a_malformed_api_path_parameter_is_a_norwegian_422(path, name, api_key):
    response = _client().get(path, HTTP_AUTHORIZATION=f"Token {api_key}")
    assert response.status_code == 422
    assert response.json() == {"detail": f"Ugyldig verdi i adressen: «{name}»."}


def test_a_well_formed_unknown_value_is_still_a_404(api_key):
    client = _client()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_key}"}
    assert client.get("/api/v1/rounds/finnes-ikke/benchmark/", **headers).status_code == 404
    unknown = client.get("/api/v1/rounds/runde-2026/municipalities/9999/", **headers)
    assert unknown.status_code == 404
    # A well-formed known round that is still open: no results yet (409), not a 404.
    assert (
        client.get("/api/v1/rounds/runde-2026/municipalities/4640/", **headers).status_code == 409
    )


def test_the_openapi_schema_documents_the_patterns(users):
    schema = _client().get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/rounds/{slug}/municipalities/{number}/"]["get"]["parameters"]
    patterns = {p["name"]: p["schema"]["pattern"] for p in params}
    assert patterns == {"slug": "^[-a-zA-Z0-9_]+$", "number": "^[0-9]{4}$"}


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/runder/runde-2026/kommuner/46%0040/",
        "/runder/runde-2026/sammenligning/%00",
        "/svar/abc%00def/",
        "/%00",
    ],
)
def test_nul_in_a_page_path_is_a_norwegian_400(path, users):
    client = _client()
    client.force_login(users["ks"])
    assert_invalid_page(client.get(path))


def test_nul_in_a_query_string_is_a_norwegian_400(filled_round, users):
    client = _client()
    client.force_login(users["coordinator_a"])
    assert_invalid_page(client.get("/runder/runde-2026/sammenligning/?fylke=%00"))
    assert_invalid_page(client.get("/runder/runde-2026/sammenligning/?%00=15"))
    assert client.get("/runder/runde-2026/sammenligning/?fylke=15").status_code == 200


@pytest.mark.django_db
def test_nul_in_the_login_form_is_a_norwegian_400_and_counts_no_attempt(users):
    from axes.models import AccessAttempt

    response = _client().post("/konto/logg-inn/", {"username": "ks\x00", "password": "x"})
    assert_invalid_page(response)
    response = _client().post("/konto/logg-inn/", {"username": "ks", "password": "x\x00y"})
    assert_invalid_page(response)
    assert AccessAttempt.objects.count() == 0


def test_nul_in_a_header_or_cookie_is_a_norwegian_400(users):
    assert_invalid_page(
        _client().post(
            "/konto/logg-inn/", {"username": "ks", "password": "feil"}, HTTP_USER_AGENT="a\x00b"
        )
    )
    client = _client()
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    assert_invalid_page(client.get("/runder/runde-2026/sammenligning/"))


def test_nul_in_a_respondent_form_field_is_a_400_and_stores_nothing(open_round, users):
    from assessment.services import create_open_link
    from assessment.tokens import open_link_token

    participation = open_round.participations.get(municipality__number="4640")
    link = create_open_link(participation=participation)
    person = _client()
    assert (
        person.post(f"/apen/{open_link_token(link.salt)}/", {"language": "nb"}).status_code == 302
    )
    draft = Draft.objects.get()
    response = person.post(
        "/skjema/side/1/", {"staff_group": "medarbeider\x00", "sector": "kultur", "nav": "next"}
    )
    assert_invalid_page(response)
    assert_invalid_page(person.post("/fortsett/", {"code": "ABCDE\x00FGHJK"}))
    assert_invalid_page(person.post("/kode/", {"code": "\x00"}))
    stored = Draft.objects.get()
    assert (stored.pk, stored.page, stored.data) == (draft.pk, draft.page, draft.data)
    assert Response.objects.count() == 0
    # The same form without the NUL byte goes on to the next page.
    ok = person.post(
        "/skjema/side/1/", {"staff_group": "medarbeider", "sector": "kultur", "nav": "next"}
    )
    assert ok.status_code == 302


# --- Page URL converters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("reports:municipality_report", {"slug": "runde-2026", "number": "464"}),
        ("reports:municipality_report", {"slug": "runde-2026", "number": "46400"}),
        ("reports:municipality_report", {"slug": "runde-2026", "number": "٤٦٤٠"}),
        ("reports:dimension", {"slug": "runde-2026", "number": "4640", "code": "Lederstotte"}),
        ("reports:dimension", {"slug": "runde-2026", "number": "4640", "code": "leder-stotte"}),
        ("reports:dashboard", {"number": "abcd", "slug": "runde-2026"}),
        ("municipalities:units", {"number": "4640x"}),
        ("assessment:personal_link", {"token": "abc def"}),
        ("assessment:open_link", {"token": "a" * 65}),
    ],
)
def test_malformed_path_values_match_no_url(name, kwargs):
    with pytest.raises(NoReverseMatch):
        reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    "path",
    [
        "/runder/runde-2026/kommuner/46400/",
        "/runder/runde-2026/kommuner/4640/dimensjon/LEDERSTOTTE/",
        "/runder/runde%202026/sammenligning/",
        "/kommune/%D9%A4%D9%A6%D9%A4%D9%A0/runder/",
        "/kommune/4640/enheter/99999999999999999999999/",
        "/kommune/4640/runder/runde-2026/lenker/99999999999999999999999/",
        "/svar/%F0%9F%98%80/",
        "/apen/%27%3B%20DROP%20TABLE%20x%3B--/",
        "/skjema/side/99999999999999999999999/",
    ],
)
def test_malformed_page_paths_are_404(path, filled_round, users):
    client = _client()
    client.force_login(users["superuser"])
    assert client.get(path).status_code == 404
