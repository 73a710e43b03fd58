"""The kommune fact sheet (issue 13, item 6): the coordinator answers it per round, it is shown
beside the radar in the published report and to KS in the benchmark, and frozen when the round
is published."""

import pytest

from assessment.models import Participation
from municipalities.models import FACT_QUESTIONS, FactSheet
from tests.conftest import publish

URL = "/kommune/4640/runder/runde-2026/faktaark/"


def _answers(**overrides):
    data = {name: "vet_ikke" for name, _q in FACT_QUESTIONS}
    data.update(innovation_strategy="ja", budget_line="nei", ks_tools=["blt", "slik"])
    data["services_scaled"] = "3"
    data.update(overrides)
    return data


def test_coordinator_fills_in_the_fact_sheet(client, users):
    client.force_login(users["coordinator_a"])
    page = client.get(URL)
    assert page.status_code == 200
    assert "Har kommunen vedtatt en innovasjonsstrategi" in page.content.decode()
    response = client.post(URL, _answers())
    assert response.status_code == 302
    sheet = FactSheet.objects.get(participation__municipality__number="4640")
    assert sheet.innovation_strategy is True and sheet.budget_line is False
    assert sheet.idea_arena is None
    assert sheet.ks_tools == ["blt", "slik"] and sheet.services_scaled == 3
    # The form shows the saved answers when it is opened again.
    again = client.get(URL).content.decode()
    assert 'value="ja" checked' in again.replace('checked=""', "checked") or "checked" in again


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("services_scaled", "-1", "Antallet kan ikke være negativt."),
        ("services_scaled", "tre", "Skriv et helt tall."),
        ("innovation_strategy", "kanskje", "Velg et gyldig valg"),
        ("ks_tools", ["ukjent"], "Velg et gyldig valg"),
    ],
)
def test_bad_input_gives_a_norwegian_error_and_changes_nothing(
    client, users, field, value, message
):
    client.force_login(users["coordinator_a"])
    client.post(URL, _answers())
    before = FactSheet.objects.values().get()
    response = client.post(URL, _answers(**{field: value, "budget_line": "ja"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Faktaarket ble ikke lagret" in html and message in html
    assert FactSheet.objects.values().get() == before


def test_other_kommuners_coordinator_gets_404(client, users):
    client.force_login(users["coordinator_b"])
    assert client.get(URL).status_code == 404
    assert client.post(URL, _answers()).status_code == 404
    assert not FactSheet.objects.exists()


def test_fact_sheet_is_frozen_when_the_round_is_published(client, users, filled_round):
    client.force_login(users["coordinator_a"])
    client.post(URL, _answers())
    publish(filled_round)
    page = client.get(URL).content.decode()
    assert 'id="frozen"' in page and "<form" not in page.split('id="frozen"')[1].split("</main>")[0]
    response = client.post(URL, _answers(innovation_strategy="nei"))
    assert "kan ikke endres lenger" in response.content.decode()
    assert FactSheet.objects.get().innovation_strategy is True


def test_report_shows_the_fact_sheet_beside_the_radar(client, users, filled_round):
    client.force_login(users["coordinator_a"])
    client.post(URL, _answers())
    publish(filled_round)
    html = client.get("/runder/runde-2026/kommuner/4640/").content.decode()
    facts = html.split('id="fact-sheet"')[1].split("</table>")[0]
    assert "Har kommunen vedtatt en innovasjonsstrategi" in facts and "Ja" in facts
    assert "Behov – Løsning – Test" in facts
    # Molde filled in nothing: its report says so.
    client.force_login(users["coordinator_b"])
    html = client.get("/runder/runde-2026/kommuner/1506/").content.decode()
    assert 'id="no-fact-sheet"' in html


def test_ks_sees_the_fact_sheets_in_the_benchmark(client, users, filled_round):
    client.force_login(users["coordinator_a"])
    client.post(URL, _answers())
    publish(filled_round)
    client.force_login(users["ks"])
    html = client.get("/runder/runde-2026/sammenligning/").content.decode()
    table = html.split('id="fact-sheet-table"')[1].split("</table>")[0]
    assert "Sogndal" in table and "ikke fylt ut" in table  # Molde has none
    # Coordinators do not get the table of other kommuners' fact sheets.
    client.force_login(users["coordinator_b"])
    assert (
        'id="fact-sheet-table"'
        not in client.get("/runder/runde-2026/sammenligning/").content.decode()
    )


def test_fact_sheet_belongs_to_one_round(users, filled_round):
    participation = Participation.objects.get(round=filled_round, municipality__number="4640")
    from municipalities.services import save_fact_sheet

    save_fact_sheet(participation=participation, facts={"innovation_strategy": True})
    assert FactSheet.objects.get().participation == participation
