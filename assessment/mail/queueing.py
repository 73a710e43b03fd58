"""Queueing in the request: invitations and reminders are written as a `MailBatch` with one
`MailDelivery` per e-mail, and one task is queued for the batch. Also the reminder dates, whose
reminders are queued daily (`send_due_reminders`)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from ..models import (
    DeliveryStatus,
    Invitation,
    InvitationKind,
    InvitedAddress,
    MailBatch,
    MailDelivery,
    MailKind,
    Participation,
    ReminderDate,
)
from ..tasks import deliver_mail_batch
from ..tokens import address_hash, hash_token, new_link_token
from .texts import current_intro


@dataclass
class InviteResult:
    queued: int = 0
    invalid: list[str] = field(default_factory=list)
    batch: MailBatch | None = None


def require_open_or_upcoming(participation: Participation) -> None:
    """No new links for a closed round (e-mail, printed codes, open links)."""
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
    require_open_or_upcoming(participation)
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
