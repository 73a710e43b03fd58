"""Invitations and reminders by e-mail, through a task queue.

A request only writes: the invitations, a `MailBatch` and one `MailDelivery` per e-mail, and
queues one task for the batch (`assessment.tasks.deliver_mail_batch`). The worker
(`python manage.py db_worker`) sends them over one SMTP connection. A temporary failure (4xx, a
dropped connection, no server) is tried again after `MAIL_RETRY_DELAYS`; a permanent refusal (5xx)
fails the delivery at once. The coordinator sees per batch how many are queued, sent and failed,
and can queue the failed ones again.

Anonymity: a delivery holds no address and no token. The worker makes a fresh token when it sends
(only its hash is stored, on the invitation), reads the address from the invitation, and cuts the
link from the delivery to the invitation once the mail is sent. A delivery whose invitation was
used meanwhile counts as sent, so no count tells who answered. Every public function takes keyword
arguments only.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import EmailValidator, MaxLengthValidator
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import (
    DeliveryStatus,
    Invitation,
    InvitationKind,
    InvitationText,
    InvitedAddress,
    MailBatch,
    MailDelivery,
    MailKind,
    Participation,
    ReminderDate,
)
from .tokens import address_hash, hash_token, new_link_token

logger = logging.getLogger(__name__)

# A claim older than this is from a worker that died mid-send; the delivery is queued again.
STALE_CLAIM = timedelta(minutes=15)
MAX_INTRO_CHARS = 2000


# --- Queueing (in the request) ---------------------------------------------------------------


@dataclass
class InviteResult:
    queued: int = 0
    invalid: list[str] = field(default_factory=list)
    batch: MailBatch | None = None


def _require_open_or_upcoming(participation: Participation) -> None:
    if participation.round.is_closed():
        raise ValidationError(_("Runden er stengt. Det kan ikke lages nye lenker."))


def split_valid_addresses(emails: list[str]) -> tuple[list[str], list[str]]:
    """(valid addresses, lower-cased and without duplicates; what was typed for the others)."""
    validator = EmailValidator()
    max_length = MaxLengthValidator(Invitation._meta.get_field("email").max_length)
    valid, invalid = [], []
    for raw in emails:
        typed = raw.strip()
        email = typed.lower()
        if not email:
            continue
        try:
            validator(email)
            max_length(email)
        except ValidationError:
            if typed not in invalid:
                invalid.append(typed)
            continue
        if email not in valid:
            valid.append(email)
    return valid, invalid


def _enqueue_batch(batch: MailBatch) -> None:
    """With the database queue the task is written in the same transaction as the batch, so
    both or neither are stored. A backend that runs the task at once waits for the commit."""
    from django_tasks import task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    from .tasks import deliver_mail_batch

    batch_id = batch.pk
    if isinstance(task_backends[deliver_mail_batch.backend], ImmediateBackend):
        transaction.on_commit(lambda: deliver_mail_batch.enqueue(batch_id=batch_id))
    else:
        deliver_mail_batch.enqueue(batch_id=batch_id)


@transaction.atomic
def queue_invitations(*, participation: Participation, emails: list[str]) -> InviteResult:
    """Create one single-use link per new valid address and queue its e-mail.

    Invalid addresses are returned (not raised), so the valid ones are not held back by a typo.
    Every address ever invited in the participation is remembered as a keyed hash
    (`InvitedAddress`), also after its link was used and its address erased. An address seen
    before is skipped whether or not the person has answered, so the count tells nobody who
    answered, and a used address never gets a second link."""
    _require_open_or_upcoming(participation)
    cleaned, invalid = split_valid_addresses(emails)
    if not cleaned and not invalid:
        raise ValidationError(_("Lim inn minst én e-postadresse."))
    result = InviteResult(invalid=invalid)
    if not cleaned:
        return result
    # One invitation batch at a time per participation, so two batches cannot both take an address.
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    hashes = {email: address_hash(participation.address_salt, email) for email in cleaned}
    already = set(
        participation.invited_addresses.filter(address_hash__in=hashes.values()).values_list(
            "address_hash", flat=True
        )
    )
    new = [email for email in cleaned if hashes[email] not in already]
    # Stored in hash order, not in the order of the invitations, so rows cannot be paired up.
    InvitedAddress.objects.bulk_create(
        InvitedAddress(participation=participation, address_hash=digest)
        for digest in sorted(hashes[email] for email in new)
    )
    if not new:
        return result
    # The link is made by the worker when it sends; until then the hash is of a token nobody has.
    invitations = Invitation.objects.bulk_create(
        Invitation(
            participation=participation,
            kind=InvitationKind.EMAIL,
            token_hash=hash_token(new_link_token()),
            email=email,
        )
        for email in new
    )
    if not all(inv.pk for inv in invitations):  # backends that return no keys from bulk_create
        invitations = list(
            Invitation.objects.filter(
                participation=participation, email__in=new, kind=InvitationKind.EMAIL, used=False
            )
        )
    batch = MailBatch.objects.create(
        participation=participation, kind=MailKind.INVITATION, intro=current_intro(participation)
    )
    MailDelivery.objects.bulk_create(
        MailDelivery(batch=batch, invitation=inv) for inv in invitations
    )
    _enqueue_batch(batch)
    result.queued, result.batch = len(invitations), batch
    return result


@transaction.atomic
def invite_and_schedule(
    *, participation: Participation, emails: list[str], reminder_dates: list
) -> InviteResult:
    """What the dashboard's form does: queue the invitations and set the reminder dates, both
    or neither."""
    result = queue_invitations(participation=participation, emails=emails)
    set_reminder_dates(participation=participation, dates=reminder_dates)
    return result


@transaction.atomic
def queue_reminders(*, participation: Participation) -> int:
    """Queue a reminder to everyone invited by e-mail who has not answered. Each gets a new link
    when the worker sends; the old one stops working then."""
    if not participation.round.is_open():
        raise ValidationError(_("Påminnelser kan bare sendes mens runden er åpen."))
    participation = Participation.objects.select_for_update().get(pk=participation.pk)
    pending = list(
        participation.invitations.filter(kind=InvitationKind.EMAIL, used=False)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    if not pending:
        return 0
    batch = MailBatch.objects.create(
        participation=participation, kind=MailKind.REMINDER, intro=current_intro(participation)
    )
    MailDelivery.objects.bulk_create(MailDelivery(batch=batch, invitation_id=pk) for pk in pending)
    _enqueue_batch(batch)
    return len(pending)


@transaction.atomic
def retry_failed(*, batch: MailBatch) -> int:
    """Queue the failed deliveries of a batch again, from the first try."""
    if batch.participation.round.is_closed():
        raise ValidationError(_("Runden er stengt. Det sendes ikke mer e-post."))
    count = batch.deliveries.filter(status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.QUEUED, attempts=0, failure="", next_attempt_at=None
    )
    if count:
        _enqueue_batch(batch)
    return count


# --- The invitation text ------------------------------------------------------------------------


def current_intro(participation: Participation) -> str:
    text = InvitationText.objects.filter(participation=participation).first()
    return text.intro if text else ""


def set_invitation_text(*, participation: Participation, intro: str) -> None:
    """The coordinator's own words for the e-mails of this round; empty restores the standard."""
    intro = intro.replace("\r\n", "\n").strip()
    if len(intro) > MAX_INTRO_CHARS:
        raise ValidationError(
            _("Teksten kan være høyst %d tegn lang.") % MAX_INTRO_CHARS, code="too_long"
        )
    if not intro:
        InvitationText.objects.filter(participation=participation).delete()
        return
    InvitationText.objects.update_or_create(participation=participation, defaults={"intro": intro})


def invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('assessment:personal_link', args=[token])}"


def render_invitation(
    *, participation: Participation, url: str, reminder: bool, intro: str
) -> tuple[str, str]:
    """(subject, body) in the kommune's målform."""
    round_ = participation.round
    context = {
        "municipality": participation.municipality,
        "round": round_,
        "url": url,
        "reminder": reminder,
        "intro": intro,
        "min_group_size": round_.effective_min_group_size,
    }
    with translation.override(participation.municipality.default_language):
        subject = (
            _("Påminnelse: %s") % round_.name if reminder else _("Invitasjon: %s") % round_.name
        )
        body = render_to_string("assessment/email/invitation.txt", context)
    return subject, body


# --- Reminder dates -----------------------------------------------------------------------------


def default_reminder_dates(participation: Participation) -> list:
    """One week after the start and three days before closing (those still ahead and inside the
    round)."""
    round_ = participation.round
    today = timezone.localdate()
    candidates = [round_.opens_on + timedelta(days=7), round_.closes_on - timedelta(days=3)]
    return sorted(
        {d for d in candidates if round_.opens_on <= d <= round_.closes_on and d >= today}
    )


@transaction.atomic
def set_reminder_dates(*, participation: Participation, dates: list) -> list:
    """Replace the coming reminder dates. Each must lie inside the round and not in the past."""
    round_ = participation.round
    today = timezone.localdate()
    for day in dates:
        if day < today:
            raise ValidationError(
                _("Påminnelsesdatoen %s er passert.") % day.strftime("%d.%m.%Y"), code="past"
            )
        if not round_.opens_on <= day <= round_.closes_on:
            raise ValidationError(
                _("Påminnelsesdatoen %(day)s er utenfor runden (%(opens)s–%(closes)s).")
                % {
                    "day": day.strftime("%d.%m.%Y"),
                    "opens": round_.opens_on.strftime("%d.%m.%Y"),
                    "closes": round_.closes_on.strftime("%d.%m.%Y"),
                },
                code="outside",
            )
    ReminderDate.objects.filter(participation=participation, done=False).delete()
    done = set(
        ReminderDate.objects.filter(participation=participation).values_list("on", flat=True)
    )
    ReminderDate.objects.bulk_create(
        ReminderDate(participation=participation, on=day) for day in sorted(set(dates) - done)
    )
    return sorted(set(dates))


