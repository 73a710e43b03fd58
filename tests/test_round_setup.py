"""Setting up a round: KS creates it in the web UI or with the `create_round` command (bad input
refused in Norwegian, only KS may), and the coordinator joins it and maintains the kommune's
organisational units."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from assessment.models import Participation, Round
from municipalities.models import Municipality, OrgUnit
from tests.helpers import (
    Respondent,
    dashboard_url,
    messages_on,
    open_link_path,
    staff_client,
)

# --- rounds -------------------------------------------------------------------------------------


def _round_form(today, **overrides):
    data = {
        "name": "Høst 2026",
        "slug": "host-2026",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "min_group_size": "5",
        "confirm_overlap": "on",  # the fixtures' round overlaps (tests/test_first_use_rounds.py)
    }
    data["instrument"] = overrides.pop("instrument")
    data.update(overrides)
    return data


def test_ks_creates_a_round_in_the_web_ui(users, instrument, today):
    ks = staff_client(users["ks"])
    form = ks.get(reverse("assessment:round_create"))
    assert form.status_code == 200
    assert "Ny runde" in form.content.decode()

    response = ks.post(
        reverse("assessment:round_create"),
        _round_form(today, instrument=instrument.pk, min_group_size="7", include_folkevalgte="on"),
        follow=True,
    )
    assert response.wsgi_request.path == reverse("assessment:round_list")
    assert "Runden «Høst 2026» er opprettet." in messages_on(response)
    assert "Høst 2026" in response.content.decode()
    round_ = Round.objects.get(slug="host-2026")
    assert (round_.min_group_size, round_.include_folkevalgte, round_.instrument) == (
        7,
        True,
        instrument,
    )
    assert round_.opens_on == today


def test_round_creation_refuses_bad_input_in_norwegian(users, instrument, settings, today):
    ks = staff_client(users["ks"])
    url = reverse("assessment:round_create")
    settings.MIN_GROUP_SIZE = 6
    too_small = ks.post(url, _round_form(today, instrument=instrument.pk, min_group_size="5"))
    assert too_small.status_code == 200
    assert (
        "Minste gruppestørrelse kan ikke være lavere enn 6 i denne installasjonen."
        in too_small.content.decode()
    )

    backwards = ks.post(
        url,
        _round_form(
            today, instrument=instrument.pk, closes_on=(today - timedelta(days=1)).isoformat()
        ),
    )
    assert "Runden kan ikke stenge før den åpner." in backwards.content.decode()
    assert not Round.objects.filter(slug="host-2026").exists()

    ks.post(url, _round_form(today, instrument=instrument.pk, min_group_size="6"))
    duplicate = ks.post(
        url, _round_form(today, instrument=instrument.pk, min_group_size="6", name="En annen")
    )
    assert "Det finnes allerede en runde med kortnavnet «host-2026»." in duplicate.content.decode()
    assert Round.objects.filter(slug="host-2026").count() == 1


def test_only_ks_can_create_rounds(users, instrument, today):
    for user in ("coordinator_a", "unit_leader", "no_role"):
        client = staff_client(users[user])
        assert client.get(reverse("assessment:round_create")).status_code == 404
        client.post(
            reverse("assessment:round_create"), _round_form(today, instrument=instrument.pk)
        )
    assert not Round.objects.filter(slug="host-2026").exists()
    anonymous = Client().get(reverse("assessment:round_create"))
    assert anonymous.status_code == 302 and "/konto/logg-inn/" in anonymous["Location"]


def test_create_round_command_for_all_kommuner(municipalities, instrument):
    out = io.StringIO()
    call_command(
        "create_round",
        "nasjonal-2026",
        "--name",
        "Nasjonal 2026",
        "--opens",
        "2026-09-01",
        "--closes",
        "2026-10-15",
        "--municipalities",
        "all",
        "--min-group-size",
        "6",
        stdout=out,
    )
    round_ = Round.objects.get(slug="nasjonal-2026")
    assert round_.participations.count() == Municipality.objects.count() == 357
    assert (round_.opens_on.isoformat(), round_.closes_on.isoformat(), round_.min_group_size) == (
        "2026-09-01",
        "2026-10-15",
        6,
    )
    assert "357 kommuner" in out.getvalue()


def test_create_round_command_for_some_kommuner(municipalities, instrument):
    call_command(
        "create_round",
        "vest-2026",
        "--name",
        "Vest",
        "--municipalities",
        "4640, 1506",
        stdout=io.StringIO(),
    )
    numbers = set(Participation.objects.values_list("municipality__number", flat=True))
    assert numbers == {"4640", "1506"}
    assert Round.objects.get(slug="vest-2026").min_group_size == 5


def test_create_round_command_refuses_bad_input(municipalities, instrument):
    cases = [
        (["--min-group-size", "4"], "Minste gruppestørrelse kan ikke være lavere enn 5"),
        (["--min-group-size", "2"], "Minste gruppestørrelse kan ikke være lavere enn 5"),
        (["--municipalities", "4640,9999"], "Ukjente kommunenummer: 9999"),
        (["--opens", "1.9.2026"], "er ikke en dato på formen ÅÅÅÅ-MM-DD"),
        (
            ["--opens", "2026-09-10", "--closes", "2026-09-01"],
            "Runden kan ikke stenge før den åpner.",
        ),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("create_round", "feil", "--name", "Feil", *args, stdout=io.StringIO())
        assert not Round.objects.exists()
        assert not Participation.objects.exists()


# --- the coordinator joins and sets up the kommune --------------------------------------------


def test_coordinator_joins_a_round_created_by_ks(users, open_round, coordinator, today):
    ks_round = Round.objects.create(
        slug="var-2027",
        name="Vår 2027",
        instrument=open_round.instrument,
        opens_on=today + timedelta(days=5),
        closes_on=today + timedelta(days=40),
        min_group_size=5,
    )
    page = coordinator.get(reverse("assessment:municipality_rounds", args=["4640"]))
    assert "Runder kommunen kan bli med i" in page.content.decode()
    assert "Vår 2027" in page.content.decode()

    joined = coordinator.post(reverse("assessment:join", args=["4640", ks_round.slug]), follow=True)
    assert joined.wsgi_request.path == dashboard_url(ks_round)
    assert "Kommunen er med i «Vår 2027»." in messages_on(joined)
    coordinator.post(reverse("assessment:join", args=["4640", ks_round.slug]))
    assert Participation.objects.filter(round=ks_round).count() == 1

    # a coordinator of another kommune cannot join on Sogndal's behalf
    other = staff_client(users["coordinator_b"])
    assert other.post(reverse("assessment:join", args=["4640", "var-2027"])).status_code == 404
    assert other.get(dashboard_url(ks_round)).status_code == 404


def test_a_closed_round_cannot_be_joined(users, open_round, coordinator, today):
    closed = Round.objects.create(
        slug="gammel",
        name="Gammel runde",
        instrument=open_round.instrument,
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=1),
        min_group_size=5,
    )
    page = coordinator.get(reverse("assessment:municipality_rounds", args=["4640"]))
    assert "Gammel runde" not in page.content.decode()
    response = coordinator.post(reverse("assessment:join", args=["4640", closed.slug]), follow=True)
    assert "Runden er stengt, og kommunen kan ikke bli med nå." in messages_on(response)
    assert not Participation.objects.filter(round=closed).exists()


def test_coordinator_maintains_org_units(users, open_round, coordinator):
    url = reverse("municipalities:units", args=["4640"])
    added = coordinator.post(url, {"name": "Kyrkjebø barnehage", "sector": "oppvekst"}, follow=True)
    assert "Enheten «Kyrkjebø barnehage» er lagt til." in messages_on(added)
    assert "Kyrkjebø barnehage" in added.content.decode()
    unit = OrgUnit.objects.get(name="Kyrkjebø barnehage")
    assert unit.municipality.number == "4640" and unit.sector_id == "oppvekst"

    sub = coordinator.post(
        url, {"name": "Småbarn", "sector": "oppvekst", "parent": unit.pk}, follow=True
    )
    assert "Småbarn" in sub.content.decode()
    assert OrgUnit.objects.get(name="Småbarn").parent == unit

    duplicate = coordinator.post(url, {"name": "kyrkjebø BARNEHAGE", "sector": "oppvekst"})
    assert (
        "Kommunen har allerede en enhet som heter «kyrkjebø BARNEHAGE»."
        in duplicate.content.decode()
    )
    wrong_sector = coordinator.post(url, {"name": "Feil", "sector": "kultur", "parent": unit.pk})
    assert (
        "En underenhet må høre til samme sektor som den overordnede."
        in wrong_sector.content.decode()
    )
    assert OrgUnit.objects.filter(municipality__number="4640").count() == 4  # 2 from the fixture

    coordinator.post(
        reverse("municipalities:unit_edit", args=["4640", unit.pk]), {"name": "Kyrkjebø bhg."}
    )
    unit.refresh_from_db()
    assert unit.name == "Kyrkjebø bhg."

    # the respondents see the units in the background question
    person = Respondent()
    person.get(open_link_path(users["coordinator_a"], open_round))
    person.post(person.path, {"language": "nb"})
    assert "Kyrkjebø bhg." in person.html

    # another kommune's coordinator can neither see nor change them
    other = staff_client(users["coordinator_b"])
    assert other.get(url).status_code == 404
    assert other.post(url, {"name": "Innbrudd", "sector": "kultur"}).status_code == 404
    assert (
        other.post(
            reverse("municipalities:unit_edit", args=["4640", unit.pk]), {"name": "X"}
        ).status_code
        == 404
    )
    assert not OrgUnit.objects.filter(name__in=["Innbrudd", "X"]).exists()
