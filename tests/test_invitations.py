"""Setting up a round and reaching people: rounds by KS (web and command line), a coordinator
joining and maintaining org units, personal e-mail links, printed codes, open links with a QR
poster, reminders, and tokens that are stored only as hashes."""

import io
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Invitation, OpenLink, Participation, Response, Round
from municipalities.models import Municipality, OrgUnit
from tests.helpers import (
    Respondent,
    links_in,
    open_link_path,
    page_url,
    participation,
    staff_client,
)


def dashboard_url(round_, number="4640"):
    return reverse("reports:dashboard", args=[number, round_.slug])


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def db_contains(text: str) -> list[str]:
    """Every model (and decoded session) whose stored values contain `text`."""
    hits = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names).iterator():
            if any(text in str(value) for value in row):
                hits.append(model._meta.label)
                break
    for session in Session.objects.all():
        if text in str(session.get_decoded()):
            hits.append("sessions.Session (decoded)")
    return hits


@pytest.fixture
def coordinator(users):
    return staff_client(users["coordinator_a"])


@pytest.fixture
def send_invites(coordinator, open_round, django_capture_on_commit_callbacks):
    def send(text, number="4640", client=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or coordinator).post(
                reverse("reports:invite_email", args=[number, open_round.slug]),
                {"emails": text},
                follow=True,
            )

    return send


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


# --- personal e-mail links ----------------------------------------------------------------------


def test_one_mail_per_new_address_with_a_working_link(open_round, send_invites):
    response = send_invites(
        "kari@sogndal.kommune.no\nola@sogndal.kommune.no, per@sogndal.kommune.no; kari@sogndal.kommune.no"
    )
    assert "3 invitasjoner er lagt i kø for sending." in messages_on(response)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kari@sogndal.kommune.no",
        "ola@sogndal.kommune.no",
        "per@sogndal.kommune.no",
    ]
    assert all(len(m.to) == 1 for m in mail.outbox)
    paths = [links_in(m)[0] for m in mail.outbox]
    assert len(set(paths)) == 3
    for message, path in zip(mail.outbox, paths, strict=True):
        assert message.subject == "Invitasjon: Runde 2026"
        assert "Svarfrist" in message.body
        person = Respondent()
        person.get(path)
        assert person.path == page_url(0)
        assert "Sogndal" in person.html and f'href="{page_url(1)}"' in person.html
    assert Invitation.objects.filter(kind="email").count() == 3


def test_pasting_the_same_list_twice_sends_nothing_twice(open_round, send_invites):
    send_invites("kari@sogndal.kommune.no\nola@sogndal.kommune.no")
    again = send_invites(" KARI@sogndal.kommune.no \nola@sogndal.kommune.no")
    assert len(mail.outbox) == 2
    assert "0 invitasjoner er lagt i kø for sending." in messages_on(again)
    plus_one = send_invites(
        "kari@sogndal.kommune.no\nola@sogndal.kommune.no\nnils@sogndal.kommune.no"
    )
    assert "1 invitasjoner er lagt i kø for sending." in messages_on(plus_one)
    assert [m.to for m in mail.outbox[2:]] == [["nils@sogndal.kommune.no"]]
    assert Invitation.objects.count() == 3


