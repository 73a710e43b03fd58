"""The invitation e-mail's text: the coordinator's own opening words, the link and the rendered
subject and body in the kommune's målform."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import (
    InvitationText,
    Participation,
)

MAX_INTRO_CHARS = 2000


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
