"""Issue 12, leaks 7-10: no time or order trail of a submission, invitations that neither tell
who answered nor let anyone answer twice, no ballot stuffing through an open link, and drafts
and addresses that live exactly as long as their round is open (domain.md §6)."""

import io
import random
from datetime import time, timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import ratelimit, services
from assessment.bulk import store_responses
from assessment.importing import import_responses
from assessment.models import (
    Answer,
    Draft,
    Invitation,
    InvitedAddress,
    Response,
    ResponseChoice,
    ResponseScore,
    ResponseSource,
    Round,
)
from assessment.synthetic import synthetic_rows
from tests.factories import RoundFactory
from tests.helpers import (
    SUBMIT,
    Respondent,
    dashboard_url,
    invite,
    messages_on,
    open_link_path,
    page_url,
    participation,
    resume_code_in,
    staff_client,
)
from tests.test_import import build_rows, to_csv

RESPONSE_MODELS = [Response, Answer, ResponseScore, ResponseChoice]

# --- leak 7: submit time and order --------------------------------------------------------------


@pytest.mark.parametrize("model", RESPONSE_MODELS, ids=lambda m: m.__name__)
def test_response_keys_are_not_auto_increment_fields(model):
    assert not isinstance(model._meta.pk, models.AutoField)


@pytest.mark.django_db(transaction=True)
def test_sorting_keys_does_not_give_the_order_of_submission(open_round, spec):
    """Thirty submissions one after another (through the COPY path on PostgreSQL): neither the
    responses' keys nor those of their answers, scores and choices follow that order."""
    sogndal = participation(open_round, "4640")
    rng = random.Random(3)
    submitted = []
    for _ in range(30):
        (row,) = synthetic_rows(
            spec=spec, municipality_id=sogndal.municipality_id, count=1, rng=rng
        )
        row.barriers = row.barriers or [spec.barriers[0].code]
        before = set(Response.objects.values_list("pk", flat=True))
        store_responses(round_=open_round, rows=[row], source=ResponseSource.WEB)
        (new,) = set(Response.objects.values_list("pk", flat=True)) - before
        submitted.append(new)
    assert sorted(submitted) != submitted
    assert sorted(submitted, reverse=True) != submitted
    for part in (Answer, ResponseScore, ResponseChoice):
        by_key = part.objects.order_by("pk").values_list("response_id", flat=True)
        first_seen = list(dict.fromkeys(by_key))
        assert first_seen != submitted, part.__name__


def test_nothing_keeps_the_time_of_a_submission(open_round, users):
    """After a submission, no row anywhere holds a time of day written by it, and the session
    expires at a midnight (Django would set submit time + 14 days)."""
    path = open_link_path(users["coordinator_b"], open_round, number="1506")
    person = Respondent()
    person.post(path, {"language": "nb"})
    person.background()
    person.answer_dimensions()
    person.choices()
    started = timezone.now()
    person.submit()
    assert "Takk for svarene dine!" in person.html

    (session,) = Session.objects.filter(session_key=person.client.session.session_key)
    assert session.get_decoded().get("respondent_submitted") is True
    assert timezone.localtime(session.expire_date).time() == time(0)
    assert session.expire_date > started + timedelta(days=13)

    written = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, models.DateTimeField)
                and model is not Session
                and model.objects.filter(**{f"{field.name}__gte": started}).exists()
            ):
                written.append(f"{model.__name__}.{field.name}")
    assert written == []


# --- leak 8: re-entering an address -------------------------------------------------------------


def test_reentering_an_address_answers_the_same_whether_or_not_the_person_answered(
    open_round, users, django_capture_on_commit_callbacks
):
    sogndal = participation(open_round, "4640")
    kari_link = invite(sogndal, "kari@sogndal.kommune.no", django_capture_on_commit_callbacks)
    invite(sogndal, "ola@sogndal.kommune.no", django_capture_on_commit_callbacks)
    kari = Respondent()
    kari.get(kari_link)
    kari.complete()
    assert kari.path == reverse("assessment:thanks")
    assert Invitation.objects.filter(email="kari@sogndal.kommune.no").count() == 0

    coordinator = staff_client(users["coordinator_a"])
    url = reverse("reports:invite_email", args=["4640", open_round.slug])
    mail.outbox.clear()
    answers = {}
    for email in ("kari@sogndal.kommune.no", "ola@sogndal.kommune.no"):
        with django_capture_on_commit_callbacks(execute=True):
            response = coordinator.post(url, {"emails": f" {email.upper()} "}, follow=True)
        answers[email] = messages_on(response)
    assert answers["kari@sogndal.kommune.no"] == answers["ola@sogndal.kommune.no"]
    assert "0 invitasjoner er lagt i kø for sending." in answers["kari@sogndal.kommune.no"]
    assert mail.outbox == []  # Kari gets no second link, so she cannot answer twice
    assert Invitation.objects.filter(participation=sogndal).count() == 2

    # the keyed hashes hold no address and point at no invitation
    assert InvitedAddress.objects.filter(participation=sogndal).count() == 2
    assert not any(f.is_relation and f.name != "participation" for f in InvitedAddress._meta.fields)
    hashes = " ".join(InvitedAddress.objects.values_list("address_hash", flat=True))
    assert "kari" not in hashes and "sogndal" not in hashes


