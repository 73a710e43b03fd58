"""National comparison from the published kommune sums (a few thousand rows per round, whatever
the number of responses): national and peer figures, and every kommune side by side."""

from django.db.models import Q, Sum
from django.http import Http404

from assessment.models import Participation, Round, ScoreKind
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality, SizeClass
from municipalities.selectors import get_access_for_user

from ..anonymity import hidden_cells, suppress
from ..models import MunicipalityScore, PublishedMunicipality
from .stats import Overall, Stat, make_stat, score_row


def _dimension_sums(round_, **sums) -> dict:
    """{code: {name: row}} for each named population (a Q over the kommune sums), one query."""
    aggregates = {}
    for name, population in sums.items():
        aggregates |= {
            f"{name}_n": Sum("n", filter=population),
            f"{name}_total": Sum("total", filter=population),
            f"{name}_sum_sq": Sum("sum_sq", filter=population),
        }
    rows = (
        MunicipalityScore.objects.filter(round=round_, kind=ScoreKind.DIMENSION)
        .values("code")
        .annotate(**aggregates)
        .order_by()
    )
    return {
        row["code"]: {
            name: score_row(
                row[f"{name}_n"] or 0, row[f"{name}_total"] or 0.0, row[f"{name}_sum_sq"] or 0.0
            )
            for name in sums
        }
        for row in rows
    }


def _stats(spec, rows: dict, name: str, min_size) -> list[Stat]:
    return [
        make_stat(d.code, d.label, (rows.get(d.code) or {}).get(name), min_size)
        for d in spec.dimensions
    ]


def national_stats(round_: Round, spec, min_size) -> list[Stat]:
    return _stats(spec, _dimension_sums(round_, national=Q()), "national", min_size)


def peer_stats(round_: Round, spec, min_size, size_class: str) -> list[Stat]:
    return _stats(spec, _dimension_sums(round_, peer=Q(size_class=size_class)), "peer", min_size)


def without_own(stats: list[Stat], own_rows: dict, min_size: int) -> list[Stat]:
    """Hide a national or peer figure where subtracting the viewer's own kommune from it would
    leave between 1 and `min_size` - 1 other respondents (a small kommune in a small peer group
    could otherwise be computed from the two numbers)."""
    protected = []
    for stat in stats:
        own_n = (own_rows.get((None, stat.code)) or {}).get("n", 0)
        if not stat.suppressed and 0 < stat.n - own_n < min_size:
            stat = Stat(code=stat.code, name=stat.name, suppressed=True)
        protected.append(stat)
    return protected


def _kommune_rows(round_, municipality) -> dict:
    return {
        (None, row.code): score_row(row.n, row.total, row.sum_sq)
        for row in MunicipalityScore.objects.filter(
            round=round_, municipality=municipality, kind=ScoreKind.DIMENSION
        )
    }


def benchmarks_for(
    round_: Round, municipality: Municipality, spec, min_size, own_rows=None, size_class=None
):
    """National and peer figures as one kommune may see them next to its own. `own_rows` are the
    whole kommune's sums ({(None, code): row}) and `size_class` its size class at publication;
    what is not given is read."""
    if own_rows is None:
        own_rows = _kommune_rows(round_, municipality)
    if size_class is None:
        published = PublishedMunicipality.objects.filter(round=round_, municipality=municipality)
        size_class = next(
            iter(published.values_list("size_class", flat=True)), municipality.size_class
        )
    rows = _dimension_sums(round_, national=Q(), peer=Q(size_class=size_class))
    return (
        without_own(_stats(spec, rows, "national", min_size), own_rows, min_size),
        without_own(_stats(spec, rows, "peer", min_size), own_rows, min_size),
    )


def benchmark(round_: Round) -> dict:
    """Every participating kommune × dimension, with suppression across kommuner (the national
    figure is the total, so hidden kommuner together hold nobody or at least the minimum)."""
    spec = get_instrument_spec(round_.instrument)
    min_size = round_.effective_min_group_size
    published = list(
        PublishedMunicipality.objects.filter(round=round_)
        .select_related("municipality")
        .order_by("municipality__number")
    )
    counts = {p.municipality_id: p.respondents for p in published}
    hidden = suppress(counts, min_size)
    rows = {
        (row.municipality_id, row.code): score_row(row.n, row.total, row.sum_sq)
        for row in MunicipalityScore.objects.filter(round=round_, kind=ScoreKind.DIMENSION)
    }
    cells = hidden_cells(
        counts,
        {key: row["n"] for key, row in rows.items()},
        [d.code for d in spec.dimensions],
        min_size,
        hidden,
    )
    # Consent to be named can change at any time, so it is read fresh with every request.
    named = set(
        Participation.objects.filter(round=round_, named_in_comparisons=True).values_list(
            "municipality_id", flat=True
        )
    )
    municipalities = []
    for p in published:
        m = p.municipality
        n = counts[m.pk]
        is_hidden = m.pk in hidden
        stats = [
            make_stat(
                d.code,
                d.label,
                rows.get((m.pk, d.code)),
                min_size,
                hide=is_hidden or (m.pk, d.code) in cells,
            )
            for d in spec.dimensions
        ]
        municipalities.append(
            {
                "id": m.pk,
                "number": m.number,
                "name": m.name,
                "county_number": p.county_number,
                "county": m.county_name,
                "size_class": p.size_class,
                "size_class_label": SizeClass(p.size_class).label,
                "respondents": None if is_hidden else n,
                "suppressed": is_hidden,
                "below_min": is_hidden and n < min_size,
                "dimensions": stats,
                "overall": Overall() if is_hidden else Overall.of(stats),
                "named": m.pk in named,
            }
        )
    return {
        "round": {"slug": round_.slug, "name": round_.name},
        "min_size": min_size,
        "national": national_stats(round_, spec, min_size),
        "respondents": sum(counts.values()),
        "municipalities": municipalities,
        "dimensions": [{"code": d.code, "name": d.label} for d in spec.dimensions],
    }


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
