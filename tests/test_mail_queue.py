"""Mail through the task queue, against a real SMTP server (aiosmtpd) started by the tests: a
request only queues; the worker sends each invitation exactly once or shows it as failed, retries
temporary failures, fails permanent refusals at once, and every link that arrives works."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessment import mail as mailing
from assessment.models import (
    DeliveryStatus,
    Invitation,
    MailBatch,
    MailDelivery,
    Participation,
    ReminderDate,
    Response,
)
from tests import mailtesting
from tests.helpers import Respondent, page_url, staff_client
from tests.mailtesting import link_path, run_worker

TODAY = timezone.localdate()
smtp_server = mailtesting.smtp_server  # the fixture: a real SMTP server on 127.0.0.1


@pytest.fixture
def coordinator(users):
    return staff_client(users["coordinator_a"])


@pytest.fixture
def invite(coordinator, open_round, django_capture_on_commit_callbacks):
    def post(addresses, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return coordinator.post(
                reverse("reports:invite_email", args=["4640", open_round.slug]),
                {"emails": "\n".join(addresses), **extra},
                follow=True,
            )

    return post


def dashboard(coordinator, open_round) -> str:
    return coordinator.get(
        reverse("reports:dashboard", args=["4640", open_round.slug])
    ).content.decode()


def batch_row(html: str) -> str:
    start = html.index('id="mail-batches"')
    return html[start : html.index("</table>", start)]


def test_inviting_3000_only_queues_and_the_worker_sends_them_all(smtp_server, invite):
    addresses = [f"ansatt{i:04d}@sogndal.kommune.no" for i in range(3000)]
    response = invite(addresses)
    assert "3000 invitasjoner er lagt i kø for sending." in response.content.decode()
    # the request made no SMTP connection; the queue holds one task for the batch
    assert smtp_server.connections == 0 and smtp_server.messages == []
    assert DBTaskResult.objects.count() == 1
    assert MailDelivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 3000

    run_worker()
    assert sorted(r for r, _m in smtp_server.messages) == addresses
    assert smtp_server.connections == 1  # one connection for the whole batch
    assert MailDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 3000
    # the links work (a sample: the first, the last and one in the middle)
    for recipient, message in (smtp_server.messages[i] for i in (0, 1500, 2999)):
        person = Respondent()
        person.get(link_path(message))
        assert person.path == page_url(0), recipient


def test_every_invitation_is_sent_once_or_visibly_failed(
    smtp_server, invite, coordinator, open_round, settings, django_capture_on_commit_callbacks
):
    settings.MAIL_RETRY_DELAYS = [0, 0, 0]
    script = {
        "later@sogndal.kommune.no": ["451"],  # busy once, then fine
        "drop@sogndal.kommune.no": ["drop"],  # the connection drops once
        "gone@sogndal.kommune.no": ["550", "550"],  # no such mailbox: permanent
        "busy@sogndal.kommune.no": ["451"] * 4,  # busy past the last retry
    }
    for address, actions in script.items():
        smtp_server.script[address] = list(actions)
    addresses = ["kari@sogndal.kommune.no", "ola@sogndal.kommune.no", *script]
    invite(addresses)
    assert smtp_server.connections == 0
    run_worker()

    received = {a: len(smtp_server.received(a)) for a in addresses}
    assert received == {
        "kari@sogndal.kommune.no": 1,
        "ola@sogndal.kommune.no": 1,
        "later@sogndal.kommune.no": 1,
        "drop@sogndal.kommune.no": 1,
        "gone@sogndal.kommune.no": 0,
        "busy@sogndal.kommune.no": 0,
    }
    assert smtp_server.attempts["gone@sogndal.kommune.no"] == 1  # a 5xx is not tried again
    assert smtp_server.attempts["busy@sogndal.kommune.no"] == 4  # first try + 3 retries
    # each link that arrived works, for exactly its recipient
    for address, count in received.items():
        if count:
            person = Respondent()
            person.get(link_path(smtp_server.received(address)[0]))
            assert person.path == page_url(0), address

    row = batch_row(dashboard(coordinator, open_round))
    cells = [c.split("<")[0].strip() for c in row.split("<td>")[1:]]
    assert cells[2:5] == ["0", "4", "2"]  # queued, sent, failed
    assert "1 adresse avvist av mottakerens e-posttjener" in row

    # the coordinator retries: the busy server takes it now, the unknown mailbox refuses again
    batch = MailBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        retried = coordinator.post(
            reverse("assessment:retry_batch", args=["4640", open_round.slug, batch.pk]), follow=True
        )
    assert "2 e-poster er lagt i kø for et nytt forsøk." in retried.content.decode()
    run_worker()
    assert len(smtp_server.received("busy@sogndal.kommune.no")) == 1
    assert len(smtp_server.received("gone@sogndal.kommune.no")) == 0
    assert len(smtp_server.messages) == 5
    row = batch_row(dashboard(coordinator, open_round))
    cells = [c.split("<")[0].strip() for c in row.split("<td>")[1:]]
    assert cells[2:5] == ["0", "5", "1"]


def test_an_smtp_server_that_is_down_is_never_a_500(
    smtp_server, invite, coordinator, open_round, settings
):
    settings.EMAIL_PORT = 1  # nothing listens there
    settings.MAIL_RETRY_DELAYS = [0]
    response = invite(["kari@sogndal.kommune.no"])
    assert response.status_code == 200
    run_worker()
    delivery = MailDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.failure) == ("failed", 2, "gave_up")
    assert "Prøv igjen" in dashboard(coordinator, open_round)
    # the invitation waits with its address for the retry; no link went out, none works
    assert Invitation.objects.get().email == "kari@sogndal.kommune.no"


def test_a_delivery_holds_no_address_or_link_and_tells_nobody_who_answered(
    smtp_server, invite, coordinator, open_round, django_capture_on_commit_callbacks
):
    invite(["kari@sogndal.kommune.no", "ola@sogndal.kommune.no"])
    run_worker()
    # sent deliveries are cut from their invitations
    assert list(MailDelivery.objects.values_list("invitation", flat=True)) == [None, None]
    kari = Respondent()
    kari.get(link_path(smtp_server.received("kari@sogndal.kommune.no")[0]))
    kari.complete()
    assert Response.objects.count() == 1

    # a reminder is queued for Ola only; Ola answers before the worker gets to it
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("assessment:remind", args=["4640", open_round.slug]))
    reminder = MailBatch.objects.get(kind="reminder")
    assert reminder.deliveries.count() == 1
    ola = Respondent()
    ola.get(link_path(smtp_server.received("ola@sogndal.kommune.no")[0]))
    ola.complete()
    assert reminder.deliveries.get().invitation is None  # cut when the link was used
    run_worker()
    # no reminder went out to someone who has answered, and the count says "sent" all the same
    assert len(smtp_server.received("ola@sogndal.kommune.no")) == 1
    assert reminder.deliveries.get().status == DeliveryStatus.SENT
    for task in DBTaskResult.objects.all():
        assert "@" not in str(task.args_kwargs) and "svar/" not in str(task.args_kwargs)


def test_reminder_dates_default_and_send_due_reminders(
    smtp_server, invite, coordinator, open_round, django_capture_on_commit_callbacks
):
    html = dashboard(coordinator, open_round)
    participation = Participation.objects.get(round=open_round, municipality__number="4640")
    defaults = mailing.default_reminder_dates(participation)
    # one week after the start (4 days from now) and three days before closing
    assert defaults == [
        open_round.opens_on + timedelta(days=7),
        open_round.closes_on - timedelta(days=3),
    ]
    for day in defaults:
        assert f'value="{day.isoformat()}"' in html

    first, second = defaults
    invite(
        ["kari@sogndal.kommune.no", "ola@sogndal.kommune.no"],
        first_reminder=first.isoformat(),
        second_reminder=second.isoformat(),
    )
    run_worker()
    assert "Påminnelser sendes automatisk" in dashboard(coordinator, open_round)
    kari = Respondent()
    kari.get(link_path(smtp_server.received("kari@sogndal.kommune.no")[0]))
    kari.complete()

    call_command("send_due_reminders")  # nothing due yet
    assert MailBatch.objects.filter(kind="reminder").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        mailing.send_due_reminders(today=first)
    run_worker()
    assert len(smtp_server.received("ola@sogndal.kommune.no")) == 2
    assert len(smtp_server.received("kari@sogndal.kommune.no")) == 1
    assert ReminderDate.objects.get(on=first).done
    mailing.send_due_reminders(today=first)  # a date is used once
    assert MailBatch.objects.filter(kind="reminder").count() == 1
    # Ola's new link works; the first one does not any more
    ola = Respondent()
    ola.get(link_path(smtp_server.received("ola@sogndal.kommune.no")[1]))
    assert ola.path == page_url(0)


def test_reminder_dates_outside_the_round_are_refused_and_nothing_is_sent(
    smtp_server, invite, open_round
):
    response = invite(
        ["kari@sogndal.kommune.no"],
        first_reminder=(open_round.closes_on + timedelta(days=1)).isoformat(),
    )
    assert "er utenfor runden" in response.content.decode()
    assert "kari@sogndal.kommune.no" in response.content.decode()  # the text is kept
    assert not Invitation.objects.exists() and not ReminderDate.objects.exists()
    assert DBTaskResult.objects.count() == 0
