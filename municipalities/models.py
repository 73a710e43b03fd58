"""Kommuner, their org units, the national staff groups and sectors, and user roles."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(texts: dict | None, language: str | None = None) -> str:
    """Pick the text for the active language from a {"nb", "nn", "en"} dict, bokmål as fallback."""
    if not texts:
        return ""
    language = (language or get_language() or "nb")[:2]
    if language == "no":
        language = "nb"
    return texts.get(language) or texts.get("nb") or next(iter(texts.values()), "")


class SizeClass(models.TextChoices):
    """Kommunestørrelse (domain.md §5): the peer groups."""

    UNDER_5K = "under_5000", _("Under 5 000 innbyggere")
    FROM_5K = "5000_19999", _("5 000–19 999 innbyggere")
    FROM_20K = "20000_49999", _("20 000–49 999 innbyggere")
    FROM_50K = "50000_plus", _("50 000 innbyggere og flere")

    @classmethod
    def for_population(cls, population: int) -> "SizeClass":
        if population < 5000:
            return cls.UNDER_5K
        if population < 20000:
            return cls.FROM_5K
        if population < 50000:
            return cls.FROM_20K
        return cls.FROM_50K


class LanguageForm(models.TextChoices):
    """Målform: the kommune's official written standard."""

    BOKMAL = "bokmal", _("Bokmål")
    NYNORSK = "nynorsk", _("Nynorsk")
    NEUTRAL = "noytral", _("Nøytral")


class Municipality(models.Model):
    """A kommune (2025 register of 357)."""

    number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunenummeret må ha fire sifre."))],
    )
    name = models.CharField(_("navn"), max_length=100)
    county_number = models.CharField(_("fylkesnummer"), max_length=2)
    county_name = models.CharField(_("fylke"), max_length=100)
    admin_centre = models.CharField(_("administrasjonssenter"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("innbyggere"))
    area_km2 = models.DecimalField(_("areal (km²)"), max_digits=9, decimal_places=2)
    language_form = models.CharField(_("målform"), max_length=10, choices=LanguageForm.choices)
    size_class = models.CharField(_("størrelsesgruppe"), max_length=12, choices=SizeClass.choices)

    class Meta:
        ordering = ["number"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        indexes = [models.Index(fields=["size_class"]), models.Index(fields=["county_number"])]

    def __str__(self):
        return f"{self.number} {self.name}"

    def save(self, *args, **kwargs):
        self.size_class = SizeClass.for_population(self.population)
        super().save(*args, **kwargs)

    @property
    def default_language(self) -> str:
        """Respondents in a nynorsk kommune get nynorsk unless they choose otherwise."""
        return "nn" if self.language_form == LanguageForm.NYNORSK else "nb"


class StaffGroup(models.Model):
    """Fixed national staff groups (domain.md §4), so groups compare across kommuner."""

    code = models.CharField(_("kode"), max_length=20, primary_key=True)
    name = models.JSONField(_("navn"))
    order = models.PositiveSmallIntegerField(default=0)
    is_optional = models.BooleanField(_("valgfri per runde"), default=False)

    class Meta:
        ordering = ["order"]
        verbose_name = _("ansattgruppe")
        verbose_name_plural = _("ansattgrupper")

    def __str__(self):
        return localized(self.name)

    @property
    def label(self) -> str:
        return localized(self.name)


class Sector(models.Model):
    """Fixed national sectors (tjenesteområder)."""

    code = models.CharField(_("kode"), max_length=20, primary_key=True)
    name = models.JSONField(_("navn"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("sektor")
        verbose_name_plural = _("sektorer")

    def __str__(self):
        return localized(self.name)

    @property
    def label(self) -> str:
        return localized(self.name)


class OrgUnit(models.Model):
    """An enhet in a kommune: a tree under a sector. `path` makes subtree queries one LIKE."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="units", verbose_name=_("kommune")
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name=_("sektor"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("overordnet enhet"),
    )
    name = models.CharField(_("navn"), max_length=150)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["sector__order", "path"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="unique_unit_name_per_municipality"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Role(models.TextChoices):
    KS_ANALYST = "ks_analyst", _("KS-analytiker")
    COORDINATOR = "coordinator", _("Koordinator (kommune)")
    UNIT_LEADER = "unit_leader", _("Enhetsleder")
    TILLITSVALGT = "tillitsvalgt", _("Tillitsvalgt (kommune)")


class Membership(models.Model):
    """Gives a user a role: national (KS), one kommune (coordinator; tillitsvalgt, who reads the
    kommune report and co-signs its action plans) or one unit subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("kommune")
    )
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("enhet")
    )

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role="ks_analyst", municipality__isnull=True, unit__isnull=True)
                    | Q(role="coordinator", municipality__isnull=False, unit__isnull=True)
                    | Q(role="unit_leader", municipality__isnull=False, unit__isnull=False)
                    | Q(role="tillitsvalgt", municipality__isnull=False, unit__isnull=True)
                ),
            ),
        ]

    def __str__(self):
        scope = self.unit or self.municipality or "Norge"
        return f"{self.user} – {self.get_role_display()} – {scope}"

    def clean(self):
        """One unit per unit leader and kommune, wherever a role is granted (services, the
        admin): a person who saw two units' pages beside each other could subtract one from the
        other, or both from their sector (domain.md §6)."""
        super().clean()
        if (
            self.role == Role.UNIT_LEADER
            and self.user_id
            and self.municipality_id
            and Membership.objects.filter(
                user_id=self.user_id, role=self.role, municipality_id=self.municipality_id
            )
            .exclude(unit_id=self.unit_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                _(
                    "%(user)s leder allerede en annen enhet i %(kommune)s. En enhetsleder kan ha "
                    "én enhet per kommune, ellers kunne to enhetssider trekkes fra hverandre."
                )
                % {"user": self.user.username, "kommune": self.municipality.name}
            )


class PendingGrant(models.Model):
    """A role waiting for someone's first sign-in with single sign-on (README: Innlogging med
    organisasjonskonto). `identity` is the value of the provider's identity claim, normally the
    e-mail address (lower case). At sign-in it becomes a Membership and is deleted."""

    identity = models.CharField(_("e-post eller identitet"), max_length=254)
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("kommune")
    )
    unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("enhet")
    )
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("rolle som venter på innlogging")
        verbose_name_plural = _("roller som venter på innlogging")
        constraints = [
            models.UniqueConstraint(
                fields=["identity", "role", "municipality", "unit"], name="unique_pending_grant"
            )
        ]

    def __str__(self):
        return f"{self.identity} – {self.get_role_display()}"


