"""The instrument (versions, dimensions, statements), rounds, invitations, drafts and responses.

Anonymity in storage (domain.md §6): a `Response` holds no link to an invitation, a user, an IP
address or a time finer than the date. `tests/test_anonymity_storage.py` inspects these models and
fails if such a link is added.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, OrgUnit, Sector, StaffGroup, localized

from .keys import random_key
from .tokens import new_salt


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


class Draft(models.Model):
    """Answers in progress. Never counted; deleted on submission and when the round closes
    (`services.purge_round_personal_data`). A draft lasts as long as its round is open: its
    expiry is the round's current closing date, so extending a round extends its drafts."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="draft"
    )
    open_link = models.ForeignKey(OpenLink, null=True, blank=True, on_delete=models.CASCADE)
    resume_code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    language = models.CharField(max_length=5, default="nb")
    # The page the respondent continues at (0: not started); resuming lands here.
    page = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("utkast")
        verbose_name_plural = _("utkast")

    def __str__(self):
        return f"Utkast {self.pk}"

    @property
    def expires_on(self):
        return self.participation.round.closes_on


class TenureBand(models.TextChoices):
    UNDER_2 = "under_2", _("Under 2 år")
    FROM_2_TO_10 = "2_10", _("2–10 år")
    OVER_10 = "over_10", _("Over 10 år")


class ResponseSource(models.TextChoices):
    WEB = "web", _("Nettskjema")
    IMPORT = "import", _("Importert")


class Response(models.Model):
    """A submitted, anonymous answer. No invitation, user, IP or time of day - by design.

    The keys of a response and of its parts are random (`keys.random_key`), so sorting them
    does not give the order in which people answered."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE)
    staff_group = models.ForeignKey(StaffGroup, on_delete=models.PROTECT)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.SET_NULL)
    tenure = models.CharField(max_length=10, choices=TenureBand.choices, blank=True)
    source = models.CharField(max_length=10, choices=ResponseSource.choices)
    submitted_on = models.DateField()
    # The language the respondent answered in (nb, nn or en), for research on wording effects.
    language = models.CharField(_("språk"), max_length=5, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("besvarelse")
        verbose_name_plural = _("besvarelser")
        indexes = [models.Index(fields=["round", "municipality", "staff_group"])]

    def __str__(self):
        return f"Besvarelse {self.pk}"


class Answer(models.Model):
    """One statement's answer: 1–5, or null for «vet ikke» (or, from 2027.1, «ikke relevant»
    when `not_relevant` is set). Both are missing for scoring."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)

    # The unique (response, item) index serves look-ups by response; a second index would only
    # slow down the 10 million inserts of a national round.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT)
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    not_relevant = models.BooleanField(_("ikke relevant"), default=False, db_default=False)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="unique_answer_per_item")
        ]

    def __str__(self):
        return f"{self.item_id}: {self.value}"


class ScoreKind(models.IntegerChoices):
    DIMENSION = 1, _("Dimensjon")
    TRAIT = 2, _("Kulturtrekk")
    # The outcome index (code "outcome", 0–100), kept apart from maturity (instrument 2027.1).
    OUTCOME = 3, _("Resultat")


class ResponseScore(models.Model):
    """A respondent's score on one dimension or MDI trait, computed once at submission or import
    (domain.md §5: mean of the item scores, only when at least half were answered)."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    kind = models.PositiveSmallIntegerField(choices=ScoreKind.choices)
    code = models.CharField(max_length=40)
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "kind", "code"], name="unique_score")
        ]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self):
        return f"{self.code}: {self.value:.2f}"


class ResponseChoice(models.Model):
    """A barrier or promoter the respondent chose (at most three of each)."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="choices", db_index=False
    )
    option = models.ForeignKey(Option, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "option"], name="unique_choice")]

    def __str__(self):
        return str(self.option_id)


# --- Mail: invitation texts, batches, deliveries and reminder dates ----------------------------


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
    creates the batch and its deliveries; a worker sends them (assessment/mail.py)."""

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