def test_the_same_address_can_be_invited_in_another_kommune(
    open_round, django_capture_on_commit_callbacks
):
    sogndal, molde = participation(open_round, "4640"), participation(open_round, "1506")
    invite(sogndal, "kari@example.no", django_capture_on_commit_callbacks)
    invite(molde, "kari@example.no", django_capture_on_commit_callbacks)
    hashes = set(InvitedAddress.objects.values_list("address_hash", flat=True))
    assert len(hashes) == 2  # a salt per participation: the hashes cannot be matched up


# --- leak 9: ballot stuffing --------------------------------------------------------------------


@pytest.fixture
def open_path(open_round, users):
    return open_link_path(users["coordinator_b"], open_round, number="1506")


def test_an_empty_response_does_not_count_and_the_respondent_can_go_back(open_path, spec):
    person = Respondent()
    person.post(open_path, {"language": "nb"})
    person.background()
    person.answer_page("4")  # one dimension of eleven
    review = page_url(person.page[1])
    person.get(review)
    assert person.on_review_page
    assert "Svaret ditt teller bare når du har svart på minst" in person.html
    assert "Send inn svarene" not in person.html

    person.submit()  # posting anyway stores nothing and brings the person back to the review
    assert Response.objects.count() == 0
    assert person.path == review
    assert "Gå tilbake og svar på flere påstander" in person.html

    person.get(page_url(3))
    person.answer_dimensions("3")
    person.choices()
    assert "Svaret ditt teller bare" not in person.html
    person.submit()
    assert "Takk for svarene dine!" in person.html
    assert Response.objects.count() == 1


def test_all_vet_ikke_counts_because_not_knowing_is_an_answer(open_path):
    person = Respondent()
    person.post(open_path, {"language": "nb"})
    person.background()
    person.answer_dimensions("x")
    person.choices()
    person.submit()
    assert "Takk for svarene dine!" in person.html
    assert Response.objects.count() == 1


def test_import_refuses_a_row_that_answers_too_little(open_round, spec):
    rows = build_rows(spec, 5)
    rows[3].update(staff_group="medarbeider")
    for code in spec.items:
        rows[3][code] = ""
    rows[3]["STR1"] = "4"
    with pytest.raises(ValidationError) as info:
        import_responses(round_=open_round, raw=to_csv(rows).encode())
    (message,) = info.value.messages
    assert message.startswith("Linje 5, kolonne «STR2»: bare 1 av de ")
    assert "Et svar teller bare når minst" in message
    assert Response.objects.count() == 0


def test_thirty_posts_in_a_minute_from_one_client_do_not_make_thirty_drafts(open_path):
    client = Client()
    statuses = [client.post(open_path, {"language": "nb"}).status_code for _ in range(30)]
    assert Draft.objects.count() <= 4
    assert statuses.count(429) >= 26
    refused = client.post(open_path, {"language": "nb"})
    assert "Vent noen minutter" in refused.content.decode()

    # without cookies (a new session each time) the address still limits, though high enough
    # for a staff meeting behind one kommune address (60 in 10 minutes)
    statuses = [Client().post(open_path, {"language": "nb"}).status_code for _ in range(80)]
    assert statuses.count(429) >= 20
    assert Draft.objects.count() <= 60


def test_submissions_from_one_client_are_limited(open_path, monkeypatch):
    """Drafts started over twenty minutes and then submitted in a burst: the submission limit
    holds as well."""
    start = 1_800_000_000.0  # on the hour
    client = Client()
    codes = []
    for window in range(2):
        monkeypatch.setattr(ratelimit, "_now", lambda w=window: start + w * 11 * 60)
        for _ in range(3):
            person = Respondent(client)
            person.post(open_path, {"language": "nb"})
            codes.append(resume_code_in(person.html))
            person.background()
            person.answer_dimensions()
    assert Draft.objects.count() == 6

    monkeypatch.setattr(ratelimit, "_now", lambda: start + 22 * 60)
    statuses = []
    for code in codes:
        Respondent(client).post(reverse("assessment:resume"), {"code": code})
        statuses.append(client.post(SUBMIT).status_code)
    assert statuses == [302] * 4 + [429] * 2
    assert Response.objects.count() == 4
    assert Draft.objects.count() == 2  # the refused ones are kept, to be sent later


