"""Disclosure control, leak 5 (issue 12): the API gives nothing the page withholds - no number
the page hides, no coordinator's only unnamed peer, no filter that leaves one or two unnamed
kommuner, and unnamed kommuner not in kommune number order."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from municipalities.models import Municipality
from reports.services import create_api_token
from tests.conftest import publish
from tests.disclosure_helpers import api, kommune, new_round, people, record

pytestmark = pytest.mark.django_db


# --- leak 5: the API gives nothing the page withholds ---------------------------------------


def _page_numbers(html: str) -> set[str]:
    """Every decimal number on a page (tables and chart data), as two decimals."""
    found = set()
    for text in re.findall(r"-?\d+[.,]\d+", html):
        found.add(f"{float(text.replace(',', '.')):.2f}")
    return found


@pytest.mark.parametrize("role", ["ks", "coordinator_a", "coordinator_b"])
def test_no_api_answer_has_a_number_its_page_withholds(users, filled_round, role):
    publish(filled_round)
    account = users[role]
    client = Client()
    client.force_login(account)
    page = client.get(reverse("reports:benchmark", kwargs={"slug": filled_round.slug}))
    numbers = _page_numbers(page.content.decode())
    data = api(account, f"/api/v1/rounds/{filled_round.slug}/benchmark/")
    for row in data["municipalities"]:
        if row["name"] is None:
            assert row["respondents"] is None and row["number"] is None
        for stat in row["dimensions"]:
            if stat["mean"] is not None:
                assert f"{stat['mean']:.2f}" in numbers, (role, row["name"], stat["code"])
            if row["name"] is None:
                assert stat["n"] is None and stat["sd"] is None and stat["ci95"] is None


def test_a_coordinators_only_unnamed_peer_is_in_neither_page_nor_api(users, filled_round):
    """Molde is the only other kommune and has not agreed to be named."""
    publish(filled_round)
    data = api(users["coordinator_a"], f"/api/v1/rounds/{filled_round.slug}/benchmark/")
    assert [r["number"] for r in data["municipalities"]] == ["4640"]
    # Nothing about the other kommuner reaches the page's context either: only a count.
    from reports.selectors.benchmark import benchmark_for_viewer

    context = benchmark_for_viewer(
        filled_round, viewer_is_national=False, own_id=kommune("4640").pk
    )
    assert "municipalities" not in context and context["participating"] == 2
    assert [r["name"] for r in context["rows"]] == ["Sogndal"]


def test_a_filter_leaving_one_or_two_unnamed_kommuner_is_refused_by_page_and_api(
    users, filled_round
):
    publish(filled_round)
    token = create_api_token(username=users["coordinator_a"].username)
    response = Client().get(
        f"/api/v1/rounds/{filled_round.slug}/benchmark/?fylke=15",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400
    assert "bredere filter" in response.json()["detail"]


def test_unnamed_kommuner_are_not_listed_in_kommune_number_order(instrument, spec, municipalities):
    numbers = ["4640", "1101", "1103", "1106", "1108", "1111", "1112", "1119", "1120", "1121"]
    round_ = new_round(numbers)
    for number in numbers:
        record(round_, people(spec, number, 6, 3))
    publish(round_)
    from reports.selectors.benchmark import benchmark_for_viewer

    rows = benchmark_for_viewer(round_, viewer_is_national=False, own_id=kommune("4640").pk)
    unnamed = [r["id"] for r in rows["rows"] if not r["is_named"]]
    by_number = sorted(unnamed, key=lambda pk: Municipality.objects.get(pk=pk).number)
    assert len(unnamed) == 9 and unnamed != by_number
