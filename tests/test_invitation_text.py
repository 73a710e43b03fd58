"""Invitations in the kommune's målform (posters, code letters and e-mails alike), and the
coordinator's own invitation text, edited per round with a preview."""

from django.core import mail
from django.urls import reverse

from assessment.models import InvitationText
from tests.helpers import Respondent, links_in, page_url, pdf_text, staff_client


def test_posters_letters_and_mails_use_the_kommunes_malform(
    users, open_round, django_capture_on_commit_callbacks
):
    sogndal = staff_client(users["coordinator_a"])  # 4640 Sogndal: nynorsk
    molde = staff_client(users["coordinator_b"])  # 1506 Molde: bokmål
    for client, number, expected, other in (
        (sogndal, "4640", "Sei meininga di – anonymt!", "Si din mening – anonymt!"),
        (molde, "1506", "Si din mening – anonymt!", "Sei meininga di – anonymt!"),
    ):
        poster = client.post(
            reverse("assessment:open_link_create", args=[number, open_round.slug]),
            {"unit": ""},
            follow=True,
        ).content.decode()
        assert expected in poster and other not in poster, number
        # the page around the poster stays in the coordinator's language
        assert "Skriv ut denne siden som plakat." in poster

    letters = sogndal.post(
        reverse("assessment:printed_codes", args=["4640", open_round.slug]), {"count": "2"}
    )
    text = pdf_text(letters.content)
    assert "ei kort, anonym undersøking" in text
    molde_letters = molde.post(
        reverse("assessment:printed_codes", args=["1506", open_round.slug]), {"count": "2"}
    )
    assert "en kort, anonym undersøkelse" in pdf_text(molde_letters.content)

    with django_capture_on_commit_callbacks(execute=True):
        sogndal.post(
            reverse("reports:invite_email", args=["4640", open_round.slug]),
            {"emails": "kari@sogndal.kommune.no"},
        )
    (message,) = mail.outbox
    assert "Lenkja er personleg og kan brukast éin gong." in message.body


def test_the_invitation_text_is_edited_with_a_preview_and_used_in_the_mails(
    users, open_round, django_capture_on_commit_callbacks
):
    client = staff_client(users["coordinator_a"])
    url = reverse("assessment:invitation_text", args=["4640", open_round.slug])
    intro = "Hei!\nKommunedirektøren vil vite korleis du har det på jobb."
    preview = client.post(url, {"intro": intro, "preview": "1"}).content.decode()
    assert 'id="invitation-preview"' in preview
    assert "Kommunedirektøren vil vite korleis du har det på jobb." in preview
    assert "/svar/EKSEMPEL/" in preview
    assert "Lenkja er personleg" in preview  # the fixed parts, in Sogndal's nynorsk
    assert not InvitationText.objects.exists()  # a preview saves nothing

    saved = client.post(url, {"intro": intro, "save": "1"}, follow=True)
    assert "Invitasjonsteksten er lagret." in saved.content.decode()
    assert intro in client.get(url).content.decode()  # shown again for the next edit

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:invite_email", args=["4640", open_round.slug]),
            {"emails": "kari@sogndal.kommune.no"},
        )
    (message,) = mail.outbox
    assert message.body.startswith(intro)
    assert "vil gjerne høre" not in message.body and "vil gjerne høyre" not in message.body
    person = Respondent()
    person.get(links_in(message)[0])
    assert person.path == page_url(0)

    # too long: a Norwegian error, the text kept, nothing changed
    too_long = client.post(url, {"intro": "x" * 2001, "save": "1"}).content.decode()
    assert "Teksten kan være høyst 2000 tegn lang." in too_long
    assert InvitationText.objects.get().intro == intro
    # empty restores the standard text
    client.post(url, {"intro": "", "save": "1"})
    assert not InvitationText.objects.exists()


def test_another_kommunes_coordinator_cannot_read_or_change_the_text(users, open_round):
    other = staff_client(users["coordinator_b"])
    url = reverse("assessment:invitation_text", args=["4640", open_round.slug])
    assert other.get(url).status_code == 404
    assert other.post(url, {"intro": "Innbrudd", "save": "1"}).status_code == 404
    assert not InvitationText.objects.exists()