def test_invalid_address_gives_a_norwegian_error_and_creates_nothing(open_round, send_invites):
    cases = [
        ("ola@@sogndal.no", "ikke gyldige og ble ikke sendt: «ola@@sogndal.no»."),
        ("\n \n", "Lim inn eller last opp minst én e-postadresse."),
        # longer than an address may be (254 characters), though each part looks fine
        ("a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".no", "er ikke gyldige og ble ikke sendt"),
    ]
    for pasted, message in cases:
        response = send_invites(pasted)
        assert response.status_code == 200
        assert message in response.content.decode(), pasted
        assert not Invitation.objects.exists()
        assert mail.outbox == []


def test_a_bad_address_holds_back_nothing_and_stays_in_the_box(open_round, send_invites):
    response = send_invites("kari@sogndal.kommune.no\nikke-en-adresse\nola@sogndal.kommune.no")
    html = response.content.decode()
    assert "2 invitasjoner er lagt i kø for sending." in messages_on(response)
    assert "Disse adressene er ikke gyldige og ble ikke sendt: «ikke-en-adresse»." in html
    # the box keeps the bad address (and only it) to be corrected
    box = re.search(r"<textarea[^>]*name=\"emails\"[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert box.strip() == "ikke-en-adresse"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kari@sogndal.kommune.no",
        "ola@sogndal.kommune.no",
    ]
    corrected = send_invites("ikke-en-adresse@sogndal.kommune.no")
    assert "1 invitasjoner er lagt i kø for sending." in messages_on(corrected)
    assert Invitation.objects.count() == 3


def test_coordinator_of_another_kommune_cannot_invite(users, open_round, send_invites):
    response = send_invites("kari@sogndal.kommune.no", client=staff_client(users["coordinator_b"]))
    assert response.status_code == 404
    assert mail.outbox == [] and not Invitation.objects.exists()


# --- printed codes --------------------------------------------------------------------------------


def _codes_from_pdf(content: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.findall(r"Kode: ([A-Z0-9]{5}(?:-[A-Z0-9]{1,5})+)", text)


def test_printed_codes_come_as_a_pdf_and_work_typed_in_lowercase(open_round, coordinator):
    response = coordinator.post(
        reverse("assessment:printed_codes", args=["4640", open_round.slug]), {"count": "3"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="koder-4640-runde-2026.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 2  # two letters per page
    codes = _codes_from_pdf(response.content)
    assert len(codes) == len(set(codes)) == 3
    assert (
        Invitation.objects.filter(
            kind="printed", participation__municipality__number="4640"
        ).count()
        == 3
    )

    typed = codes[0].lower()  # as someone types it from the letter: lowercase, with the dashes
    person = Respondent()
    person.get(reverse("assessment:enter_code"))
    person.post(reverse("assessment:enter_code"), {"code": f"  {typed} "})
    assert person.path == page_url(0)
    assert f'href="{page_url(1)}"' in person.html
    person.get(page_url(1))
    person.background()
    assert person.path == page_url(2)
    person.answer_dimensions()  # an empty response does not count
    person.submit()
    assert Response.objects.count() == 1

    # the same code again: already answered; another code still works
    again = Respondent()
    again.post(reverse("assessment:enter_code"), {"code": typed})
    assert again.r.status_code == 409
    second = Respondent()
    second.post(reverse("assessment:enter_code"), {"code": codes[1].replace("-", " ")})
    assert second.path == page_url(0)

    for code in codes:
        assert db_contains(code.replace("-", "")) == []


def test_wrong_code_gives_a_norwegian_message(open_round):
    person = Respondent()
    person.post(reverse("assessment:enter_code"), {"code": "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-3"})
    assert person.r.status_code == 200
    assert "Vi fant ingen gyldig kode. Sjekk at du har skrevet den riktig." in person.html
    person.post(reverse("assessment:enter_code"), {"code": ""})
    assert "Skriv inn koden fra brevet." in person.html


def test_printed_codes_need_a_sensible_count(open_round, coordinator):
    for count in ["0", "501", "mange", "", "²"]:
        response = coordinator.post(
            reverse("assessment:printed_codes", args=["4640", open_round.slug]),
            {"count": count},
            follow=True,
        )
        assert response["Content-Type"].startswith("text/html")
        assert "Velg mellom 1 og 500 koder." in messages_on(response)
        assert not Invitation.objects.exists()


# --- open links and the poster ------------------------------------------------------------------


def test_open_link_poster_has_an_svg_qr_and_a_working_address(open_round, coordinator):
    response = coordinator.post(
        reverse("assessment:open_link_create", args=["4640", open_round.slug]),
        {"unit": ""},
        follow=True,
    )
    link = OpenLink.objects.get()
    assert response.wsgi_request.path == reverse(
        "assessment:poster", args=["4640", open_round.slug, link.pk]
    )
    html = response.content.decode()
    assert re.search(r"<svg[^>]*>.*<path", html, re.S)
    assert "QR-kode til undersøkelsen" in html
    assert "Sei meininga di – anonymt!" in html  # Sogndal: nynorsk, its målform
    url = re.search(r'id="open-link-url">([^<]+)<', html)[1]
    assert url.startswith("http://testserver/apen/")

    token = url.rstrip("/").rsplit("/", 1)[1]
    assert token not in str(list(OpenLink.objects.values_list()))
    assert db_contains(token) == []

    person = Respondent()
    person.get(url.removeprefix("http://testserver"))
    assert person.r.status_code == 200
    assert '<option value="nn" lang="nn" selected>' in person.html  # Sogndal: nynorsk preselected
    person.post(person.path, {"language": "nn"})
    assert person.path == page_url(1)

    # the dashboard lists the link and can show the poster again with the same address
    dashboard = coordinator.get(dashboard_url(open_round)).content.decode()
    assert "Hele kommunen" in dashboard
    again = coordinator.get(reverse("assessment:poster", args=["4640", open_round.slug, link.pk]))
    assert url in again.content.decode()


def test_open_link_for_a_unit_fills_in_unit_and_sector(open_round, users, sogndal_units):
    unit = sogndal_units["skule"]
    path = open_link_path(users["coordinator_a"], open_round, unit=unit)
    person = Respondent()
    person.post(path, {"language": "nb"})
    assert re.search(rf'<option value="{unit.pk}" selected>', person.html)
    assert re.search(r'name="sector" value="oppvekst" id="[^"]+" checked', person.html)
    person.post(
        page_url(1),
        {"staff_group": "medarbeider", "sector": "oppvekst", "unit": unit.pk, "nav": "next"},
    )
    person.answer_dimensions()
    person.submit()
    assert Response.objects.get().unit == unit


def test_closing_an_open_link_stops_it(open_round, users, coordinator):
    path = open_link_path(users["coordinator_a"], open_round)
    link = OpenLink.objects.get()
    response = coordinator.post(
        reverse("assessment:open_link_deactivate", args=["4640", open_round.slug, link.pk]),
        follow=True,
    )
    assert "Lenken er stengt og kan ikke brukes lenger." in messages_on(response)
    assert Client().get(path).status_code == 404
    assert Client().post(path, {"language": "nb"}).status_code == 404


# --- tokens are stored only as hashes ---------------------------------------------------------------


def test_invitation_tokens_are_nowhere_in_the_database(open_round, send_invites):
    send_invites("kari@sogndal.kommune.no\nola@sogndal.kommune.no")
    tokens = [links_in(m)[0].rstrip("/").rsplit("/", 1)[1] for m in mail.outbox]
    person = Respondent()
    person.get(links_in(mail.outbox[0])[0])  # a session and a draft exist too
    person.background()
    for token in tokens:
        assert len(token) >= 32
        for row in Invitation.objects.values_list():
            assert all(token not in str(value) for value in row)
        assert db_contains(token) == []


# --- reminders ----------------------------------------------------------------------------------


def test_reminders_reach_only_those_who_have_not_answered(
    open_round, coordinator, send_invites, django_capture_on_commit_callbacks
):
    send_invites("kari@sogndal.kommune.no\nola@sogndal.kommune.no\nper@sogndal.kommune.no")
    first_links = {m.to[0]: links_in(m)[0] for m in mail.outbox}

    kari = Respondent()
    kari.get(first_links["kari@sogndal.kommune.no"])
    kari.background()
    kari.answer_dimensions()
    kari.submit()
    assert kari.path == reverse("assessment:thanks")

    ola = Respondent()  # Ola has started but not finished
    ola.get(first_links["ola@sogndal.kommune.no"])
    ola.background(staff_group="stab", sector="administrasjon")
    ola.answer_page("5")

    dashboard = coordinator.get(dashboard_url(open_round)).content.decode()
    assert "Send påminnelse til 2 som ikke har svart" in dashboard
    assert "Personlige lenker på e-post: 3 sendt, 1 brukt." in dashboard

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("assessment:remind", args=["4640", open_round.slug]), follow=True
        )
    assert "Påminnelse lagt i kø til 2 som ikke har svart." in messages_on(response)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ola@sogndal.kommune.no",
        "per@sogndal.kommune.no",
    ]
    # a reminder, in Sogndal's nynorsk where the translations are installed
    assert all(
        m.subject in ("Påminning: Runde 2026", "Påminnelse: Runde 2026") for m in mail.outbox
    )
    new_links = {m.to[0]: links_in(m)[0] for m in mail.outbox}

    # the old links of reminded people stop working; Kari's used link still says "already answered"
    for email in ("ola@sogndal.kommune.no", "per@sogndal.kommune.no"):
        old = Client().get(first_links[email])
        assert old.status_code == 404
        assert "Lenken virker ikke" in old.content.decode()
    assert Client().get(first_links["kari@sogndal.kommune.no"]).status_code == 409

    # Ola's new link resumes his draft on any device
    ola_pc = Respondent()
    ola_pc.get(new_links["ola@sogndal.kommune.no"])
    assert ola_pc.path == page_url(3)
    ola_pc.answer_dimensions("5")
    ola_pc.submit()
    assert Response.objects.count() == 2
    assert set(Response.objects.values_list("staff_group", flat=True)) == {"medarbeider", "stab"}

    # a second reminder goes to Per only
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("assessment:remind", args=["4640", open_round.slug]))
    assert [m.to for m in mail.outbox] == [["per@sogndal.kommune.no"]]


def test_no_reminders_once_the_round_is_closed(
    open_round, coordinator, send_invites, django_capture_on_commit_callbacks, today
):
    send_invites("kari@sogndal.kommune.no")
    Round.objects.filter(pk=open_round.pk).update(
        opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=1)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("assessment:remind", args=["4640", open_round.slug]), follow=True
        )
    assert "Påminnelser kan bare sendes mens runden er åpen." in messages_on(response)
    assert mail.outbox == []


def test_no_new_links_for_a_closed_round(open_round, coordinator, send_invites, today):
    Round.objects.filter(pk=open_round.pk).update(
        opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=1)
    )
    response = send_invites("kari@sogndal.kommune.no")
    assert "Runden er stengt. Det kan ikke lages nye lenker." in response.content.decode()
    assert "kari@sogndal.kommune.no" in response.content.decode()  # the text is kept
    codes = coordinator.post(
        reverse("assessment:printed_codes", args=["4640", open_round.slug]),
        {"count": "2"},
        follow=True,
    )
    assert "Runden er stengt. Det kan ikke lages nye lenker." in messages_on(codes)
    link = coordinator.post(
        reverse("assessment:open_link_create", args=["4640", open_round.slug]),
        {"unit": ""},
        follow=True,
    )
    assert "Runden er stengt. Det kan ikke lages nye lenker." in messages_on(link)
    assert not Invitation.objects.exists() and mail.outbox == []
    assert participation(open_round, "4640").open_links.count() == 0