def send_due_reminders(*, today=None) -> dict:
    """Queue the reminders of every reminder date that has come, in rounds still open. Run daily
    (cron). A date is used once; a date whose round has closed is dropped."""
    today = today or timezone.localdate()
    totals = {"batches": 0, "reminders": 0}
    due = ReminderDate.objects.filter(on__lte=today, done=False).select_related(
        "participation__round", "participation__municipality"
    )
    for reminder in due:
        with transaction.atomic():
            claimed = ReminderDate.objects.filter(pk=reminder.pk, done=False).update(done=True)
            if not claimed or not reminder.participation.round.is_open(today):
                continue
            count = queue_reminders(participation=reminder.participation)
        totals["batches"] += 1 if count else 0
        totals["reminders"] += count
    return totals


# --- Sending (in the worker) --------------------------------------------------------------------


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
    from django_tasks import default_task_backend

    from .tasks import deliver_mail_batch

    after = batch.deliveries.filter(status=DeliveryStatus.QUEUED).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    if after is None and not batch.deliveries.filter(status=DeliveryStatus.QUEUED).exists():
        return
    if not default_task_backend.supports_defer:
        return
    deliver_mail_batch.using(run_after=after or timezone.now()).enqueue(batch_id=batch.pk)


# --- Reads for the dashboard --------------------------------------------------------------------


def batch_summaries(participation: Participation) -> list[dict]:
    """Per batch: how many are queued (or being sent), sent and failed. One query."""
    rows = (
        MailBatch.objects.filter(participation=participation)
        .annotate(
            total=Count("deliveries"),
            queued=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
            ),
            sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            refused=Count(
                "deliveries",
                filter=Q(deliveries__status=DeliveryStatus.FAILED, deliveries__failure="refused"),
            ),
        )
        .order_by("-pk")
    )
    return [
        {
            "batch": batch,
            "total": batch.total,
            "queued": batch.queued,
            "sent": batch.sent,
            "failed": batch.failed,
            "refused": batch.refused,
        }
        for batch in rows
    ]


def get_batch(participation: Participation, batch_id: int) -> MailBatch | None:
    return (
        MailBatch.objects.select_related("participation__round")
        .filter(participation=participation, pk=batch_id)
        .first()
    )


def coming_reminder_dates(participation: Participation) -> list:
    return list(
        ReminderDate.objects.filter(
            participation=participation, done=False, on__gte=timezone.localdate()
        ).values_list("on", flat=True)
    )
