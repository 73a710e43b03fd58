"""From results to action (issue 14): action plans, actions, co-signatures, the plan's history
and the staff page.

A plan belongs to a published round and a kommune, or one unit of it. Plans hold no answers and
no figures: only what the kommune chose to do. Every change is written through
reports.action_plans (services), which appends a PlanEvent in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
