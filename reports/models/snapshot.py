"""The published snapshot (domain.md §6: results are published, never live).

When a round closes, its answers are summed once into the cells below, at the finest grain any
output shows. Every page, export and API call reads these cells, never the answers, and applies
the anonymity rules to them (reports.anonymity). The cells are views over the round's running
tallies that show nothing until the round is published; nothing adds to a tally after that.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessment.models.tallies import cell_key


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
    # The comparison across kommuner as KS sees it, computed at publication
    # (reports.comparison_snapshot): the national and peer figures and the national trend point.
    # Null only between the two steps of a publication (nullable so that SQLite can add the
    # column without rebuilding the table the cell views read).
    comparison = models.JSONField(null=True)

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
    # Computed at publication (reports.comparison_snapshot): the kommune's row in the comparison,
    # suppressed across kommuner, and the national and peer figures as its people may see them.
    comparison = models.JSONField(null=True)
    benchmarks = models.JSONField(null=True)

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

    The cells are database views (reports/migrations/0007_cells_are_views.py), not tables: the
    round's running tallies (assessment.models.tallies), which stop changing when the round is
    published, joined to its `Publication` and to the units as they were published
    (`PublishedUnit`). A round without a publication has no cells at all, so no output can read
    the sums of an open round, and publishing copies nothing. Read-only: deleting a round
    deletes its tallies, and with them its cells."""

    round = cell_key("assessment.Round")
    municipality = cell_key("municipalities.Municipality")
    staff_group = cell_key("municipalities.StaffGroup")
    sector = cell_key("municipalities.Sector")
    unit_id = models.IntegerField(null=True)
    unit_path = models.CharField(max_length=255, default="")

    class Meta:
        abstract = True
        managed = False


class RespondentCell(Cell):
    n = models.PositiveIntegerField()

    class Meta(Cell.Meta):
        managed = False

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
        managed = False

    def __str__(self):
        return f"{self.code}: {self.n}"


class ItemCell(Cell):
    """How many chose each answer on one statement: 1–5, «vet ikke» and «ikke relevant»."""

    item = cell_key("assessment.Item")
    n1 = models.PositiveIntegerField()
    n2 = models.PositiveIntegerField()
    n3 = models.PositiveIntegerField()
    n4 = models.PositiveIntegerField()
    n5 = models.PositiveIntegerField()
    dont_know = models.PositiveIntegerField()
    # «Ikke relevant» (instrument 2027.1); «vet ikke» alone is dont_know.
    not_relevant = models.PositiveIntegerField(default=0, db_default=0)

    class Meta(Cell.Meta):
        managed = False

    def __str__(self):
        return f"{self.item_id}: {self.n1}/{self.n2}/{self.n3}/{self.n4}/{self.n5}/{self.dont_know}"


class ChoiceCell(Cell):
    """How many chose one barrier or promoter."""

    option = cell_key("assessment.Option")
    n = models.PositiveIntegerField()

    class Meta(Cell.Meta):
        managed = False

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

    round = cell_key("assessment.Round")
    municipality = cell_key("municipalities.Municipality")
    tenure = models.CharField(max_length=10)
    n = models.PositiveIntegerField()

    class Meta:
        managed = False  # a view, like the cells above

    def __str__(self):
        return f"{self.municipality_id}/{self.tenure or '-'}: {self.n}"


class TenureScoreCell(models.Model):
    """Respondents with a dimension score per tenure band: n, sum and sum of squares."""

    round = cell_key("assessment.Round")
    municipality = cell_key("municipalities.Municipality")
    tenure = models.CharField(max_length=10)
    code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    sum_sq = models.FloatField()

    class Meta:
        managed = False  # a view, like the cells above

    def __str__(self):
        return f"{self.municipality_id}/{self.tenure or '-'} {self.code}: {self.n}"