def test_ten_colleagues_on_one_shared_pc_within_an_hour_all_get_their_answer_in(
    open_path, monkeypatch
):
    client = Client()  # one browser in the break room, same cookies and address for everybody
    start = 1_800_000_000.0  # on the hour
    for colleague in range(10):
        monkeypatch.setattr(ratelimit, "_now", lambda c=colleague: start + c * 6 * 60)
        person = Respondent(client)
        person.post(open_path, {"language": "nb"})
        assert person.r.status_code == 200, colleague
        person.complete(staff_group="medarbeider", sector="helse_omsorg")
        assert "Takk for svarene dine!" in person.html, colleague
    assert Response.objects.count() == 10


# --- leak 10: drafts and addresses live as long as the round --------------------------------------


def _on_day(monkeypatch, day):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_extending_a_round_keeps_its_drafts(open_round, open_path, monkeypatch):
    person = Respondent()
    person.post(open_path, {"language": "nb"})
    code = resume_code_in(person.html)
    person.background()
    today = timezone.localdate()
    Round.objects.filter(pk=open_round.pk).update(closes_on=today + timedelta(days=40))

    _on_day(monkeypatch, today + timedelta(days=25))  # after the original closing date
    call_command("purge_drafts", stdout=io.StringIO())
    assert Draft.objects.count() == 1
    later = Respondent()
    later.post(reverse("assessment:resume"), {"code": code})
    assert later.path == page_url(2)
    later.get(reverse("assessment:paused"))
    assert "Du kan fortsette til" in later.html
    assert (today + timedelta(days=40)).strftime("%Y") in later.html

    _on_day(monkeypatch, today + timedelta(days=41))
    call_command("purge_drafts", stdout=io.StringIO())
    assert Draft.objects.count() == 0


def test_closing_a_round_early_purges_drafts_and_unused_addresses(
    open_round, open_path, django_capture_on_commit_callbacks
):
    molde = participation(open_round, "1506")
    kari_link = invite(molde, "kari@molde.kommune.no", django_capture_on_commit_callbacks)
    ola_link = invite(molde, "ola@molde.kommune.no", django_capture_on_commit_callbacks)
    invite(molde, "per@molde.kommune.no", django_capture_on_commit_callbacks)
    kari = Respondent()
    kari.get(kari_link)
    kari.complete()
    ola = Respondent()
    ola.get(ola_link)
    ola.background()
    Respondent().post(open_path, {"language": "nb"})
    assert Draft.objects.count() == 2

    today = timezone.localdate()
    Round.objects.filter(pk=open_round.pk).update(closes_on=today - timedelta(days=1))
    call_command("purge_drafts", stdout=io.StringIO())
    assert Draft.objects.count() == 0
    assert list(Invitation.objects.exclude(email="").values_list("email", flat=True)) == []
    assert InvitedAddress.objects.filter(participation=molde).count() == 3  # never invited twice
    assert Response.objects.count() == 1


def test_purge_round_personal_data_touches_only_that_round(
    open_round, instrument, open_path, django_capture_on_commit_callbacks
):
    other = RoundFactory(
        slug="annen", name="Annen runde", opens_in=-1, days=6, municipality_numbers=["1506"]
    )
    invite(
        participation(other, "1506"), "kari@molde.kommune.no", django_capture_on_commit_callbacks
    )
    invite(
        participation(open_round, "1506"),
        "ola@molde.kommune.no",
        django_capture_on_commit_callbacks,
    )
    Respondent().post(open_path, {"language": "nb"})

    result = services.purge_round_personal_data(round_=open_round)
    assert result == {"drafts": 1, "addresses": 1}
    assert list(Invitation.objects.exclude(email="").values_list("email", flat=True)) == [
        "kari@molde.kommune.no"
    ]
    with pytest.raises(TypeError):
        services.purge_round_personal_data(open_round)  # keyword only


def test_dashboard_counts_survive_the_purge(open_round, users, django_capture_on_commit_callbacks):
    sogndal = participation(open_round, "4640")
    invite(sogndal, "kari@sogndal.kommune.no", django_capture_on_commit_callbacks)
    services.purge_round_personal_data(round_=open_round)
    coordinator = staff_client(users["coordinator_a"])
    dashboard = coordinator.get(dashboard_url(open_round)).content.decode()
    assert "Personlige lenker på e-post: 1 sendt, 0 brukt." in dashboard
