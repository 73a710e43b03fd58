"""Every kommune side by side (the KS benchmark page and its API), and what one viewer may see
of it: named and anonymous rows, the national figure, the outcome index beside the dimensions.
The rows and the national and peer figures were computed at publication, with their suppression
across kommuner (reports.comparison_snapshot); a fylke filter only selects rows.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import Participation, Round
from assessment.scoring import OUTCOME_CODE
from assessment.selectors import get_instrument_spec
from municipalities.models import SizeClass
from municipalities.selectors import get_access_for_user

from .published_comparison import (
    PublishedRow,
    figures_seen_by,
    outcome_seen_by,
    publication_of,
    published_rows,
    stats_from,
)
from .stats import Overall, Stat

__all__ = [
    "MIN_UNNAMED",
    "FilterTooNarrow",
    "benchmark",
    "benchmark_figures",
    "benchmark_for_viewer",
    "benchmark_viewer",
]

# A coordinator sees kommuner that have not agreed to be named only as anonymous rows, and only
# where at least this many of them are in view: fewer could be recognised.
MIN_UNNAMED = 3


def _kommune_row(row: PublishedRow, labels, min_size: int, named: bool) -> dict:
    """One kommune's row as stored at publication; `labels`: the dimensions' (code, label) and
    the outcome index's label (None without one), translated once for all the rows."""
    dimensions, outcome_label = labels
    stored = row.comparison
    is_hidden = stored["hidden"]
    stats = stats_from(dimensions, stored["dimensions"])
    return {
        "id": row.id,
        "number": row.number,
        "name": row.name,
        "county_number": row.county_number,
        "county": row.county,
        "size_class": row.size_class,
        "size_class_label": SizeClass(row.size_class).label,
        "respondents": None if is_hidden else row.respondents,
        "suppressed": is_hidden,
        "below_min": is_hidden and row.respondents < min_size,
        "reason": stored["reason"],
        "dimensions": stats,
        "overall": Overall() if is_hidden else Overall.of(stats),
        # Kept apart from the dimensions: never in the overall maturity or on the radar.
        "outcome": stats_from([(OUTCOME_CODE, outcome_label)], [stored["outcome"]])[0]
        if outcome_label and stored["outcome"]
        else None,
        "named": named,
    }


def benchmark(round_: Round, own_id: int | None = None) -> dict:
    """Every participating kommune × dimension as KS sees it, suppressed across kommuner in the
    nation and in each size class (computed at publication: reports.comparison_snapshot), and
    the national figure as the viewer whose own kommune is `own_id` (None: KS) may see it."""
    spec = get_instrument_spec(round_.instrument)
    publication = publication_of(round_)
    min_size = round_.effective_min_group_size
    published, viewer = published_rows(round_, own_id)
    # Consent to be named can change at any time, so it is read fresh with every request.
    named = set(
        Participation.objects.filter(round=round_, named_in_comparisons=True).values_list(
            "municipality_id", flat=True
        )
    )
    labels = (
        [(d.code, d.label) for d in spec.dimensions],
        _("Resultatindeks") if spec.outcomes else None,
    )
    national, _peer = figures_seen_by(publication, viewer, labels[0])
    return {
        "round": {"slug": round_.slug, "name": round_.name},
        "min_size": min_size,
        "national": national,
        "outcome_national": outcome_seen_by(publication, viewer, labels[1])[0]
        if spec.outcomes
        else None,
        "has_outcome": spec.outcomes is not None,
        "respondents": sum(row.respondents for row in published),
        "municipalities": [
            _kommune_row(row, labels, min_size, row.id in named)
            for row in sorted(published, key=lambda row: row.number)
        ],
        "dimensions": [{"code": d.code, "name": d.label} for d in spec.dimensions],
        "publication": publication,
        "viewer": viewer,
    }


