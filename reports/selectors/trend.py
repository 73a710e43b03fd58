"""Change over rounds, from published rounds only: a kommune's dimension means, and the national
means, in every earlier published round whose dimension has the same statements (comparable)."""

from assessment.models import Round
from assessment.selectors import get_instrument_spec

from .published_comparison import kommune_history, stored_comparison
from .stats import make_stat, score_row


def _statements(dimension) -> set:
    """A dimension's statements as (code, texts in every language, reverse)."""
    return {(i.code, tuple(sorted(i.text.items())), i.reverse) for i in dimension.items}


def comparable_codes(spec, other_spec) -> set[str]:
    """Dimensions whose statements are the same in both instrument versions: the same codes
    with the same texts (so a reworded statement, which gets a new code, never compares)."""
    current = {d.code: _statements(d) for d in spec.dimensions}
    return {d.code for d in other_spec.dimensions if current.get(d.code) == _statements(d)}


def _series(rounds, counts: dict, rows: dict, spec, min_size_of) -> list[dict]:
    series = []
    for other in rounds:
        comparable = comparable_codes(spec, get_instrument_spec(other.instrument))
        min_size = min_size_of(other)
        shown = counts.get(other.pk, 0) >= min_size
        series.append(
            {
                "round": other.name,
                "slug": other.slug,
                "respondents": counts.get(other.pk, 0) if shown else None,
                "dimensions": {
                    d.code: (
                        make_stat(d.code, d.label, rows.get((other.pk, d.code)), min_size).mean
                        if shown and d.code in comparable
                        else None
                    )
                    for d in spec.dimensions
                },
            }
        )
    return series


def _published_up_to(round_: Round):
    return Round.objects.filter(
        published_at__isnull=False, opens_on__lte=round_.opens_on
    ).select_related("instrument")


def municipality_trend(municipality, round_: Round, spec, min_size, history=None) -> list[dict]:
    """Oldest first, ending with this round; empty with fewer than two published rounds.
    `history` is the kommune's (published_comparison.kommune_history), when the caller has it
    already."""
    if history is None:
        history = kommune_history(round_, municipality)
    if len(history.history) < 2:
        return []
    counts = {p.round_id: p.respondents for p in history.history}
    return _series(
        [p.round for p in history.history],
        counts,
        history.history_rows,
        spec,
        # each round's own minimum, as its report hid by it (never lower than this round's)
        lambda r: max(min_size, r.effective_min_group_size),
    )


def national_trend(round_: Round, spec) -> list[dict]:
    """National dimension means per published round. A round's mean is hidden where it, minus
    every figure a kommune report shows (KS may open them all), would leave 1 to minimum - 1
    people: the same rule as the national figure of the round itself, applied when each round
    was published (reports.comparison_snapshot, its "trend"). One query: the rounds with their
    publications."""
    rounds = list(
        _published_up_to(round_)
        .filter(publication__isnull=False)
        .select_related("publication")
        .order_by("opens_on")
    )
    rows = {}
    for other in rounds:
        for code, sums in stored_comparison(other.publication)["trend"].items():
            if sums is not None:
                rows[(other.pk, code)] = score_row(*sums)
    counts = {r.pk: r.publication.respondents for r in rounds if r.publication.respondents}
    series = _series(rounds, counts, rows, spec, lambda r: r.effective_min_group_size)
    return [s for s in series if s["respondents"]]
