"""Survey rounds, the kommuner taking part in them, and their headcounts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, OrgUnit, StaffGroup

from ..tokens import new_salt
from .instrument import InstrumentVersion


class Round(models.Model):
    """A survey round (kartleggingsrunde), locked to one published instrument version."""

    slug = models.SlugField(_("kortnavn"), unique=True)
    name = models.CharField(_("navn"), max_length=150)
    instrument = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, verbose_name=_("spørreskjema")
    )
    opens_on = models.DateField(_("åpner"))
    closes_on = models.DateField(_("stenger"))
    min_group_size = models.PositiveSmallIntegerField(
        _("minste gruppestørrelse"), validators=[MinValueValidator(3)]
    )
    include_folkevalgte = models.BooleanField(_("folkevalgte deltar"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, when the round is closed and its results are computed into the snapshot in
    # `reports` (domain.md §6: results are published, never live). A published round takes no
    # more answers and can never be reopened.
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opens_on", "slug"]
        verbose_name = _("runde")
        verbose_name_plural = _("runder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_opening",
            )
        ]

    def __str__(self):
        return self.name

    # What publication freezes: changing any of these afterwards would change published figures
    # (a lower minimum would show groups that were hidden) or reopen the round.
    FROZEN_AT_PUBLICATION = ("opens_on", "closes_on", "min_group_size", "instrument_id")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                Round.objects.filter(pk=self.pk, published_at__isnull=False)
                .values(*self.FROZEN_AT_PUBLICATION, "published_at")
                .first()
            )
            if stored is not None and (
                any(stored[f] != getattr(self, f) for f in self.FROZEN_AT_PUBLICATION)
                or self.published_at != stored["published_at"]
            ):
                raise ValidationError(
                    _(
                        "Runden er stengt og publisert. Datoer, spørreskjema og minste gruppe kan ikke endres."
                    )
                )
        super().save(*args, **kwargs)

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_published and self.opens_on <= today <= self.closes_on

    def is_closed(self, today=None) -> bool:
        return self.is_published or (today or timezone.localdate()) > self.closes_on

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def effective_min_group_size(self) -> int:
        """The installation's minimum may be raised later; a published round keeps the minimum
        it was published with (frozen into min_group_size at publication)."""
        if self.is_published:
            return self.min_group_size
        return max(self.min_group_size, settings.MIN_GROUP_SIZE)


class Participation(models.Model):
    """A kommune taking part in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="participations"
    )
    named_in_comparisons = models.BooleanField(
        _("vis kommunenavnet i sammenligninger"),
        default=False,
        help_text=_("Andre kommuner ser kommunen med navn i fordelingene når dette er valgt."),
    )
    joined_on = models.DateField(_("ble med"), default=timezone.localdate)
    # The key of the keyed hashes of invited addresses (InvitedAddress); one per participation,
    # so a hash says nothing about the same address in another kommune or round.
    address_salt = models.CharField(max_length=64, default=new_salt, editable=False)

    class Meta:
        ordering = ["round", "municipality__number"]
        verbose_name = _("deltakelse")
        verbose_name_plural = _("deltakelser")
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality"], name="unique_participation")
        ]

    def __str__(self):
        return f"{self.municipality.name} – {self.round.name}"


class Headcount(models.Model):
    """How many people a kommune invites per staff group (optionally per unit): the denominator
    of the response rate."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="headcounts"
    )
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE)
    staff_group = models.ForeignKey(StaffGroup, on_delete=models.PROTECT)
    count = models.PositiveIntegerField(_("antall"), validators=[MaxValueValidator(100000)])

    class Meta:
        verbose_name = _("antall ansatte")
        verbose_name_plural = _("antall ansatte")
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "unit", "staff_group"], name="unique_headcount"
            )
        ]

    def __str__(self):
        return f"{self.staff_group_id}: {self.count}"
