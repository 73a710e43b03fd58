"""Sending in the worker (`assessment.tasks.deliver_mail_batch`): one SMTP connection per batch, a
fresh link per e-mail, retries after temporary failures, and no address in the log."""

import contextlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django_tasks import default_task_backend

from ..models import (
    DeliveryStatus,
    Invitation,
    MailBatch,
    MailDelivery,
    MailKind,
)
from ..tasks import deliver_mail_batch
from ..tokens import hash_token, new_link_token
from .texts import invitation_url, render_invitation

# The name the log configuration and the tests know.
logger = logging.getLogger("assessment.mail")

# A claim older than this is from a worker that died mid-send; the delivery is queued again.
STALE_CLAIM = timedelta(minutes=15)


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def _classify(exc: BaseException) -> type[Exception]:
    """5xx is permanent (the address or the message is refused); everything else is tried
    again: 4xx, a dropped connection, a refused or timed-out connection."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return PermanentFailure if codes and all(c >= 500 for c in codes) else TemporaryFailure
    if isinstance(exc, smtplib.SMTPResponseException):
        return PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
    return TemporaryFailure


def _close_quietly(connection) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def deliver_batch(*, batch_id: int) -> dict:
    """Send what is due in a batch; schedule the next try for temporary failures."""
    batch = (
        MailBatch.objects.select_related("participation__municipality", "participation__round")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        return {"sent": 0, "failed": 0, "retry": 0}
    now = timezone.now()
    batch.deliveries.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=DeliveryStatus.QUEUED, claimed_at=None
    )
    due = list(
        batch.deliveries.filter(status=DeliveryStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts = {"sent": 0, "failed": 0, "retry": 0}
    # Rendered once per batch; each message gets its own link in place of the marker.
    subject, body = render_invitation(
        participation=batch.participation,
        url=_URL_MARKER,
        reminder=batch.kind == MailKind.REMINDER,
        intro=batch.intro,
    )
    connection = get_connection(fail_silently=False)
    try:
        for start in range(0, len(due), CLAIM_CHUNK):
            for delivery in _claim(due[start : start + CLAIM_CHUNK]):
                outcome = _deliver_one(batch, delivery, connection, subject, body)
                counts[outcome] += 1
    finally:
        _close_quietly(connection)
    _schedule_retry(batch)
    logger.info(
        "Mail batch %s: %d sent, %d failed, %d to retry, of %d due (%s) for round %s, kommune %s",
        batch.pk,
        counts["sent"],
        counts["failed"],
        counts["retry"],
        len(due),
        batch.kind,
        batch.participation.round.slug,
        batch.participation.municipality.number,
    )
    return counts


_URL_MARKER = "\x00URL\x00"
# Deliveries are claimed a few at a time (one query), then each is written once it is sent.
CLAIM_CHUNK = 20


def _claim(pks: list[int]) -> list[MailDelivery]:
    """Mark queued deliveries as being sent by this worker; another worker skips them."""
    stamp = timezone.now()
    MailDelivery.objects.filter(pk__in=pks, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, claimed_at=stamp
    )
    return list(
        MailDelivery.objects.filter(pk__in=pks, status=DeliveryStatus.SENDING, claimed_at=stamp)
        .select_related("invitation")
        .order_by("pk")
    )


def _deliver_one(batch: MailBatch, delivery: MailDelivery, connection, subject, body) -> str:
    invitation = delivery.invitation
    if invitation is None or invitation.used or not invitation.email:
        # Answered (or closed) before the mail went: counted as sent, so no count tells.
        MailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT, invitation=None, claimed_at=None
        )
        return "sent"
    token = new_link_token()
    message = EmailMessage(
        subject=subject,
        body=body.replace(_URL_MARKER, invitation_url(token)),
        to=[invitation.email],
    )
    try:
        if getattr(connection, "connection", False) is None:
            connection.open()  # SMTP: one connection for the batch, opened again after an error
        sent = connection.send_messages([message])
        if not sent:
            raise smtplib.SMTPException("not sent")
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        _close_quietly(connection)  # the next message opens a fresh connection
        return _record_failure(delivery, _classify(exc), exc)
    except BadHeaderError as exc:  # a subject with a line break: no retry will fix it
        return _record_failure(delivery, PermanentFailure, exc)
    with transaction.atomic():
        updates = {"token_hash": hash_token(token)}
        if batch.kind == MailKind.REMINDER:
            updates["reminders_sent"] = F("reminders_sent") + 1
        Invitation.objects.filter(pk=invitation.pk, used=False).update(**updates)
        MailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SENT,
            invitation=None,
            attempts=F("attempts") + 1,
            claimed_at=None,
            next_attempt_at=None,
        )
    return "sent"


def _record_failure(delivery: MailDelivery, kind, exc) -> str:
    attempts = delivery.attempts + 1
    delays = settings.MAIL_RETRY_DELAYS
    # No address in the log: the class of error and the delivery's number are enough.
    logger.warning("E-post %s feilet (forsøk %d): %s", delivery.pk, attempts, type(exc).__name__)
    if kind is TemporaryFailure and attempts <= len(delays):
        MailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.QUEUED,
            attempts=attempts,
            claimed_at=None,
            next_attempt_at=timezone.now() + timedelta(seconds=delays[attempts - 1]),
        )
        return "retry"
    MailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED,
        attempts=attempts,
        claimed_at=None,
        next_attempt_at=None,
        failure="refused" if kind is PermanentFailure else "gave_up",
    )
    return "failed"


def _schedule_retry(batch: MailBatch) -> None:
    """Queue the batch again for when its next delivery is due. Without a queue that can wait
    (the immediate backend), waiting deliveries are sent on the next batch or retry."""
    after = batch.deliveries.filter(status=DeliveryStatus.QUEUED).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    if after is None and not batch.deliveries.filter(status=DeliveryStatus.QUEUED).exists():
        return
    if not default_task_backend.supports_defer:
        return
    deliver_mail_batch.using(run_after=after or timezone.now()).enqueue(batch_id=batch.pk)
