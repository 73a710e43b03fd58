"""The ways in: personal single-use links (e-mail or printed code), the keyed hashes of invited
addresses, and open links."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import OrgUnit

from ..keys import random_key
from .rounds import Participation


class InvitationKind(models.TextChoices):
    EMAIL = "email", _("Personlig lenke på e-post")
    PRINTED = "printed", _("Utskrevet kode")


class Invitation(models.Model):
    """A personal single-use link. Only the token's hash is stored; the e-mail address is kept
    only until the link is used, so reminders reach only those who have not answered."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(max_length=10, choices=InvitationKind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True)
    used = models.BooleanField(default=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("invitasjon")
        verbose_name_plural = _("invitasjoner")
        indexes = [models.Index(fields=["participation", "kind", "used"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({'brukt' if self.used else 'ubrukt'})"


class InvitedAddress(models.Model):
    """A keyed hash (HMAC with the participation's salt) of every address ever invited in a
    participation. Kept after the link is used and after the round closes, so a used address is
    never invited again, and with no link to the invitation, so it does not tell who answered."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="invited_addresses"
    )
    address_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("invitert adresse (nøkkelhash)")
        verbose_name_plural = _("inviterte adresser (nøkkelhash)")
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "address_hash"], name="unique_invited_address"
            )
        ]

    def __str__(self):
        return self.address_hash[:12]


class OpenLink(models.Model):
    """A shared link for a whole kommune or one unit (poster with QR code in the staff room).

    The token is derived from `salt` with the secret key, so it can be shown again; only its
    hash is used for look-ups."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="open_links"
    )
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=64)
    active = models.BooleanField(_("aktiv"), default=True)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("åpen lenke")
        verbose_name_plural = _("åpne lenker")

    def __str__(self):
        return f"Åpen lenke {self.pk}"