def benchmark_figures(data: dict, size_class: str) -> tuple[list[Stat], list[Stat]]:
    """(national, peer over `size_class`) as the viewer of `data` (benchmark()) may see them."""
    labels = [(d["code"], d["name"]) for d in data["dimensions"]]
    return figures_seen_by(data["publication"], data["viewer"], labels, size_class)


class FilterTooNarrow(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Utvalget gir færre enn %(n)s kommuner uten navn, og de kunne blitt kjent igjen. "
                "Velg et bredere filter."
            )
            % {"n": MIN_UNNAMED}
        )


def _mean_only(stat: Stat) -> Stat:
    """What an anonymous row shows of a score: its mean; hidden without a reason (the reason
    would say whether fewer than the minimum answered, as a count would)."""
    if stat.suppressed:
        return Stat(code=stat.code, name=stat.name, suppressed=True)
    return Stat(
        code=stat.code, name=stat.name, mean=stat.mean, n=None, index=stat.index, level=stat.level
    )


def _anonymous_order(round_: Round, municipality_id: int) -> str:
    """A stable order that says nothing about the kommune (not its number, not its size)."""
    return hashlib.sha256(f"{round_.pk}:{municipality_id}".encode()).hexdigest()


def benchmark_for_viewer(
    round_: Round,
    *,
    viewer_is_national: bool,
    own_id: int | None,
    county: str = "",
    size_class: str = "",
    query: str = "",
) -> dict:
    """The benchmark as one viewer may see it, built once for the page and the API alike:
    which rows, named or not, in which order, with which national figure. A coordinator sees
    their own kommune and named kommuner by name; other kommuner only as anonymous rows (size
    class and suppressed figures, no number, no fylke, no count), only where at least
    MIN_UNNAMED of them are in view, and never in kommune-number order. A filter that leaves
    1 to MIN_UNNAMED - 1 anonymous rows is refused (FilterTooNarrow)."""
    data = benchmark(round_, own_id)
    # Only the viewer's rows leave this function: the full list (names and counts of every
    # kommune) is replaced by its length.
    municipalities = data.pop("municipalities")
    data["participating"] = len(municipalities)
    rows = []
    for row in municipalities:
        if county and row["county_number"] != county:
            continue
        if size_class and row["size_class"] != size_class:
            continue
        is_named = viewer_is_national or row["named"] or row["id"] == own_id
        if query and (
            not is_named or (query not in row["name"].lower() and query != row["number"])
        ):
            continue
        if not is_named:
            # What the page shows of it: its size class and its means, nothing to count with.
            row = {
                **row,
                "number": None,
                "name": None,
                "county": None,
                "county_number": None,
                "respondents": None,
                "below_min": False,
                "reason": None,
                "dimensions": [_mean_only(stat) for stat in row["dimensions"]],
                "outcome": _mean_only(row["outcome"]) if row["outcome"] else None,
            }
        rows.append({**row, "is_named": is_named, "is_own": row["id"] == own_id})
    few_unnamed = False
    if not viewer_is_national:
        unnamed = [r for r in rows if not r["is_named"]]
        if 0 < len(unnamed) < MIN_UNNAMED:
            if county or size_class:
                raise FilterTooNarrow()
            rows = [r for r in rows if r["is_named"]]
            few_unnamed = True
        named_rows = [r for r in rows if r["is_named"]]
        anonymous = sorted(
            (r for r in rows if not r["is_named"]),
            key=lambda r: _anonymous_order(round_, r["id"]),
        )
        rows = named_rows + anonymous
    data.update(rows=rows, few_unnamed=few_unnamed)
    return data


def benchmark_viewer(user, round_: Round) -> tuple[bool, int | None]:
    """Who may see the national comparison: KS (everything) and coordinators of a kommune that
    takes part (their own kommune by name, others only with consent). Anyone else: 404."""
    access = get_access_for_user(user)
    if access.is_national:
        return True, None
    own = access.coordinator_of & set(
        round_.participations.values_list("municipality_id", flat=True)
    )
    if not own:
        raise Http404
    return False, min(own)
