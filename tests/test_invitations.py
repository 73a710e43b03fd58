"""Inviting respondents: personal e-mail links (one mail per new address, Norwegian errors),
printed codes as a PDF, open links with an SVG QR poster, tokens stored only as hashes, and
reminders to those who have not answered while the round is open."""

import io
import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Invitation, OpenLink, Response, Round
from tests.helpers import (
    Respondent,
    dashboard_url,
    db_contains,
    links_in,
    messages_on,
    open_link_path,
    page_url,
    participation,
    pdf_text,
    staff_client,
)

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
    text = pdf_text(content)
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
