"""The instrument: versions of the questionnaire, their dimensions, statements and answer options.
A published version is frozen: its rows refuse every change."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.models import localized


class FrozenInstrumentError(ValidationError):
    """Raised on any attempt to change or delete part of a published instrument version."""

    def __init__(self):
        super().__init__(
            _(
                "Denne versjonen av spørreskjemaet er publisert og kan ikke endres eller slettes. "
                "Lag en ny versjon ved å kopiere den."
            ),
            code="frozen",
        )


class FrozenQuerySet(models.QuerySet):
    """Refuses bulk update/delete of rows that belong to a published version."""

    version_lookup = "version__published_at__isnull"

    def _touches_published(self) -> bool:
        return self.filter(**{self.version_lookup: False}).exists()

    def update(self, **kwargs):
        if self._touches_published():
            raise FrozenInstrumentError()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_published():
            raise FrozenInstrumentError()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        version_ids = {getattr(obj, "version_id", None) for obj in objs} - {None}
        if InstrumentVersion.objects.filter(
            pk__in=version_ids, published_at__isnull=False
        ).exists():
            raise FrozenInstrumentError()
        return super().bulk_create(objs, *args, **kwargs)


class VersionQuerySet(FrozenQuerySet):
    version_lookup = "published_at__isnull"


class InstrumentVersion(models.Model):
    """One version of the questionnaire. Published versions are frozen."""

    version = models.CharField(
        _("versjon"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z.\-]+$")],
    )
    title = models.JSONField(_("tittel"))
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    # From instrument 2027.1: the outcome block, "references" (seed file -> author, year, title),
    # "changes" (what changed from the previous version) and "missing" ("split": «vet ikke» and
    # «ikke relevant» are two options; otherwise one combined option).
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("versjon av spørreskjemaet")
        verbose_name_plural = _("versjoner av spørreskjemaet")

    def __str__(self):
        return self.version

    def save(self, *args, **kwargs):
        if self._published_in_db():
            raise FrozenInstrumentError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._published_in_db():
            raise FrozenInstrumentError()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def _published_in_db(self) -> bool:
        if self.pk is None:
            return False
        return InstrumentVersion.objects.filter(pk=self.pk, published_at__isnull=False).exists()


class VersionedPart(models.Model):
    """A part of an instrument version; refuses writes once the version is published."""

    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._version_published():
            raise FrozenInstrumentError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version_published():
            raise FrozenInstrumentError()
        return super().delete(*args, **kwargs)

    def _version_published(self) -> bool:
        published = InstrumentVersion.objects.filter(published_at__isnull=False)
        # The stored row counts too: moving a part out of a published version changes that version.
        if (
            self.pk is not None
            and type(self)._base_manager.filter(pk=self.pk, version__in=published).exists()
        ):
            return True
        return published.filter(pk=self.version_id).exists()


class Dimension(VersionedPart):
    """One axis of the radar (e.g. lederstøtte), with level descriptors and actions."""

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.CharField(_("kode"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    name = models.JSONField(_("navn"))
    definition = models.JSONField(_("definisjon"))
    levels = models.JSONField(_("nivåbeskrivelser"))  # [ {nb,nn,en} ] × 5, level 1 first
    actions = models.JSONField(_("anbefalte tiltak"))  # [ {text: {nb,nn,en}, ks_tool} ]
    # What the respondent is asked to think of on the page: "unit" or "municipality" (2027.1);
    # blank in versions that did not state it.
    reference = models.CharField(_("referansepunkt"), max_length=12, blank=True, default="")

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("dimensjon")
        verbose_name_plural = _("dimensjoner")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_dimension_code")
        ]

    def __str__(self):
        return localized(self.name)

    @property
    def label(self) -> str:
        return localized(self.name)


class Item(VersionedPart):
    """A statement (påstand) answered on a 1–5 scale or «vet ikke»."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=10)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.JSONField(_("tekst"))
    reverse = models.BooleanField(_("omvendt skåret"), default=False)
    audience = models.JSONField(_("målgruppe"))  # list of StaffGroup codes
    trait = models.CharField(_("MDI-kulturtrekk"), max_length=30, blank=True)
    why = models.JSONField(_("hvorfor spør vi om dette?"))
    sources = models.JSONField(_("kilder"))  # [ {seed, lines: [first, last]} ]

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("påstand")
        verbose_name_plural = _("påstander")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_item_code")]

    def __str__(self):
        return f"{self.code}: {localized(self.text)}"


class OptionKind(models.TextChoices):
    BARRIER = "barrier", _("Hemmer")
    PROMOTER = "promoter", _("Fremmer")
    OUTCOME = "outcome", _("Resultat")


class Option(VersionedPart):
    """An answer option in the «velg inntil tre» barrier and promoter questions."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=10, choices=OptionKind.choices)
    code = models.CharField(_("kode"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.JSONField(_("tekst"))
    sources = models.JSONField(_("kilder"), default=list)
    # Outcome options only: the question they answer, and what they count in the outcome index
    # (null: missing, e.g. «vet ikke»).
    question = models.CharField(_("spørsmål"), max_length=10, blank=True, default="")
    points = models.FloatField(_("poeng"), null=True, blank=True)

    class Meta:
        ordering = ["version", "kind", "order"]
        verbose_name = _("svaralternativ")
        verbose_name_plural = _("svaralternativer")
        constraints = [
            models.UniqueConstraint(fields=["version", "kind", "code"], name="unique_option_code")
        ]

    def __str__(self):
        return localized(self.text)
