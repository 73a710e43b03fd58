"""Who may see the kommune report (page and every export): another kommune's coordinator and a
user without a role get 404, anonymous users are sent to log in, a unit leader sees only their
subtree, and KS sees every participating kommune and nothing else."""

import pytest
from django.urls import reverse

from assessment.models import Response
from tests.conftest import publish
from tests.report_helpers import MOLDE, SOGNDAL, body_rows, kpi, table, url, xlsx_sheets


@pytest.fixture
def filled_round(filled_round):
    """Results are read from the published round."""
    return publish(filled_round)


pytestmark = pytest.mark.django_db


# --- tenancy --------------------------------------------------------------------------------------

REPORT_URLS = ["municipality_report", "dimension", "export_xlsx", "export_csv", "export_pdf"]


def _all_urls(round_, number):
    return [
        url(name, round_, number, **({"code": "strategi"} if name == "dimension" else {}))
        for name in REPORT_URLS
    ]


def test_coordinator_of_another_kommune_gets_404_everywhere(client, users, filled_round):
    client.force_login(users["coordinator_b"])
    for address in _all_urls(filled_round, SOGNDAL):
        assert client.get(address).status_code == 404, address
    for address in _all_urls(filled_round, MOLDE):  # their own kommune works
        assert client.get(address).status_code == 200, address


def test_user_without_role_gets_404_and_anonymous_is_sent_to_login(client, users, filled_round):
    for address in _all_urls(filled_round, SOGNDAL):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.force_login(users["no_role"])
    for address in _all_urls(filled_round, SOGNDAL):
        assert client.get(address).status_code == 404, address


def test_unit_leader_sees_only_their_subtree(client, users, filled_round, sogndal_units):
    heim = sogndal_units["heim"]
    in_heim = Response.objects.filter(round=filled_round, unit=heim).count()
    in_sogndal = Response.objects.filter(round=filled_round, municipality__number=SOGNDAL).count()
    assert 5 <= in_heim < in_sogndal
    client.force_login(users["unit_leader"])
    html = client.get(url("municipality_report", filled_round)).content.decode()
    assert kpi(html, "respondents") == str(in_heim)
    assert "Heimetenesta" in html
    unit_names = [name for name, _cells in body_rows(table(html, "unit-table"))]
    assert unit_names == ["Heimetenesta"]
    sheets = xlsx_sheets(client.get(url("export_xlsx", filled_round)).content)
    overview = {r[0]: r[1] for r in sheets["Oversikt"]}
    assert (overview["Enhet"], overview["Respondenter"]) == ("Heimetenesta", in_heim)
    # not another kommune, and not the benchmark
    assert client.get(url("municipality_report", filled_round, MOLDE)).status_code == 404
    assert (
        client.get(reverse("reports:benchmark", kwargs={"slug": filled_round.slug})).status_code
        == 404
    )


def test_ks_sees_every_participating_kommune_and_nothing_else(client, users, filled_round):
    client.force_login(users["ks"])
    for number, count in ((SOGNDAL, 120), (MOLDE, 60)):
        html = client.get(url("municipality_report", filled_round, number)).content.decode()
        assert kpi(html, "respondents") == str(count)
        for address in _all_urls(filled_round, number):
            assert client.get(address).status_code == 200, address
    # a kommune that does not take part in the round
    assert client.get(url("municipality_report", filled_round, "0301")).status_code == 404
