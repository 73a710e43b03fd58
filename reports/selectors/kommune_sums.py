"""The published kommune sums of one round and the rules for the national and peer figures
built from them (a few thousand rows per round, whatever the number of responses). Publication
runs them once and stores what each viewer may see (reports.comparison_snapshot).

Disclosure control (domain.md §6, residuals across populations): the kommuner are suppressed
with the complementary rule inside every population a figure is computed over - the nation and
each size class (the peer groups) - and a national or peer figure is hidden from a viewer where
it, minus what that viewer can see (the shown kommuner and their own kommune), would leave
between 1 and the minimum of respondents. No figure is computed over a fylke.
"""

from dataclasses import dataclass, field

from assessment.models import Round, ScoreKind
from assessment.scoring import OUTCOME_CODE
from municipalities.models import SizeClass

from ..anonymity import PROTECTS_SMALLER, hidden_cells, suppress_nested, withheld, withheld_cells
from ..models import MunicipalityScore, PublishedMunicipality
from .stats import Stat, make_stat, score_row


@dataclass(frozen=True)
class PopulationParts:
    """The sums of one figure over a population of kommuner: n, total, sum of squares; the
    people in cells the comparison hides (`residual`, and per kommune `hidden_n`) and in
    cells no kommune report shows (`unseen`)."""

    n: int
    total: float
    sum_sq: float
    residual: int
    unseen: int
    hidden_n: dict


@dataclass
class KommuneSums:
    """A published round's kommuner (as published) and their dimension sums, suppressed."""

    round: Round
    min_size: int
    published: dict = field(default_factory=dict)  # municipality id -> PublishedMunicipality
    rows: dict = field(default_factory=dict)  # (municipality id, code) -> score row
    hidden: set = field(default_factory=set)  # municipality ids
    cells: set = field(default_factory=set)  # (municipality id, code)
    quiet: set = field(default_factory=set)  # hidden kommuner whose reason is withheld
    quiet_cells: set = field(default_factory=set)  # (municipality id, code), reason withheld
    # (municipality id, "outcome") -> score row: the outcome index (2027.1), read by the same
    # query and kept apart from the dimensions (reports.selectors.outcomes), with its own
    # complementary suppression across kommuner
    outcome_rows: dict = field(default_factory=dict)
    outcome_cells: set = field(default_factory=set)
    outcome_quiet: set = field(default_factory=set)

    def members(self, size_class: str | None = None) -> list[int]:
        return [
            m for m, p in self.published.items() if size_class is None or p.size_class == size_class
        ]

    def population_parts(self, code: str, members) -> PopulationParts:
        """What every viewer's figure over `members` is made of (the viewer only changes which
        hidden cells they can subtract: their own)."""
        n = total = sum_sq = residual = unseen = 0
        hidden_n = {}
        for m in members:
            row = self.rows.get((m, code))
            if row is None:
                continue
            n += row["n"]
            total += row["total"]
            sum_sq += row["sum_sq"]
            if (m, code) in self.cells:
                residual += row["n"]
                hidden_n[m] = row["n"]
            # Every kommune report shows its own figure from the minimum up, also where the
            # comparison hid it to protect a smaller one, and KS may open every report: so the
            # figure minus every figure any report shows must not leave 1 to minimum - 1 people.
            if not self.in_a_report(m, row):
                unseen += row["n"]
        return PopulationParts(n, total, sum_sq, residual, unseen, hidden_n)

    def viewer_stat(self, code, label, parts: PopulationParts, own, own_shown) -> Stat:
        stat = make_stat(
            code,
            label,
            score_row(parts.n, parts.total, parts.sum_sq) if parts.n else None,
            self.min_size,
        )
        # The viewer sees their own figure, so their own hidden cell is no protection.
        residual = parts.residual
        if own in parts.hidden_n and own_shown(code):
            residual -= parts.hidden_n[own]
        if not stat.suppressed and (
            0 < residual < self.min_size or 0 < parts.unseen < self.min_size
        ):
            stat = Stat(code=code, name=label, suppressed=True, reason=PROTECTS_SMALLER)
        return stat

    def in_a_report(self, municipality_id: int, row: dict) -> bool:
        """Whether the kommune's own report shows this figure (the kommune and the figure both
        have at least the minimum)."""
        published = self.published.get(municipality_id)
        return (
            published is not None
            and published.respondents >= self.min_size
            and row["n"] >= self.min_size
        )


def kommune_sums(round_: Round, spec) -> KommuneSums:
    """Two queries: the published kommuner and their dimension and outcome sums."""
    sums = KommuneSums(round=round_, min_size=round_.effective_min_group_size)
    for p in PublishedMunicipality.objects.filter(round=round_).select_related("municipality"):
        p.round = round_
        sums.published[p.municipality_id] = p
    # Tuples, not model instances: about 4 000 rows per round.
    kinds = [ScoreKind.DIMENSION, ScoreKind.OUTCOME]
    for municipality_id, kind, code, n, total, sum_sq in MunicipalityScore.objects.filter(
        round=round_, kind__in=kinds
    ).values_list("municipality_id", "kind", "code", "n", "total", "sum_sq"):
        row = {**score_row(n, total, sum_sq), "total": total, "sum_sq": sum_sq}
        if kind == ScoreKind.OUTCOME:
            sums.outcome_rows[(municipality_id, code)] = row
        else:
            sums.rows[(municipality_id, code)] = row
    counts = {m: p.respondents for m, p in sums.published.items()}
    populations = [list(counts)] + [sums.members(size) for size in SizeClass.values]
    sums.hidden = suppress_nested(counts, sums.min_size, populations)
    sums.quiet = withheld(counts, sums.hidden, sums.min_size, populations)
    sums.cells, sums.quiet_cells = _suppressed_cells(
        sums, sums.rows, [d.code for d in spec.dimensions], counts, populations
    )
    if sums.outcome_rows:
        sums.outcome_cells, sums.outcome_quiet = _suppressed_cells(
            sums, sums.outcome_rows, [OUTCOME_CODE], counts, populations
        )
    return sums


def _suppressed_cells(sums: KommuneSums, rows: dict, codes, counts, populations):
    """The hidden (kommune, code) cells of one set of scores - complementary suppression inside
    the nation and every size class - and those among them whose reason must not be told."""
    score_n = {key: row["n"] for key, row in rows.items()}
    cells = hidden_cells(
        counts, score_n, codes, sums.min_size, sums.hidden, populations=populations
    )
    quiet = withheld_cells(
        counts,
        score_n,
        codes,
        sums.min_size,
        sums.hidden,
        cells,
        populations,
    )
    return cells, quiet


def own_shown(sums: KommuneSums, own: int | None):
    """Whether the viewer sees their own kommune's figure per dimension (the kommune report
    shows it from the minimum up)."""
    published = sums.published.get(own)
    whole = published is not None and published.respondents >= sums.min_size

    def shown(code):
        row = sums.rows.get((own, code))
        return whole and row is not None and row["n"] >= sums.min_size

    return shown
