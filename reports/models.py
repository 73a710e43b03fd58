"""API tokens. Only a hash of the key is stored; the key is shown once when created."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API-nøkkel")
        verbose_name_plural = _("API-nøkler")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


# --- The published snapshot (domain.md §6: results are published, never live) ---------------
#
# When a round closes, its answers are summed once into the cells below, at the finest grain any
# output shows. Every page, export and API call reads these cells, never the answers, and applies
# the anonymity rules to them (reports.anonymity). Nothing writes a cell after publication.


class Publication(models.Model):
    """A round's results, computed once when it closed."""

    round = models.OneToOneField(
        "assessment.Round", on_delete=models.CASCADE, primary_key=True, related_name="publication"
    )
    published_at = models.DateTimeField(_("publisert"))
    respondents = models.PositiveIntegerField(_("besvarelser"))
    municipalities = models.PositiveIntegerField(_("kommuner med svar"))
    # Cronbach's alpha per dimension: {code: {"alpha", "n", "items"}}
    reliability = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("publisering")
        verbose_name_plural = _("publiseringer")

    def __str__(self):
        return f"{self.round} ({self.published_at:%Y-%m-%d})"


class PublishedMunicipality(models.Model):
    """A participating kommune as it stood at publication (size class and fylke frozen, so a new
    population figure never moves a published kommune between peer groups)."""

    round = models.ForeignKey("assessment.Round", on_delete=models.CASCADE, db_index=False)
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    size_class = models.CharField(max_length=12)
    county_number = models.CharField(max_length=2)
    respondents = models.PositiveIntegerField()
    headcount = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality"], name="unique_published_municipality"
            )
        ]

    def __str__(self):
        return f"{self.municipality_id}: {self.respondents}"


class PublishedUnit(models.Model):
    """An enhet's name and place in the tree at publication. Renaming, moving or deleting the unit
    later leaves the published results as they were."""

    round = models.ForeignKey("assessment.Round", on_delete=models.CASCADE, db_index=False)
    unit_id = models.IntegerField()
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.PROTECT)
    sector = models.ForeignKey("municipalities.Sector", on_delete=models.PROTECT)
    name = models.CharField(max_length=150)
    path = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit_id"], name="unique_published_unit")
        ]

    def __str__(self):
        return self.name


class Cell(models.Model):
    """One combination of kommune × staff group × sector × unit in a published round.

    The cell tables hold millions of rows at national scale and are written once, from rows
    that exist in the same transaction: their foreign keys have no database constraint (checking
    them at commit cost more than computing the cells). Deleting a round still deletes its cells
    (Django's on_delete)."""

    round = models.ForeignKey(
        "assessment.Round", on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
    )
    staff_group = models.ForeignKey(
        "municipalities.StaffGroup",
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
    )
    sector = models.ForeignKey(
        "municipalities.Sector", on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    unit_id = models.IntegerField(null=True)
    unit_path = models.CharField(max_length=255, default="")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["round", "municipality", "unit_path"])]


class RespondentCell(Cell):
    n = models.PositiveIntegerField()

    class Meta(Cell.Meta):
        indexes = [models.Index(fields=["round", "municipality", "unit_path"], name="resp_cell")]

    def __str__(self):
        return f"{self.municipality_id}/{self.staff_group_id}/{self.sector_id}: {self.n}"


class ScoreCell(Cell):
    """Respondents with a score on one dimension or trait: n, sum and sum of squares."""

    kind = models.PositiveSmallIntegerField()  # assessment.models.ScoreKind
    code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    sum_sq = models.FloatField()

    class Meta(Cell.Meta):
        indexes = [models.Index(fields=["round", "municipality", "unit_path"], name="score_cell")]

    def __str__(self):
        return f"{self.code}: {self.n}"


class ItemCell(Cell):
    """How many chose each answer on one statement: 1–5, «vet ikke» and «ikke relevant»."""

    item = models.ForeignKey(
        "assessment.Item", on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    n1 = models.PositiveIntegerField()
    n2 = models.PositiveIntegerField()
    n3 = models.PositiveIntegerField()
    n4 = models.PositiveIntegerField()
    n5 = models.PositiveIntegerField()
    dont_know = models.PositiveIntegerField()
    # «Ikke relevant» (instrument 2027.1); «vet ikke» alone is dont_know.
    not_relevant = models.PositiveIntegerField(default=0, db_default=0)

    class Meta(Cell.Meta):
        indexes = [models.Index(fields=["round", "municipality", "unit_path"], name="item_cell")]

    def __str__(self):
        return f"{self.item_id}: {self.n1}/{self.n2}/{self.n3}/{self.n4}/{self.n5}/{self.dont_know}"


class ChoiceCell(Cell):
    """How many chose one barrier or promoter."""

    option = models.ForeignKey(
        "assessment.Option", on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    n = models.PositiveIntegerField()

    class Meta(Cell.Meta):
        indexes = [models.Index(fields=["round", "municipality", "unit_path"], name="choice_cell")]

    def __str__(self):
        return f"{self.option_id}: {self.n}"


class MunicipalityScore(models.Model):
    """A kommune's sums per dimension or trait, for national, peer and fylke comparisons (a few
    thousand rows a round, whatever the number of responses)."""

    round = models.ForeignKey("assessment.Round", on_delete=models.CASCADE, db_index=False)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, db_index=False
    )
    size_class = models.CharField(max_length=12)
    county_number = models.CharField(max_length=2)
    kind = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    sum_sq = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["round", "kind", "code"])]

    def __str__(self):
        return f"{self.municipality_id} {self.code}: {self.n}"


