"""The coordinator's dashboard: response counts per staff group, sector and unit (small counts
shown as «færre enn 5», complementary suppression), headcounts and response rates."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessment import services
from assessment.models import Headcount, ResponseSource
from municipalities.models import Municipality
from tests.factories import RoundFactory
from tests.helpers import Respondent, open_link_path, staff_client
from tests.helpers import tables_by_caption as tables


def column(table, index=1) -> dict:
    """First cell (the label) -> the cell at `index`, for the body rows."""
    return {
        row[0]: row[index]
        for row in table
        if len(row) > index and row[0] not in ("Gruppe", "Sektor", "Enhet")
    }


# Sogndal: 22 responses. Staff groups 10/7/3/2, sectors 11/6/3/2, units 9/4 (+9 without a unit).
SCENARIO = [
    ("medarbeider", "helse_omsorg", "heim", 6),
    ("medarbeider", "helse_omsorg", None, 2),
    ("medarbeider", "oppvekst", "skule", 2),
    ("mellomleder", "helse_omsorg", "heim", 3),
    ("mellomleder", "oppvekst", "skule", 2),
    ("mellomleder", "oppvekst", None, 2),
    ("toppleder", "administrasjon", None, 3),
    ("stab", "kultur", None, 2),
]


def record(round_, number, rows, units=None):
    municipality = Municipality.objects.get(number=number)
    data = [
        services.ResponseData(
            municipality_id=municipality.pk,
            staff_group=group,
            sector=sector,
            unit_id=units[unit].pk if unit else None,
            tenure="",
            answers={"STR1": 4},
        )
        for group, sector, unit, n in rows
        for _ in range(n)
    ]
    services.record_responses(round_=round_, rows=data, source=ResponseSource.IMPORT)


@pytest.fixture
def scenario(open_round, sogndal_units):
    record(open_round, "4640", SCENARIO, sogndal_units)
    record(open_round, "1506", [("medarbeider", "helse_omsorg", None, 40)])  # another kommune
    return open_round


@pytest.fixture
def coordinator(users):
    return staff_client(users["coordinator_a"])


def dashboard(client, round_, number="4640"):
    return client.get(reverse("reports:dashboard", args=[number, round_.slug]))


def test_dashboard_counts_per_staff_group_sector_and_unit(scenario, coordinator):
    response = dashboard(coordinator, scenario)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="response-count">22<', html)  # Molde's 40 are not counted

    found = tables(html)
    groups = column(found["Svar per ansattgruppe"])
    assert groups["Medarbeider"] == "10"
    assert groups["Mellomleder (enhets-/virksomhetsleder)"] == "7"
    assert groups["Toppleder (kommunedirektør og ledergruppe)"] == "færre enn 5"
    assert groups["Stab eller rådgiver"] == "færre enn 5"
    assert groups["Tillitsvalgt eller verneombud"] == "0"
    assert "Folkevalgt" not in " ".join(groups)  # not part of this round

    sectors = column(found["Svar per sektor"])
    assert sectors["Helse og omsorg"] == "11"
    assert sectors["Oppvekst og utdanning"] == "6"
    assert sectors["Kultur"] == "færre enn 5"
    assert sectors["Administrasjon og stab"] == "færre enn 5"

    units = column(found["Svar per enhet"])
    # Helse og omsorg (11) shows; Heimetenesta (9) would leave the 2 in the sector without a
    # unit, so it is hidden - on the dashboard exactly as in the report (one suppression).
    assert units == {
        "Heimetenesta": "skjult for å verne en mindre gruppe",
        "Sogndal skule": "færre enn 5",
    }

    shown = [cell for table in found.values() for row in table for cell in row[1:2]]
    for small in ("2", "3", "4"):
        assert small not in shown
    assert "Tall under 5 vises som «færre enn 5»" in html


def test_complementary_suppression_hides_the_next_smallest_group(open_round, coordinator):
    record(
        open_round,
        "4640",
        [
            ("medarbeider", "helse_omsorg", None, 10),
            ("mellomleder", "helse_omsorg", None, 6),
            ("toppleder", "helse_omsorg", None, 2),
        ],
    )
    groups = column(
        tables(dashboard(coordinator, open_round).content.decode())["Svar per ansattgruppe"]
    )
    assert groups["Medarbeider"] == "10"
    assert groups["Toppleder (kommunedirektør og ledergruppe)"] == "færre enn 5"
    # 18 in total: showing mellomleder's 6 would give away the 2 toppledere
    assert groups["Mellomleder (enhets-/virksomhetsleder)"] == "skjult for å verne en mindre gruppe"


def test_a_web_response_shows_up_on_the_dashboard(scenario, coordinator, users):
    person = Respondent()
    person.get(open_link_path(users["coordinator_a"], scenario))
    person.post(person.path, {"language": "nb"})
    person.background(staff_group="tillitsvalgt", sector="kultur")
    html = dashboard(coordinator, scenario).content.decode()
    assert re.search(r'id="response-count">22<', html)  # a draft does not count

    person.answer_dimensions()  # an empty response would not count either
    person.submit()
    html = dashboard(coordinator, scenario).content.decode()
    assert re.search(r'id="response-count">23<', html)
    assert column(tables(html)["Svar per sektor"])["Kultur"] == "færre enn 5"
    rounds = coordinator.get(
        reverse("assessment:municipality_rounds", args=["4640"])
    ).content.decode()
    assert "23 svar" in rounds


def test_headcounts_give_response_rates_on_the_dashboard(scenario, coordinator, sogndal_units):
    url = reverse("assessment:headcounts", args=["4640", scenario.slug])
    form = coordinator.get(url)
    assert form.status_code == 200
    heim = sogndal_units["heim"].pk
    assert f'name="hc-{heim}-medarbeider"' in form.content.decode()

    saved = coordinator.post(
        url,
        {
            "hc-0-medarbeider": "20",
            f"hc-{heim}-medarbeider": "30",
            "hc-0-mellomleder": "10",
            "hc-0-toppleder": "5",
            "hc-0-stab": "",
        },
        follow=True,
    )
    assert "Antall ansatte er lagret (65 i alt)." in [str(m) for m in saved.context["messages"]]
    html = saved.content.decode()
    assert "34 %" in html and "av 65" in html  # 22 of 65

    found = tables(html)
    rates = column(found["Svar per ansattgruppe"], 2)
    assert rates["Medarbeider"] == "20 %"  # 10 of 20 + 30
    assert rates["Mellomleder (enhets-/virksomhetsleder)"] == "70 %"
    assert rates["Toppleder (kommunedirektør og ledergruppe)"] == ""  # 3 of 5 is never shown
    # Heimetenesta's count is hidden (see above), so its rate is too.
    assert column(found["Svar per enhet"], 2) == {"Heimetenesta": "", "Sogndal skule": ""}

    again = coordinator.get(url).content.decode()
    assert re.search(rf'name="hc-{heim}-medarbeider" value="30"', again)


def test_bad_headcounts_are_refused_and_keep_the_old_numbers(open_round, coordinator):
    url = reverse("assessment:headcounts", args=["4640", open_round.slug])
    coordinator.post(url, {"hc-0-medarbeider": "20"})
    for bad in ("mange", "-3", "100001", "2.5", "²"):
        response = coordinator.post(url, {"hc-0-medarbeider": "25", "hc-0-stab": bad}, follow=True)
        assert response.status_code == 200
        assert f"«{bad}» er ikke et gyldig antall." in [
            str(m) for m in response.context["messages"]
        ]
        assert list(Headcount.objects.values_list("staff_group", "count")) == [("medarbeider", 20)]


def test_only_the_kommunes_coordinator_sees_the_dashboard(scenario, users):
    for user in ("coordinator_b", "unit_leader", "no_role"):
        client = staff_client(users[user])
        assert dashboard(client, scenario).status_code == 404
        assert (
            client.get(reverse("assessment:headcounts", args=["4640", scenario.slug])).status_code
            == 404
        )
    assert dashboard(staff_client(users["coordinator_b"]), scenario, "1506").status_code == 200
    anonymous = dashboard(Client(), scenario)
    assert anonymous.status_code == 302 and "/konto/logg-inn/" in anonymous["Location"]


def test_dashboard_of_a_kommune_not_in_the_round_is_404(open_round, coordinator):
    molde_only = RoundFactory(
        slug="molde", name="Molde", opens_in=0, days=5, municipality_numbers=["1506"]
    )
    assert dashboard(coordinator, molde_only).status_code == 404
    assert dashboard(coordinator, open_round).status_code == 200
