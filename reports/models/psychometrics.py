"""The psychometric figures of a published round, stored once at publication."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .snapshot import Publication


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
