"""Mail: the coordinator's invitation texts, mail batches, their deliveries and reminder dates."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .invitations import Invitation
from .rounds import Participation


class InvitationText(models.Model):
    """The coordinator's own words at the top of the invitation e-mail, per participation
    (kommune × round). The link, the anonymity promise and the deadline are always added."""

    participation = models.OneToOneField(
        Participation, on_delete=models.CASCADE, related_name="invitation_text"
    )
    intro = models.TextField(_("innledning"), max_length=2000)

    class Meta:
        verbose_name = _("invitasjonstekst")
        verbose_name_plural = _("invitasjonstekster")

    def __str__(self):
        return str(self.participation)


class MailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitasjoner")
    REMINDER = "reminder", _("Påminnelser")


class MailBatch(models.Model):
    """One sending: the invitations of one paste, or one round of reminders. The request only
    creates the batch and its deliveries; a worker sends them (assessment/mail/)."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="mail_batches"
    )
    kind = models.CharField(max_length=12, choices=MailKind.choices)
    intro = models.TextField(blank=True)
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("utsending")
        verbose_name_plural = _("utsendinger")

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_on:%d.%m.%Y}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    SENDING = "sending", _("Sendes")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Feilet")


class MailDelivery(models.Model):
    """The delivery of one e-mail in a batch. It holds no address: the worker reads it from the
    invitation when it sends. Once sent, the link to the invitation is cut, and it is cut too
    when the invitation is used, so no delivery row says whether its recipient answered."""

    batch = models.ForeignKey(MailBatch, on_delete=models.CASCADE, related_name="deliveries")
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # "refused": the server refused the address for good (5xx); "gave_up": temporary errors
    # until the last retry.
    failure = models.CharField(max_length=10, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("levering")
        verbose_name_plural = _("leveringer")
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self):
        return f"{self.batch_id}: {self.status}"


class ReminderDate(models.Model):
    """A date on which reminders go out to everyone invited by e-mail who has not answered
    (`send_due_reminders`, daily from cron)."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="reminder_dates"
    )
    on = models.DateField(_("dato"))
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["on"]
        verbose_name = _("påminnelsesdato")
        verbose_name_plural = _("påminnelsesdatoer")
        constraints = [
            models.UniqueConstraint(fields=["participation", "on"], name="unique_reminder_date")
        ]

    def __str__(self):
        return f"{self.on:%d.%m.%Y}"
