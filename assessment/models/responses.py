"""Drafts (answers in progress) and submitted responses with their answers, scores and choices.

Anonymity in storage (domain.md §6): a `Response` holds no link to an invitation, a user, an IP
address or a time finer than the date. `tests/test_anonymity_storage.py` inspects these models and
fails if such a link is added."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, OrgUnit, Sector, StaffGroup

from ..keys import random_key
from .instrument import Item, Option
from .invitations import Invitation, OpenLink
from .rounds import Participation, Round


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
