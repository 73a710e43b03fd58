"""Running tallies of an open round: its answers summed per kommune × staff group × sector × unit
as they arrive, in the same transaction as each stored response.

Publication (reports.publication) turns them into the published cells, so closing a round sums a
few hundred thousand tally rows instead of ten million answers. Nothing else reads them: they
are never shown (domain.md §6, results are published, never live), and they hold nothing a
response does not hold already (no link to a person, an invitation or a time)."""

from django.db import models


class RandomKey(models.Func):
    """A random 63-bit key made by the database, for rows written by raw SQL: like the keys of
    assessment/keys.py, it leaves no trace of the order in which the rows were created (the
    first answer in each cell)."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        return "(random() & 9223372036854775807)", []  # SQLite: a random signed 64-bit integer

    def as_postgresql(self, compiler, connection, **extra):
        # random() has 52 random bits: two draws make the 63.
        return (
            "((floor(random() * 2147483648)::bigint << 32) | floor(random() * 4294967296)::bigint)",
            [],
        )


def random_id() -> models.BigIntegerField:
    return models.BigIntegerField(primary_key=True, db_default=RandomKey(), editable=False)


def cell_key(model: str, on_delete=models.DO_NOTHING) -> models.ForeignKey:
    """A key column of a tally or a published cell: no index of its own (the unique key covers
    it) and no database constraint (the rows are summed from rows that satisfy it)."""
    return models.ForeignKey(model, on_delete=on_delete, db_index=False, db_constraint=False)


class Tally(models.Model):
    """The keys of one response cell. `unit_key` is the unit's id, 0 for no unit (a plain column,
    so the unique key works the same on PostgreSQL and SQLite)."""

    id = random_id()
    round = cell_key("assessment.Round", on_delete=models.CASCADE)
    municipality = cell_key("municipalities.Municipality")
    staff_group = cell_key("municipalities.StaffGroup")
    sector = cell_key("municipalities.Sector")
    unit_key = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.municipality_id}/{self.staff_group_id}/{self.sector_id}/{self.unit_key}"


_CELL = ["round", "municipality", "staff_group", "sector", "unit_key"]


class RespondentTally(Tally):
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=_CELL, name="respondent_tally_key")]


class ScoreTally(Tally):
    kind = models.PositiveSmallIntegerField()  # ScoreKind
    code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    sum_sq = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[*_CELL, "kind", "code"], name="score_tally_key")
        ]


class ItemTally(Tally):
    item = cell_key("assessment.Item")
    n1 = models.PositiveIntegerField()
    n2 = models.PositiveIntegerField()
    n3 = models.PositiveIntegerField()
    n4 = models.PositiveIntegerField()
    n5 = models.PositiveIntegerField()
    dont_know = models.PositiveIntegerField()
    not_relevant = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=[*_CELL, "item"], name="item_tally_key")]


class ChoiceTally(Tally):
    option = cell_key("assessment.Option")
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=[*_CELL, "option"], name="choice_tally_key")]


class TenureTally(models.Model):
    """Respondents per kommune and tenure band; with `code`, their dimension scores (code '' is
    the respondent count itself)."""

    id = random_id()
    round = cell_key("assessment.Round", on_delete=models.CASCADE)
    municipality = cell_key("municipalities.Municipality")
    tenure = models.CharField(max_length=10)
    code = models.CharField(max_length=40)
    n = models.PositiveIntegerField()
    total = models.FloatField()
    sum_sq = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality", "tenure", "code"], name="tenure_tally_key"
            )
        ]

    def __str__(self):
        # No count: a tally of an open round is listed where the admin deletes a round.
        return f"{self.municipality_id}/{self.tenure or '-'} {self.code}"
