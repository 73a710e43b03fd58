"""Writes for the ways in: invitations by e-mail (queued through assessment.mail), printed codes
and open links."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from municipalities.models import OrgUnit

from ..mail import queue_invitations, queue_reminders, split_valid_addresses
from ..mail.queueing import require_open_or_upcoming
from ..models import (
    Invitation,
    InvitationKind,
    OpenLink,
    Participation,
)
from ..tokens import (
    hash_token,
    new_printed_code,
    new_salt,
    open_link_token,
)


def invite_by_email(*, participation: Participation, emails: list[str]) -> int:
    """Queue one single-use link per new address (assessment/mail/); return how many. Raises
    when an address is invalid; the web page uses `mail.queue_invitations`, which sends the
    valid ones and lists the others."""
    _valid, invalid = split_valid_addresses(emails)
    if invalid:
        raise ValidationError(_("«%s» er ikke en gyldig e-postadresse.") % invalid[0])
    return queue_invitations(participation=participation, emails=emails).queued


def send_reminders(*, participation: Participation) -> int:
    """Queue a reminder with a new link to everyone invited by e-mail who has not answered."""
    return queue_reminders(participation=participation)


MAX_PRINTED_CODES = 500


@transaction.atomic
def create_printed_codes(*, participation: Participation, count: int) -> list[str]:
    """Create `count` single-use codes for people without e-mail. The codes are returned once
    (for the PDF) and never stored."""
    require_open_or_upcoming(participation)
    if not 1 <= count <= MAX_PRINTED_CODES:
        raise ValidationError(_("Velg mellom 1 og %d koder.") % MAX_PRINTED_CODES)
    codes = [new_printed_code() for _ in range(count)]
    Invitation.objects.bulk_create(
        Invitation(
            participation=participation, kind=InvitationKind.PRINTED, token_hash=hash_token(c)
        )
        for c in codes
    )
    return codes


@transaction.atomic
def create_open_link(*, participation: Participation, unit: OrgUnit | None = None) -> OpenLink:
    require_open_or_upcoming(participation)
    if unit is not None and unit.municipality_id != participation.municipality_id:
        raise ValidationError(_("Enheten hører ikke til kommunen."))
    salt = new_salt()
    return OpenLink.objects.create(
        participation=participation,
        unit=unit,
        salt=salt,
        token_hash=hash_token(open_link_token(salt)),
    )


def deactivate_open_link(*, link: OpenLink) -> None:
    link.active = False
    link.save(update_fields=["active"])