class TenureCell(models.Model):
    """A kommune's respondents per tenure band (ansiennitet, '' = not given), published with the
    round. Tenure is shown for the whole kommune only (domain.md §6), so it is not split further."""

    round = models.ForeignKey(
        "assessment.Round", on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
    )
    tenure = models.CharField(max_length=10)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["round", "municipality"], name="tenure_cell")]

    def __str__(self):
        return f"{self.municipality_id}/{self.tenure or '-'}: {self.n}"


class TenureScoreCell(models.Model):
    """Respondents with a dimension score per tenure band: n, sum and sum of squares."""

    round = models.ForeignKey(
        "assessment.Round", on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
    )
    tenure = models.CharField(max_length=10)
    code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    sum_sq = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["round", "municipality"], name="tenure_score_cell")]

    def __str__(self):
        return f"{self.municipality_id}/{self.tenure or '-'} {self.code}: {self.n}"


# --- From results to action (issue 14): action plans, co-signatures, history, staff pages -----
#
# A plan belongs to a published round and a kommune, or one unit of it. Plans hold no answers and
# no figures: only what the kommune chose to do. Every change is written through
# reports.action_plans (services), which appends a PlanEvent in the same transaction.


class ActionStatus(models.TextChoices):
    PLANNED = "planlagt", _("Planlagt")
    IN_PROGRESS = "i_gang", _("I gang")
    DONE = "ferdig", _("Ferdig")
    NO_EFFECT = "uten_effekt", _("Avsluttet uten effekt")


class ActionPlan(models.Model):
    """The follow-up of one published round for a kommune (unit = None) or one unit."""

    round = models.ForeignKey(
        "assessment.Round", on_delete=models.CASCADE, related_name="action_plans"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="action_plans"
    )
    unit = models.ForeignKey(
        "municipalities.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_plans",
        verbose_name=_("enhet"),
    )
    focus = models.JSONField(_("innsatsområder"), default=list)  # 1–3 dimension codes
    discussed_forum = models.CharField(_("drøftet i"), max_length=100, blank=True)
    discussed_on = models.DateField(_("drøftet dato"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tiltaksplan")
        verbose_name_plural = _("tiltaksplaner")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality"],
                condition=models.Q(unit__isnull=True),
                name="one_kommune_plan_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=models.Q(unit__isnull=False),
                name="one_unit_plan_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.municipality} – {self.unit or ''} – {self.round}"


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    dimension = models.CharField(_("innsatsområde"), max_length=40)
    what = models.CharField(_("hva"), max_length=300)
    why = models.CharField(_("hvorfor (funn)"), max_length=500)
    owner = models.CharField(_("ansvarlig"), max_length=150)
    due_on = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    ks_tool = models.CharField(_("KS-verktøy"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")

    def __str__(self):
        return self.what


class PlanSignature(models.Model):
    """A tillitsvalgt's co-signature of a plan."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("medsignatur")
        verbose_name_plural = _("medsignaturer")
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_signature_per_user")
        ]

    def __str__(self):
        return f"{self.user} ({self.signed_at:%Y-%m-%d})"


class PlanEventKind(models.TextChoices):
    CREATED = "created", _("Planen ble laget")
    FOCUS = "focus", _("Innsatsområder endret")
    DISCUSSED = "discussed", _("Drøfting med tillitsvalgte registrert")
    ACTION_ADDED = "action_added", _("Tiltak lagt til")
    ACTION_CHANGED = "action_changed", _("Tiltak endret")
    SIGNED = "signed", _("Medsignert av tillitsvalgt")


class AppendOnlyError(Exception):
    pass


class PlanEvent(models.Model):
    """The plan's history: appended by the services, never changed."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    username = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=PlanEventKind.choices)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("endring i tiltaksplan")
        verbose_name_plural = _("endringer i tiltaksplaner")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}: {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("PlanEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("PlanEvent is append-only")


class StaffPage(models.Model):
    """«Resultatene deles med dere»: the kommune's published results and plan for its staff,
    behind an unguessable link (derived from `salt` like an open link; only its hash is used for
    look-ups). Revoking it makes the link dead; publishing again makes a new link."""

    round = models.ForeignKey("assessment.Round", on_delete=models.CASCADE)
    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("side for ansatte")
        verbose_name_plural = _("sider for ansatte")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_staff_page",
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.round}"


class Psychometrics(models.Model):
    """A published round's psychometric figures (reports.psychometrics), computed once at
    publication: per dimension, across dimensions and against the outcome index."""

    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, primary_key=True, related_name="psychometrics"
    )
    sample = models.PositiveIntegerField(_("svar i utvalget"))
    # {code: {"items", "n", "alpha", "alpha_ci", "omega", "cfi", "rmsea", "srmr", "df",
    #         "dont_know", "not_relevant", "icc": {level: {...}}, "rwg": {...}, "statements"}}
    dimensions = models.JSONField(default=dict)
    # {"codes", "r", "htmt"}: matrices in the order of "codes"
    correlations = models.JSONField(default=dict)
    # {code: {"r", "ci95", "n"}} at respondent level, or null without an outcome index
    outcome = models.JSONField(null=True, blank=True)
    # {code: {"r", "ci95", "n"}} across kommuner shown in the national comparison
    outcome_kommuner = models.JSONField(null=True, blank=True)
    # {code: {municipality id: rwg(j)}} for kommuner shown in the national comparison
    rwg_by_municipality = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("psykometri")
        verbose_name_plural = _("psykometri")

    def __str__(self):
        return str(self.publication)
