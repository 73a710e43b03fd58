"""The benchmark page never lets a coordinator single out a kommune that has not agreed to be
named: not by searching its number, not by narrowing the filters until one point is left."""

import json
import re

import pytest

from tests.conftest import publish


@pytest.fixture
def filled_round(filled_round):
    """Results are read from the published round."""
    return publish(filled_round)


def _distribution_points(html: str) -> list[float]:
    points = []
    for figure in re.findall(r'data-chart-for="chart-dist-[^"]*">(.*?)</script>', html, re.S):
        for trace in json.loads(figure)["data"]:
            if trace["type"] == "box":
                points += trace["x"]
    return points


@pytest.fixture
def coordinator_client(client, filled_round, users):
    client.force_login(users["coordinator_a"])
    return client


def test_search_by_number_does_not_find_an_unnamed_kommune(coordinator_client):
    html = coordinator_client.get(
        "/runder/runde-2026/sammenligning/", {"q": "1506"}
    ).content.decode()
    assert "Molde" not in html
    assert _distribution_points(html) == []


def test_a_narrow_filter_leaves_no_single_unnamed_kommune_in_the_distributions(coordinator_client):
    # Molde is the only participating kommune in Møre og Romsdal (fylke 15): the filter is
    # refused with a message, and the page falls back to the unfiltered view.
    html = coordinator_client.get(
        "/runder/runde-2026/sammenligning/", {"fylke": "15"}
    ).content.decode()
    assert 'id="filter-error"' in html and "Velg et bredere filter" in html
    assert 'value="15" selected' not in html
    # Unfiltered, Molde (the only unnamed kommune) is left out of the points altogether.
    assert len(_distribution_points(html)) == 11  # Sogndal only, one point per dimension
    assert "utelatt fra fordelingene" in html
    assert "Molde" not in html


def test_ks_sees_every_kommune_by_name_and_number(client, filled_round, users):
    client.force_login(users["ks"])
    html = client.get("/runder/runde-2026/sammenligning/", {"q": "1506"}).content.decode()
    assert "Molde" in html
    assert len(_distribution_points(html)) == 11  # one kommune, one point per dimension
