"""The comparison across kommuner, computed once when a round is published (domain.md §6).

Everything the comparison shows is a function of the round's frozen kommune sums: each kommune's
row, suppressed across kommuner in the nation and in each size class, and the national and peer
figures under the residual rule, which depends on the viewer only through their own kommune.
Publication runs those rules (reports.selectors.kommune_sums) once and stores what each viewer
may see. The pages, the API and the exports read it (reports.selectors.published_comparison)
instead of running the rules over every kommune with every request.

Stored, each figure a `stats.stat_to_json` list in the order of the instrument's dimensions:
- Publication.comparison: "national" and "peers" ({size class: ...}) as KS sees them (no own
  kommune), "outcome_national" and "outcome_peers" for the outcome index (instrument 2027.1,
  else null), and "trend" ({code: [n, total, sum_sq], or null where hidden}): the round's point
  on the national trend.
- PublishedMunicipality.comparison: the kommune's row: "hidden", "reason", "dimensions",
  "outcome".
- PublishedMunicipality.benchmarks: "national", "peer" (its size class) and "outcome"
  ([national, peer]) as the kommune's own people (coordinator, unit leaders) may see them.
"""

from dataclasses import replace

from assessment.models import Round
from assessment.scoring import OUTCOME_CODE
from assessment.selectors import get_instrument_spec
from municipalities.models import SizeClass

from .anonymity import WITHHELD, reason
from .models import Publication, PublishedMunicipality
from .selectors.kommune_sums import KommuneSums, kommune_sums, own_shown
from .selectors.stats import make_stat, stat_to_json


def store_comparison(*, round_: Round, publication: Publication) -> None:
    """Compute and store the round's comparison (call inside the publication's transaction,
    after the kommune sums are written)."""
    spec = get_instrument_spec(round_.instrument)
    sums = kommune_sums(round_, spec)
    codes = [d.code for d in spec.dimensions]
    figures = _Figures(sums, codes)
    outcome = None
    if spec.outcomes is not None:
        outcome = _Figures(
            replace(sums, rows=sums.outcome_rows, cells=sums.outcome_cells), [OUTCOME_CODE]
        )
    publication.comparison = {
        "national": figures.seen(None, None),
        "peers": {size: figures.seen(None, size) for size in SizeClass.values},
        "outcome_national": outcome.seen(None, None)[0] if outcome else None,
        "outcome_peers": {size: outcome.seen(None, size)[0] for size in SizeClass.values}
        if outcome
        else None,
        "trend": {
            code: [parts.n, parts.total, parts.sum_sq]
            if parts.n and not 0 < parts.unseen < sums.min_size
            else None
            for code, parts in zip(codes, figures.parts[None], strict=True)
        },
    }
    publication.save(update_fields=["comparison"])
    for municipality_id, published in sums.published.items():
        published.comparison = _row(sums, codes, municipality_id, outcome is not None)
        published.benchmarks = {
            "national": figures.seen(municipality_id, None),
            "peer": figures.seen(municipality_id, published.size_class),
            "outcome": [
                outcome.seen(municipality_id, None)[0],
                outcome.seen(municipality_id, published.size_class)[0],
            ]
            if outcome
            else None,
        }
    PublishedMunicipality.objects.bulk_update(
        list(sums.published.values()), ["comparison", "benchmarks"], batch_size=200
    )


class _Figures:
    """The national and peer figures of one set of scores, as any viewer may see them: the
    sums over each population once, then per viewer only their own hidden cell changes."""

    def __init__(self, sums: KommuneSums, codes: list[str]):
        self.sums, self.codes = sums, codes
        populations = {None: sums.members(), **{s: sums.members(s) for s in SizeClass.values}}
        self.parts = {
            key: [sums.population_parts(code, members) for code in codes]
            for key, members in populations.items()
        }

    def seen(self, own: int | None, size_class: str | None) -> list[list]:
        shown = own_shown(self.sums, own)
        return [
            stat_to_json(self.sums.viewer_stat(code, "", parts, own, shown))
            for code, parts in zip(self.codes, self.parts[size_class], strict=True)
        ]


def _row(sums: KommuneSums, codes: list[str], municipality_id: int, has_outcome: bool) -> dict:
    """The kommune's row in the comparison: hidden as a whole (with the reason, or WITHHELD
    where the reason would give a count away), or per dimension."""
    is_hidden = municipality_id in sums.hidden
    why = None
    if is_hidden:
        respondents = sums.published[municipality_id].respondents
        why = WITHHELD if municipality_id in sums.quiet else reason(respondents, sums.min_size)

    def stat(code, rows, cells, quiet):
        key = (municipality_id, code)
        return stat_to_json(
            make_stat(
                code,
                "",
                rows.get(key),
                sums.min_size,
                key in cells,
                why or (WITHHELD if key in quiet else None),
            )
        )

    return {
        "hidden": is_hidden,
        "reason": why,
        "dimensions": [stat(code, sums.rows, sums.cells, sums.quiet_cells) for code in codes],
        "outcome": stat(OUTCOME_CODE, sums.outcome_rows, sums.outcome_cells, sums.outcome_quiet)
        if has_outcome
        else None,
    }
