"""JSON API v1: shapes, token authentication, tenancy and suppression."""

import json

import pytest
from django.core.management import call_command

from reports.models import ApiToken
from tests.conftest import publish


@pytest.fixture
def filled_round(filled_round):
    """Results are read from the published round."""
    return publish(filled_round)


D_KEYS = {"code", "name", "mean", "n", "sd", "ci95", "index", "level", "suppressed", "reason"}


def _token(user) -> str:
    from io import StringIO

    out = StringIO()
    call_command("create_api_token", user.username, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def _get(client, url, token):
    return client.get(url, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.fixture
def tokens(users):
    return {name: _token(user) for name, user in users.items()}


def test_create_api_token_prints_key_alone_on_last_line_and_stores_only_a_hash(users):
    key = _token(users["ks"])
    assert len(key) >= 40 and " " not in key
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert ApiToken.objects.filter(user=users["ks"]).count() == 1


def test_missing_or_wrong_token_is_refused_with_norwegian_message(client, filled_round, tokens):
    assert client.get("/api/v1/rounds/").status_code == 401
    response = client.get("/api/v1/rounds/", HTTP_AUTHORIZATION="Token feil")
    assert response.status_code == 401
    assert "API-nøkkel" in response.json()["detail"]
    assert (
        client.get("/api/v1/rounds/", HTTP_AUTHORIZATION=f"Bearer {tokens['ks']}").status_code
        == 401
    )


def test_rounds_list_shape(client, filled_round, tokens):
    data = _get(client, "/api/v1/rounds/", tokens["ks"]).json()
    assert data == [
        {
            "slug": "runde-2026",
            "name": "Runde 2026",
            "opens": filled_round.opens_on.isoformat(),
            "closes": filled_round.closes_on.isoformat(),
            "instrument_version": "2026.1",
            "published": filled_round.published_at.isoformat(),
        }
    ]
    assert _get(client, "/api/v1/rounds/", tokens["no_role"]).json() == []


def test_instrument_endpoint_equals_export_instrument(client, filled_round, tokens):
    from io import StringIO

    out = StringIO()
    call_command("export_instrument", stdout=out)
    api = _get(client, "/api/v1/rounds/runde-2026/instrument/", tokens["coordinator_a"]).json()
    assert api == json.loads(out.getvalue())


def test_municipality_endpoint_shape_and_numbers_match_the_report(
    client, filled_round, tokens, users
):
    from municipalities.models import Municipality
    from municipalities.selectors import get_report_scope_for_user
    from reports.selectors import municipality_report

    data = _get(
        client, "/api/v1/rounds/runde-2026/municipalities/4640/", tokens["coordinator_a"]
    ).json()
    assert set(data) == {
        "round",
        "municipality",
        "respondents",
        "suppressed",
        "reason",
        "overall",
        "dimensions",
        "by_staff_group",
        "by_sector",
        "benchmarks",
        "outcome",
    }
    assert data["outcome"] is None  # instrument 2026.1 has no outcome block
    assert data["municipality"] == {"number": "4640", "name": "Sogndal"}
    assert data["respondents"] == 120
    assert all(set(d) == D_KEYS for d in data["dimensions"])
    assert set(data["benchmarks"]) == {"national", "peer_group"}
    report = municipality_report(
        filled_round,
        get_report_scope_for_user(users["coordinator_a"], Municipality.objects.get(number="4640")),
    )
    assert [d["mean"] for d in data["dimensions"]] == [s.mean for s in report.dimensions]
    for d in data["dimensions"]:
        assert d["mean"] is None or round(d["mean"], 3) == d["mean"]
    hidden = [g for g in data["by_staff_group"] if g["suppressed"]]
    assert hidden, "the synthetic data has small leader groups that must be hidden"
    for group in hidden:
        assert group["respondents"] is None
        assert all(
            d["mean"] is None and d["n"] is None and d["suppressed"] for d in group["dimensions"]
        )
    for group in data["by_staff_group"] + data["by_sector"]:
        assert group["suppressed"] or group["respondents"] >= 5


def test_coordinators_token_is_refused_for_another_kommunes_details(client, filled_round, tokens):
    assert (
        _get(
            client, "/api/v1/rounds/runde-2026/municipalities/1506/", tokens["coordinator_a"]
        ).status_code
        == 404
    )
    assert (
        _get(
            client, "/api/v1/rounds/runde-2026/municipalities/4640/", tokens["coordinator_b"]
        ).status_code
        == 404
    )
    assert (
        _get(
            client, "/api/v1/rounds/runde-2026/municipalities/4640/", tokens["no_role"]
        ).status_code
        == 404
    )
    assert (
        _get(client, "/api/v1/rounds/runde-2026/municipalities/1506/", tokens["ks"]).status_code
        == 200
    )
    assert (
        _get(client, "/api/v1/rounds/runde-2026/municipalities/0301/", tokens["ks"]).status_code
        == 404
    )


def test_benchmark_names_other_kommuner_only_with_consent(client, filled_round, tokens):
    as_ks = _get(client, "/api/v1/rounds/runde-2026/benchmark/", tokens["ks"]).json()
    assert {m["name"] for m in as_ks["municipalities"]} == {"Sogndal", "Molde"}
    as_a = _get(client, "/api/v1/rounds/runde-2026/benchmark/", tokens["coordinator_a"]).json()
    names = {m["number"]: m["name"] for m in as_a["municipalities"]}
    # Molde has not agreed to be named, and as the only unnamed kommune it would be recognised:
    # it is left out altogether, as on the page.
    assert names == {"4640": "Sogndal"}
    participation = filled_round.participations.get(municipality__number="1506")
    participation.named_in_comparisons = True
    participation.save()
    as_a = _get(client, "/api/v1/rounds/runde-2026/benchmark/", tokens["coordinator_a"]).json()
    assert {m["number"]: m["name"] for m in as_a["municipalities"]}["1506"] == "Molde"
    assert set(as_a) == {"round", "national", "national_outcome", "municipalities"}
    assert all(set(d) == D_KEYS for d in as_a["national"])


def test_openapi_schema_documents_every_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/rounds/",
        "/api/v1/rounds/{slug}/instrument/",
        "/api/v1/rounds/{slug}/municipalities/{number}/",
        "/api/v1/rounds/{slug}/benchmark/",
    }


def test_api_runs_a_bounded_number_of_queries(
    client, filled_round, tokens, django_assert_max_num_queries
):
    from assessment.selectors import _published_spec

    for url in (
        "/api/v1/rounds/runde-2026/municipalities/4640/",
        "/api/v1/rounds/runde-2026/benchmark/",
    ):
        _published_spec.cache_clear()  # cold: the instrument is read as well
        with django_assert_max_num_queries(15):
            assert _get(client, url, tokens["ks"]).status_code == 200