class KsTool(models.TextChoices):
    BLT = "blt", _("Behov – Løsning – Test (BLT) / N3")
    VEIKART = "veikart", _("Veikart for tjenesteinnovasjon")
    SLIK = "slik", _("SLIK (sammen lykkes innovasjon i kommunene)")
    GEVINST = "gevinst", _("Gevinstrealiseringsverktøy")
    BAROMETER = "barometer", _("Innovasjonsbarometeret")
    KOMPETANSE = "kompetanse", _("KS' kurs og læringsnettverk i innovasjon")


# The structural questions of the fact sheet: (field, question). Each is answered yes / no /
# «vet ikke» by the coordinator, once per round. They are facts about the kommune, not about
# people, so the instrument's level texts can refer to them instead of asking respondents.
FACT_QUESTIONS = (
    ("innovation_strategy", _("Har kommunen vedtatt en innovasjonsstrategi eller -plan?")),
    ("in_community_plan", _("Står innovasjon i kommuneplanens samfunnsdel?")),
    ("budget_line", _("Har budsjettet en egen post for innovasjon eller utvikling?")),
    ("innovation_lead", _("Har kommunen en innovasjonsleder eller pådriver med tid til det?")),
    ("idea_arena", _("Finnes det en fast arena eller ordning for ansattes ideer?")),
    ("tripartite", _("Tas innovasjon opp i trepartssamarbeidet?")),
    ("citizen_cocreation", _("Har kommunen skapt tjenester sammen med innbyggere siste år?")),
    ("research_partner", _("Har kommunen samarbeidet med forskning eller utdanning siste år?")),
    ("network", _("Er kommunen med i et regionalt innovasjons- eller digitaliseringsnettverk?")),
    ("benefit_routine", _("Har kommunen en rutine for gevinstrealisering?")),
    ("methods_training", _("Har ansatte fått opplæring i innovasjonsmetoder siste år?")),
)


FACT_SHORT = {
    "innovation_strategy": _("Strategi"),
    "in_community_plan": _("Samfunnsdelen"),
    "budget_line": _("Budsjettpost"),
    "innovation_lead": _("Pådriver"),
    "idea_arena": _("Idéarena"),
    "tripartite": _("Trepart"),
    "citizen_cocreation": _("Samskaping"),
    "research_partner": _("Forskning"),
    "network": _("Nettverk"),
    "benefit_routine": _("Gevinst"),
    "methods_training": _("Opplæring"),
}


class FactSheet(models.Model):
    """A kommune's structural facts for one round, answered once by its coordinator and frozen
    when the round is published (issue 13, item 6)."""

    participation = models.OneToOneField(
        "assessment.Participation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="fact_sheet",
    )
    innovation_strategy = models.BooleanField(null=True)
    in_community_plan = models.BooleanField(null=True)
    budget_line = models.BooleanField(null=True)
    innovation_lead = models.BooleanField(null=True)
    idea_arena = models.BooleanField(null=True)
    tripartite = models.BooleanField(null=True)
    citizen_cocreation = models.BooleanField(null=True)
    research_partner = models.BooleanField(null=True)
    network = models.BooleanField(null=True)
    benefit_routine = models.BooleanField(null=True)
    methods_training = models.BooleanField(null=True)
    ks_tools = models.JSONField(_("KS-verktøy i bruk"), default=list, blank=True)
    services_scaled = models.PositiveSmallIntegerField(
        _("nye tjenester eller løsninger tatt i bruk i hele kommunen siste år"),
        null=True,
        blank=True,
    )
    updated_on = models.DateField(_("sist endret"))

    class Meta:
        verbose_name = _("faktaark")
        verbose_name_plural = _("faktaark")

    def __str__(self):
        return str(self.participation_id)
