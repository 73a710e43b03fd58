"""The published kommune sums of one round and the national and peer figures built from them
(a few thousand rows per round, whatever the number of responses).

Disclosure control (domain.md §6, residuals across populations): the kommuner are suppressed
with the complementary rule inside every population a figure is computed over - the nation and
each size class (the peer groups) - and a national or peer figure is hidden from a viewer where
it, minus what that viewer can see (the shown kommuner and their own kommune), would leave
between 1 and the minimum of respondents. No figure is computed over a fylke.
"""

from dataclasses import dataclass, field, replace

from django.db.models import Q
from django.utils.translation import gettext as _

from assessment.models import Round, ScoreKind
from assessment.scoring import OUTCOME_CODE
from municipalities.models import Municipality, SizeClass

from ..anonymity import PROTECTS_SMALLER, hidden_cells, suppress_nested, withheld, withheld_cells
from ..models import MunicipalityScore, PublishedMunicipality
from .stats import Stat, make_stat, scales, score_row


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
    history: list = field(default_factory=list)  # one kommune's PublishedMunicipality rows
    history_rows: dict = field(default_factory=dict)  # (round id, code) -> score row
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

    def population_stats(self, scales, members, own: int | None, own_shown) -> list[Stat]:
        """The figure over `members` per scale (`scales`: (code, label) pairs, as `stats.scales` gives them),
        as a viewer whose own kommune is `own` may see it (`own_shown(code)`: whether that viewer
        sees their kommune's figure)."""
        stats = []
        for code, label in scales:
            parts = [self.rows[(m, code)] for m in members if (m, code) in self.rows]
            n = sum(p["n"] for p in parts)
            total = sum(p["total"] for p in parts)
            sum_sq = sum(p["sum_sq"] for p in parts)
            stat = make_stat(code, label, score_row(n, total, sum_sq) if n else None, self.min_size)
            residual = sum(
                self.rows[(m, code)]["n"]
                for m in members
                if (m, code) in self.cells
                and not (m == own and own_shown(code))
                and (m, code) in self.rows
            )
            # Every kommune report shows its own figure from the minimum up, also where the
            # comparison hid it to protect a smaller one, and KS may open every report: so the
            # figure minus every figure any report shows must not leave 1 to minimum - 1 people.
            unseen = sum(
                self.rows[(m, code)]["n"]
                for m in members
                if (m, code) in self.rows and not self.in_a_report(m, self.rows[(m, code)])
            )
            if not stat.suppressed and (0 < residual < self.min_size or 0 < unseen < self.min_size):
                stat = Stat(code=code, name=label, suppressed=True, reason=PROTECTS_SMALLER)
            stats.append(stat)
        return stats

    def in_a_report(self, municipality_id: int, row: dict) -> bool:
        """Whether the kommune's own report shows this figure (the kommune and the figure both
        have at least the minimum)."""
        published = self.published.get(municipality_id)
        return (
            published is not None
            and published.respondents >= self.min_size
            and row["n"] >= self.min_size
        )


def kommune_sums(round_: Round, spec, history_of: Municipality | None = None) -> KommuneSums:
    """Two queries: the published kommuner and their dimension sums. With `history_of`, the
    same two queries also bring that kommune's rows in every earlier published round (for its
    trend): `history` (oldest first, this round last) and `history_rows`."""
    sums = KommuneSums(round=round_, min_size=round_.effective_min_group_size)
    this_round = Q(round=round_)
    earlier = Q(pk__in=[])
    if history_of is not None:
        earlier = Q(
            municipality=history_of,
            round__published_at__isnull=False,
            round__opens_on__lte=round_.opens_on,
        )
    for p in (
        PublishedMunicipality.objects.filter(this_round | earlier)
        .select_related("municipality", "round__instrument")
        .order_by("round__opens_on")
    ):
        if p.round_id == round_.pk:
            sums.published[p.municipality_id] = p
        if p.municipality_id == getattr(history_of, "pk", None):
            sums.history.append(p)
    history_id = getattr(history_of, "pk", None)
    # Tuples, not model instances: about 4 000 rows per round, read by every comparison.
    kinds = [ScoreKind.DIMENSION, ScoreKind.OUTCOME]
    for round_id, municipality_id, kind, code, n, total, sum_sq in MunicipalityScore.objects.filter(
        this_round | earlier, kind__in=kinds
    ).values_list("round_id", "municipality_id", "kind", "code", "n", "total", "sum_sq"):
        if kind == ScoreKind.OUTCOME:
            if round_id == round_.pk:
                sums.outcome_rows[(municipality_id, code)] = {
                    **score_row(n, total, sum_sq),
                    "total": total,
                    "sum_sq": sum_sq,
                }
            continue
        if round_id != round_.pk:
            sums.history_rows[(round_id, code)] = score_row(n, total, sum_sq)
            continue
        if municipality_id == history_id:
            sums.history_rows[(round_id, code)] = score_row(n, total, sum_sq)
        sums.rows[(municipality_id, code)] = {
            **score_row(n, total, sum_sq),
            "total": total,
            "sum_sq": sum_sq,
        }
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


def _own_shown(sums: KommuneSums, own: int | None):
    """Whether the viewer sees their own kommune's figure per dimension (the kommune report
    shows it from the minimum up)."""
    published = sums.published.get(own)
    whole = published is not None and published.respondents >= sums.min_size

    def shown(code):
        row = sums.rows.get((own, code))
        return whole and row is not None and row["n"] >= sums.min_size

    return shown


def viewer_benchmarks(sums: KommuneSums, spec, own: int | None, size_class: str):
    """(national, peer) figures as a viewer whose own kommune is `own` may see them."""
    shown = _own_shown(sums, own)
    return (
        sums.population_stats(scales(spec), sums.members(), own, shown),
        sums.population_stats(scales(spec), sums.members(size_class), own, shown),
    )


def outcome_benchmarks(sums: KommuneSums, own_id: int | None, size_class: str):
    """National and peer outcome figures (instrument 2027.1) as a viewer whose own kommune is
    `own_id` may see them: the kommune sums of the outcome score, the kommuner hidden in the
    comparison (sums.hidden) and the outcome cells hidden across kommuner (sums.outcome_cells),
    then the same residual rule as the dimensions. No query: the kommune sums bring the rows."""
    outcome_sums = replace(sums, rows=sums.outcome_rows, cells=sums.outcome_cells)
    scale = [(OUTCOME_CODE, _("Resultatindeks"))]
    shown = _own_shown(outcome_sums, own_id)
    national = outcome_sums.population_stats(scale, sums.members(), own_id, shown)[0]
    peer = outcome_sums.population_stats(scale, sums.members(size_class), own_id, shown)[0]
    return national, peer


def benchmarks_for(round_: Round, municipality: Municipality, spec, sums=None):
    """National and peer figures as the people of one kommune (its coordinator, its unit
    leaders: «without own kommune» is always without the whole kommune) may see them."""
    sums = sums or kommune_sums(round_, spec)
    published = sums.published.get(municipality.pk)
    size_class = published.size_class if published else municipality.size_class
    return viewer_benchmarks(sums, spec, municipality.pk, size_class)
