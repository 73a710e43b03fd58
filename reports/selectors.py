"""Scores, breakdowns and comparisons, aggregated in the database (domain.md §5) with the
anonymity rules (§6) applied here, so every output - page, chart, export, PDF, API - gets the
same, already-suppressed numbers."""

import math
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.db.models import Avg, Count, F, Q, Sum

from assessment.models import (
    Answer,
    Participation,
    Response,
    ResponseChoice,
    ResponseScore,
    Round,
    ScoreKind,
)
from assessment.selectors import get_instrument_spec
from assessment.traits import LEADER_GROUPS, TRAITS
from municipalities.models import Municipality, Sector, SizeClass, StaffGroup, localized

from . import caching
from .anonymity import suppress
from .scoring import confidence_interval, round_mean, to_index, to_level


@dataclass
class Stat:
    """One score of one group (domain.md §5). Hidden stats keep their entry with null numbers."""

    code: str
    name: str
    mean: float | None = None
    n: int = 0
    sd: float | None = None
    ci95: tuple | None = None
    index: float | None = None
    level: int | None = None
    suppressed: bool = False

    def as_api(self) -> dict:
        data = asdict(self)
        data["ci95"] = list(self.ci95) if self.ci95 else None
        if self.suppressed:
            data.update(mean=None, n=None, sd=None, ci95=None, index=None, level=None)
        return data


def _stat(code, name, row, min_size, hide=False) -> Stat:
    n = row["n"] if row else 0
    if hide or row is None or n < min_size:
        return Stat(code=code, name=name, suppressed=True)
    mean, sd = row["mean"], row["sd"]
    return Stat(
        code=code,
        name=name,
        mean=round_mean(mean),
        n=n,
        sd=None if sd is None else round(sd, 3),
        ci95=confidence_interval(mean, sd, n),
        index=to_index(mean),
        level=to_level(mean),
    )


@dataclass
class Overall:
    mean: float | None = None
    index: float | None = None
    level: int | None = None

    @classmethod
    def of(cls, stats: list[Stat]) -> "Overall":
        """Only when every dimension has a shown score (so no hidden score can be derived)."""
        if not stats or any(s.suppressed or s.mean is None for s in stats):
            return cls()
        mean = sum(s.mean for s in stats) / len(stats)
        return cls(mean=round_mean(mean), index=to_index(mean), level=to_level(mean))


@dataclass
class Group:
    key: object
    label: str
    respondents: int | None
    suppressed: bool
    dimensions: list[Stat] = field(default_factory=list)
    overall: Overall = field(default_factory=Overall)
    below_min: bool = False


def _score_rows(scores_qs, group_by: str | None, kind=ScoreKind.DIMENSION) -> dict:
    """{(group key, code): {"mean", "n", "sd"}} in one GROUP BY query."""
    fields = ["code"] if group_by is None else [group_by, "code"]
    rows = (
        scores_qs.filter(kind=kind)
        .values(*fields)
        .annotate(mean=Avg("value"), n=Count("id"), sum_sq=Sum(F("value") * F("value")))
        .order_by()
    )
    for row in rows:
        row["sd"] = sample_sd(row["mean"], row.pop("sum_sq"), row["n"])
    return {(row.get(group_by) if group_by else None, row["code"]): row for row in rows}


def sample_sd(mean: float | None, sum_sq: float | None, n: int) -> float | None:
    """Sample standard deviation from the database's sums (portable: SQLite has no STDDEV)."""
    if mean is None or sum_sq is None or n < 2:
        return None
    variance = (sum_sq - n * mean * mean) / (n - 1)
    return math.sqrt(max(variance, 0.0))


def _scales(spec, kind):
    if kind == ScoreKind.DIMENSION:
        return [(d.code, d.label) for d in spec.dimensions]
    return [(code, localized(TRAITS[code])) for code in spec.traits]


def stats_for(scores_qs, spec, min_size, kind=ScoreKind.DIMENSION) -> list[Stat]:
    rows = _score_rows(scores_qs, None, kind)
    return [
        _stat(code, name, rows.get((None, code)), min_size) for code, name in _scales(spec, kind)
    ]


def hidden_cells(keys, score_n: dict, codes, min_size, hidden_groups) -> set:
    """Complementary suppression per score: a cell (group, dimension) whose n is below the
    minimum is hidden, and the hidden cells of a dimension - with those of hidden groups - must
    hold nobody or at least the minimum, else the next-smallest cell is hidden too. Otherwise a
    hidden mean could be computed from the total's mean minus the shown ones. `score_n` maps
    (key, code) to the number of respondents with that score."""
    cells = set()
    for code in codes:
        counts = {key: score_n.get((key, code), 0) for key in keys}
        hidden = suppress(counts, min_size, never_shown=frozenset(hidden_groups))
        cells |= {(key, code) for key in hidden}
    return cells


def breakdown(responses_qs, scores_qs, spec, min_size, field_name, labels, never_shown=frozenset()):
    """Groups of a breakdown with complementary suppression over their respondent counts (and,
    per dimension, over the respondents with a score)."""
    counts = dict(responses_qs.values_list(field_name).annotate(n=Count("id")).order_by())
    hidden = suppress(counts, min_size, never_shown=never_shown)
    score_field = f"response__{field_name}"
    rows = _score_rows(scores_qs, score_field)
    scales = _scales(spec, ScoreKind.DIMENSION)
    cells = hidden_cells(
        counts,
        {key: row["n"] for key, row in rows.items()},
        [code for code, _name in scales],
        min_size,
        hidden,
    )
    groups = []
    for key, label in labels.items():
        n = counts.get(key, 0)
        if n == 0:
            continue
        is_hidden = key in hidden
        stats = [
            _stat(
                code, name, rows.get((key, code)), min_size, hide=is_hidden or (key, code) in cells
            )
            for code, name in scales
        ]
        groups.append(
            Group(
                key=key,
                label=label,
                respondents=None if is_hidden else n,
                suppressed=is_hidden,
                below_min=is_hidden and n < min_size,
                dimensions=stats,
                overall=Overall() if is_hidden else Overall.of(stats),
            )
        )
    return groups


# --- Scopes ----------------------------------------------------------------------------------


def scope_responses(
    round_: Round,
    municipality: Municipality | None = None,
    unit=None,
    size_class: str | None = None,
):
    responses = Response.objects.filter(round=round_)
    scores = ResponseScore.objects.filter(response__round=round_)
    if municipality is not None:
        responses = responses.filter(municipality=municipality)
        scores = scores.filter(response__municipality=municipality)
    if unit is not None:
        responses = responses.filter(unit__path__startswith=unit.path)
        scores = scores.filter(response__unit__path__startswith=unit.path)
    if size_class is not None:
        responses = responses.filter(municipality__size_class=size_class)
        scores = scores.filter(response__municipality__size_class=size_class)
    return responses, scores


def national_stats(round_: Round, spec, min_size) -> list[Stat]:
    def compute():
        _r, scores = scope_responses(round_)
        return stats_for(scores, spec, min_size)

    return caching.cached(round_.pk, "national", compute)


def peer_stats(round_: Round, spec, min_size, size_class: str) -> list[Stat]:
    def compute():
        _r, scores = scope_responses(round_, size_class=size_class)
        return stats_for(scores, spec, min_size)

    return caching.cached(round_.pk, f"peer:{size_class}", compute)


# --- The kommune report ----------------------------------------------------------------------


def without_own(stats: list[Stat], own_rows: dict, min_size: int) -> list[Stat]:
    """Hide a national or peer figure where subtracting the viewer's own group from it would
    leave between 1 and `min_size` - 1 other respondents (a small kommune in a small peer group
    could otherwise be computed from the two numbers)."""
    protected = []
    for stat in stats:
        own_n = (own_rows.get((None, stat.code)) or {}).get("n", 0)
        if not stat.suppressed and 0 < stat.n - own_n < min_size:
            stat = Stat(code=stat.code, name=stat.name, suppressed=True)
        protected.append(stat)
    return protected


def benchmarks_for(round_: Round, municipality: Municipality, spec, min_size, own_rows=None):
    """National and peer figures as one kommune may see them next to its own."""
    if own_rows is None:
        _r, scores = scope_responses(round_, municipality=municipality)
        own_rows = caching.cached(
            round_.pk, f"own-rows:{municipality.pk}", lambda: _score_rows(scores, None)
        )
    return (
        without_own(national_stats(round_, spec, min_size), own_rows, min_size),
        without_own(
            peer_stats(round_, spec, min_size, municipality.size_class), own_rows, min_size
        ),
    )


def _labels(model, include=None):
    return {
        obj.pk: obj.label for obj in model.objects.all() if include is None or obj.pk in include
    }


def _suppress_units(counts: dict, min_size, always=frozenset()) -> set:
    """(sector, unit) keys to hide: inside each sector (sector → units, with «no unit given»
    never shown) and then across the whole kommune. `always` keys count as hidden."""
    hidden = set()
    for sector in {s for s, _u in counts}:
        in_sector = {key: n for key, n in counts.items() if key[0] == sector}
        hidden |= suppress(in_sector, min_size, never_shown=frozenset({(sector, None)}) | always)
    return suppress(counts, min_size, never_shown=frozenset(hidden) | always)


def unit_breakdown(responses_qs, scores_qs, spec, min_size, units: dict, sectors=()):
    """Units with suppression inside each sector (sector → units, with «no unit given» never
    shown) and then across the whole kommune; the same again per dimension on the respondents
    with a score."""
    counts = {
        (sector, unit): n
        for sector, unit, n in responses_qs.values_list("sector_id", "unit_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    # A sector hidden (or a sector's dimension mean hidden) keeps all its units hidden too, or
    # a unit that makes up most of the sector would show what the sector table hides.
    hidden_sectors = {g.key for g in sectors if g.suppressed}
    hidden_sector_cells = {
        (g.key, stat.code) for g in sectors for stat in g.dimensions if stat.suppressed
    }
    hidden = _suppress_units(
        counts, min_size, frozenset(key for key in counts if key[0] in hidden_sectors)
    )
    scales = _scales(spec, ScoreKind.DIMENSION)
    # One GROUP BY (sector, unit, code): the cell counts for suppression, and the units' sums
    score_n, sums = {}, {}
    for sector, unit, code, n, total, sum_sq in (
        scores_qs.filter(kind=ScoreKind.DIMENSION)
        .values_list("response__sector_id", "response__unit_id", "code")
        .annotate(n=Count("id"), total=Sum("value"), sum_sq=Sum(F("value") * F("value")))
        .order_by()
    ):
        score_n[(sector, unit), code] = n
        if unit is not None:
            acc = sums.setdefault((unit, code), [0, 0.0, 0.0])
            acc[0], acc[1], acc[2] = acc[0] + n, acc[1] + total, acc[2] + sum_sq
    rows = {}
    for key, (n, total, sum_sq) in sums.items():
        mean = total / n
        rows[key] = {"mean": mean, "n": n, "sd": sample_sd(mean, sum_sq, n)}
    hidden_cells_ = set()
    for code, _name in scales:
        cell_counts = {key: score_n.get((key, code), 0) for key in counts}
        forced = frozenset(hidden) | {
            key for key in counts if (key[0], code) in hidden_sector_cells
        }
        for _sector, unit in _suppress_units(cell_counts, min_size, forced):
            hidden_cells_.add((unit, code))
    unit_counts = {}
    hidden_units = set()
    for (sector, unit), n in counts.items():
        if unit is None:
            continue
        unit_counts[unit] = unit_counts.get(unit, 0) + n
        if (sector, unit) in hidden:
            hidden_units.add(unit)
    groups = []
    for unit_id, unit in units.items():
        n = unit_counts.get(unit_id, 0)
        if n == 0:
            continue
        is_hidden = unit_id in hidden_units
        stats = [
            _stat(
                code,
                name,
                rows.get((unit_id, code)),
                min_size,
                hide=is_hidden or (unit_id, code) in hidden_cells_,
            )
            for code, name in scales
        ]
        groups.append(
            Group(
                key=unit_id,
                label=unit.name,
                respondents=None if is_hidden else n,
                suppressed=is_hidden,
                below_min=is_hidden and n < min_size,
                dimensions=stats,
                overall=Overall() if is_hidden else Overall.of(stats),
            )
        )
    return groups


def perception_gaps(scores_qs, spec, min_size, staff_groups: list[Group]) -> list[dict]:
    """Leaders against medarbeidere and tillitsvalgte, per dimension, using only staff groups
    that are shown themselves (so the combined figures reveal nothing hidden); a dimension where
    one of those groups has its mean hidden gets no comparison (it would give that mean away)."""
    shown = {g.key for g in staff_groups if not g.suppressed}
    leaders = [code for code in LEADER_GROUPS if code in shown]
    staff = [code for code in ("medarbeider", "tillitsvalgt") if code in shown]
    if not leaders or not staff:
        return []
    hidden_cells_ = {
        (g.key, s.code)
        for g in staff_groups
        if g.key in shown
        for s in g.dimensions
        if s.suppressed
    }
    side = Q(response__staff_group_id__in=leaders)
    rows = (
        scores_qs.filter(kind=ScoreKind.DIMENSION)
        .filter(side | Q(response__staff_group_id__in=staff))
        .values("code")
        .annotate(
            leader_mean=Avg("value", filter=side),
            leader_n=Count("id", filter=side),
            staff_mean=Avg("value", filter=~side),
            staff_n=Count("id", filter=~side),
        )
        .order_by()
    )
    by_code = {row["code"]: row for row in rows}
    gaps = []
    for dimension in spec.dimensions:
        row = by_code.get(dimension.code)
        if (
            not row
            or row["leader_n"] < min_size
            or row["staff_n"] < min_size
            or any((key, dimension.code) in hidden_cells_ for key in leaders + staff)
        ):
            gaps.append(
                {
                    "code": dimension.code,
                    "name": dimension.label,
                    "leaders": None,
                    "staff": None,
                    "gap": None,
                    "highlight": False,
                }
            )
            continue
        leader_mean, staff_mean = round_mean(row["leader_mean"]), round_mean(row["staff_mean"])
        gaps.append(
            {
                "code": dimension.code,
                "name": dimension.label,
                "leaders": leader_mean,
                "staff": staff_mean,
                "gap": round(leader_mean - staff_mean, 3),
                "highlight": False,
            }
        )
    ranked = sorted((g for g in gaps if g["gap"] is not None), key=lambda g: -abs(g["gap"]))
    for gap in ranked[:3]:
        if abs(gap["gap"]) >= 0.3:
            gap["highlight"] = True
    return gaps


def item_distributions(responses_qs, spec, min_size) -> dict:
    """Per statement: how many chose 1-5 and «vet ikke». Hidden below the minimum."""
    rows = (
        Answer.objects.filter(response__in=responses_qs.values("pk"))
        .values("item_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict] = {}
    for row in rows:
        counts.setdefault(row["item_id"], {})[row["value"]] = row["n"]
    result = {}
    for dimension in spec.dimensions:
        items = []
        for item in dimension.items:
            c = counts.get(item.id, {})
            answered = sum(n for value, n in c.items() if value is not None)
            visible = answered >= min_size
            items.append(
                {
                    "code": item.code,
                    "text": localized(item.text),
                    "reverse": item.reverse,
                    "suppressed": not visible,
                    "counts": [c.get(v, 0) for v in (1, 2, 3, 4, 5)] if visible else None,
                    "dont_know": c.get(None, 0) if visible else None,
                    "answered": answered if visible else None,
                }
            )
        result[dimension.code] = items
    return result


def choice_frequencies(responses_qs, spec, staff_groups: list[Group], respondents: int) -> dict:
    """How often each barrier and promoter was chosen, overall and per shown staff group."""
    rows = (
        ResponseChoice.objects.filter(response__in=responses_qs.values("pk"))
        .values("option_id", "response__staff_group_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_option: dict[int, dict] = {}
    for row in rows:
        per_option.setdefault(row["option_id"], {})[row["response__staff_group_id"]] = row["n"]
    shown_groups = [g for g in staff_groups if not g.suppressed]
    result = {}
    for kind, options in (("barriers", spec.barriers), ("promoters", spec.promoters)):
        entries = []
        for option in options:
            by_group = per_option.get(option.id, {})
            total = sum(by_group.values())
            entries.append(
                {
                    "code": option.code,
                    "label": option.label,
                    "count": total,
                    "percent": round(100 * total / respondents, 1) if respondents else None,
                    "by_staff_group": [
                        {
                            "staff_group": g.key,
                            "label": g.label,
                            "count": by_group.get(g.key, 0),
                            "percent": round(100 * by_group.get(g.key, 0) / g.respondents, 1),
                        }
                        for g in shown_groups
                    ],
                }
            )
        entries.sort(key=lambda e: -e["count"])
        result[kind] = entries
    return result


def trend(municipality, round_: Round, spec, min_size) -> list[dict]:
    """The kommune's dimension means in earlier rounds, where the dimension's statements are the
    same as now (comparable), oldest first, ending with this round."""
    earlier = list(
        Participation.objects.filter(
            municipality=municipality, round__opens_on__lte=round_.opens_on
        )
        .select_related("round__instrument")
        .order_by("round__opens_on")
    )
    if len(earlier) < 2:
        return []
    rounds = [p.round for p in earlier]
    counts = dict(
        Response.objects.filter(municipality=municipality, round__in=rounds)
        .values_list("round_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = _score_rows(
        ResponseScore.objects.filter(
            response__municipality=municipality, response__round__in=rounds
        ),
        "response__round_id",
    )
    current_items = {d.code: {i.code for i in d.items} for d in spec.dimensions}
    series = []
    for other in rounds:
        other_spec = get_instrument_spec(other.instrument)
        comparable = {
            d.code
            for d in other_spec.dimensions
            if current_items.get(d.code) == {i.code for i in d.items}
        }
        shown = counts.get(other.pk, 0) >= min_size
        series.append(
            {
                "round": other.name,
                "slug": other.slug,
                "respondents": counts.get(other.pk, 0) if shown else None,
                "dimensions": {
                    d.code: (
                        _stat(d.code, d.label, rows.get((other.pk, d.code)), min_size).mean
                        if shown and d.code in comparable
                        else None
                    )
                    for d in spec.dimensions
                },
            }
        )
    return series


def response_rate(round_: Round, municipality, respondents: int) -> float | None:
    from assessment.models import Headcount

    headcount = sum(
        Headcount.objects.filter(
            participation__round=round_, participation__municipality=municipality
        ).values_list("count", flat=True)
    )
    return round(100 * respondents / headcount, 1) if headcount else None


def municipality_report(round_: Round, scope) -> dict:
    """Everything the kommune report shows, already suppressed. Cached per round generation."""
    unit = scope.unit
    key = f"report:{scope.municipality.pk}:{unit.pk if unit else 0}"
    return caching.cached(round_.pk, key, lambda: _build_report(round_, scope))


def _build_report(round_: Round, scope) -> dict:
    municipality, unit = scope.municipality, scope.unit
    spec = get_instrument_spec(round_.instrument)
    min_size = round_.effective_min_group_size
    responses, scores = scope_responses(round_, municipality=municipality, unit=unit)
    respondents = responses.count()
    shown = respondents >= min_size
    report = {
        "round": {"slug": round_.slug, "name": round_.name, "closed": round_.is_closed()},
        "municipality": {
            "number": municipality.number,
            "name": municipality.name,
            "size_class": municipality.size_class,
            "size_class_label": SizeClass(municipality.size_class).label,
        },
        "unit": {"id": unit.pk, "name": unit.name} if unit else None,
        "min_size": min_size,
        "respondents": respondents if shown else None,
        "suppressed": not shown,
        "below_min": not shown and respondents > 0,
        "response_rate": response_rate(round_, municipality, respondents)
        if shown and not unit
        else None,
        "dimensions": [],
    }
    own_rows = _score_rows(scores, None)
    report["national"], report["peer"] = benchmarks_for(
        round_, municipality, spec, min_size, own_rows=own_rows
    )
    if not shown:
        report.update(
            overall=Overall(),
            staff_groups=[],
            sectors=[],
            units=[],
            gaps=[],
            traits=[],
            items={},
            choices={},
            trend=[],
            strengths=[],
            improvements=[],
            hidden_summary={},
        )
        return report
    dimensions = [
        _stat(code, name, own_rows.get((None, code)), min_size)
        for code, name in _scales(spec, ScoreKind.DIMENSION)
    ]
    staff_groups = breakdown(
        responses, scores, spec, min_size, "staff_group_id", _labels(StaffGroup)
    )
    sectors = breakdown(responses, scores, spec, min_size, "sector_id", _labels(Sector))
    units = unit_breakdown(
        responses,
        scores,
        spec,
        min_size,
        {u.pk: u for u in municipality.units.all().order_by("sector__order", "path")},
        sectors=sectors,
    )
    ranked = sorted((s for s in dimensions if not s.suppressed), key=lambda s: -s.mean)
    report.update(
        overall=Overall.of(dimensions),
        dimensions=dimensions,
        staff_groups=staff_groups,
        sectors=sectors,
        units=units,
        gaps=perception_gaps(scores, spec, min_size, staff_groups),
        traits=stats_for(scores, spec, min_size, kind=ScoreKind.TRAIT),
        items=item_distributions(responses, spec, min_size),
        choices=choice_frequencies(responses, spec, staff_groups, respondents),
        trend=[] if unit else trend(municipality, round_, spec, min_size),
        strengths=ranked[:3],
        improvements=list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
        hidden_summary={
            "staff_groups": sum(1 for g in staff_groups if g.suppressed),
            "sectors": sum(1 for g in sectors if g.suppressed),
            "units": sum(1 for g in units if g.suppressed),
            "dimensions": sum(1 for s in dimensions if s.suppressed),
        },
    )
    return report


# --- National comparison ---------------------------------------------------------------------


def benchmark(round_: Round) -> dict:
    """Every participating kommune × dimension, with suppression across kommuner (the national
    figure is the total, so hidden kommuner together hold nobody or at least the minimum)."""
    data = caching.cached(round_.pk, "benchmark", lambda: _build_benchmark(round_))
    # Consent to be named can change at any time, so it is read fresh, never from the cache.
    named = set(
        Participation.objects.filter(round=round_, named_in_comparisons=True).values_list(
            "municipality_id", flat=True
        )
    )
    for row in data["municipalities"]:
        row["named"] = row["id"] in named
    return data


def _build_benchmark(round_: Round) -> dict:
    spec = get_instrument_spec(round_.instrument)
    min_size = round_.effective_min_group_size
    responses, scores = scope_responses(round_)
    counts = dict(responses.values_list("municipality_id").annotate(n=Count("id")).order_by())
    participations = list(
        Participation.objects.filter(round=round_)
        .select_related("municipality")
        .order_by("municipality__number")
    )
    for p in participations:
        counts.setdefault(p.municipality_id, 0)
    hidden = suppress(counts, min_size)
    rows = _score_rows(scores, "response__municipality_id")
    cells = hidden_cells(
        counts,
        {key: row["n"] for key, row in rows.items()},
        [d.code for d in spec.dimensions],
        min_size,
        hidden,
    )
    municipalities = []
    for p in participations:
        m = p.municipality
        n = counts.get(m.pk, 0)
        is_hidden = m.pk in hidden
        stats = [
            _stat(
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
                "county_number": m.county_number,
                "county": m.county_name,
                "size_class": m.size_class,
                "size_class_label": SizeClass(m.size_class).label,
                "respondents": None if is_hidden else n,
                "suppressed": is_hidden,
                "below_min": is_hidden and n < min_size,
                "dimensions": stats,
                "overall": Overall() if is_hidden else Overall.of(stats),
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


def quartiles(values: list[float]) -> dict | None:
    if not values:
        return None
    ordered = sorted(values)

    def q(p):
        pos = (len(ordered) - 1) * p
        low, high = math.floor(pos), math.ceil(pos)
        return round(ordered[low] + (ordered[high] - ordered[low]) * (pos - low), 3)

    return {"min": ordered[0], "q1": q(0.25), "median": q(0.5), "q3": q(0.75), "max": ordered[-1]}


def national_trend(round_: Round, spec) -> list[dict]:
    """Cached under the round: new answers in an earlier round invalidate later rounds too."""
    return caching.cached(round_.pk, "national-trend", lambda: _national_trend(round_, spec))


def _national_trend(round_: Round, spec) -> list[dict]:
    """National dimension means per round (all rounds whose dimensions compare with `spec`)."""
    rounds = list(
        Round.objects.filter(opens_on__lte=round_.opens_on)
        .select_related("instrument")
        .order_by("opens_on")
    )
    rows = _score_rows(
        ResponseScore.objects.filter(response__round__in=rounds), "response__round_id"
    )
    counts = dict(
        Response.objects.filter(round__in=rounds)
        .values_list("round_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    current = {d.code: {i.code for i in d.items} for d in spec.dimensions}
    series = []
    for earlier in rounds:
        other = get_instrument_spec(earlier.instrument)
        comparable = {
            d.code for d in other.dimensions if current.get(d.code) == {i.code for i in d.items}
        }
        min_size = earlier.effective_min_group_size
        series.append(
            {
                "round": earlier.name,
                "slug": earlier.slug,
                "respondents": counts.get(earlier.pk, 0),
                "dimensions": {
                    d.code: (
                        _stat(d.code, d.label, rows.get((earlier.pk, d.code)), min_size).mean
                        if d.code in comparable
                        else None
                    )
                    for d in spec.dimensions
                },
            }
        )
    return [s for s in series if s["respondents"]]


# --- Reliability -----------------------------------------------------------------------------

_ALPHA_SQL = """
SELECT d.code, i.id, a.response_id,
       CASE WHEN i.reverse THEN 6 - a.value ELSE a.value END AS score
FROM assessment_answer a
JOIN assessment_item i ON i.id = a.item_id
JOIN assessment_dimension d ON d.id = i.dimension_id
JOIN assessment_response r ON r.id = a.response_id
WHERE r.round_id = %s AND a.value IS NOT NULL
"""

_ALPHA_AGG_SQL = """
WITH s AS ({base}),
k AS (SELECT code, COUNT(DISTINCT id) AS items FROM s GROUP BY code),
complete AS (
  SELECT s.code, s.response_id, SUM(s.score) AS total
  FROM s JOIN k ON k.code = s.code
  GROUP BY s.code, s.response_id, k.items HAVING COUNT(*) = k.items
),
item_var AS (
  SELECT s.code, s.id, VAR_SAMP(s.score * 1.0) AS v
  FROM s JOIN complete c ON c.code = s.code AND c.response_id = s.response_id
  GROUP BY s.code, s.id
)
SELECT k.code, k.items,
       (SELECT SUM(v) FROM item_var WHERE item_var.code = k.code) AS sum_item_var,
       (SELECT VAR_SAMP(total * 1.0) FROM complete WHERE complete.code = k.code) AS total_var,
       (SELECT COUNT(*) FROM complete WHERE complete.code = k.code) AS n
FROM k
"""


def cronbach_alphas(round_: Round) -> dict:
    """Cronbach's alpha per dimension from respondents who answered every item of it (one SQL
    statement). Only statements answered by all staff groups count as complete cases."""
    from .scoring import cronbach_alpha

    def compute():
        core = set(StaffGroup.objects.filter(is_optional=False).values_list("code", flat=True))
        spec = get_instrument_spec(round_.instrument)
        ids = [i.id for i in spec.items.values() if core <= i.audience] or [0]
        base = _ALPHA_SQL + f"AND i.id IN ({', '.join(['%s'] * len(ids))})\n"
        with connection.cursor() as cursor:
            cursor.execute(_ALPHA_AGG_SQL.format(base=base), [round_.pk, *ids])
            rows = cursor.fetchall()
        result = {}
        for code, items, sum_item_var, total_var, n in rows:
            alpha = None
            if n and n >= 10 and items >= 2 and total_var:
                k = int(items)
                alpha = round(k / (k - 1) * (1 - float(sum_item_var) / float(total_var)), 2)
            result[code] = {"alpha": alpha, "n": n or 0, "items": int(items)}
        return result

    _ = cronbach_alpha
    return caching.cached(round_.pk, "alpha", compute)


def reliability_for_closed_rounds() -> list[dict]:
    from django.utils import timezone

    closed = Round.objects.filter(closes_on__lt=timezone.localdate()).select_related("instrument")
    result = []
    for round_ in closed.order_by("-closes_on")[:3]:
        spec = get_instrument_spec(round_.instrument)
        alphas = cronbach_alphas(round_)
        result.append(
            {
                "round": round_,
                "dimensions": [
                    {
                        "name": d.label,
                        **alphas.get(d.code, {"alpha": None, "n": 0, "items": len(d.items)}),
                    }
                    for d in spec.dimensions
                ],
            }
        )
    return result


def benchmark_viewer(user, round_: Round) -> tuple[bool, int | None]:
    """Who may see the national comparison: KS (everything) and coordinators of a kommune that
    takes part (their own kommune by name, others only with consent). Anyone else: 404."""
    from django.http import Http404

    from municipalities.selectors import get_access_for_user

    access = get_access_for_user(user)
    if access.is_national:
        return True, None
    own = access.coordinator_of & set(
        round_.participations.values_list("municipality_id", flat=True)
    )
    if not own:
        raise Http404
    return False, min(own)


def home_overview(user) -> dict:
    """The signed-in start page: the kommuner the user works with (with their rounds and whether
    the user coordinates them) and, for KS, the rounds."""
    from assessment.models import Participation
    from assessment.selectors import list_rounds
    from municipalities.selectors import get_access_for_user

    access = get_access_for_user(user)
    participations = list(
        Participation.objects.filter(municipality_id__in=access.municipality_ids)
        .select_related("round", "municipality")
        .order_by("municipality__name", "-round__opens_on")
    )
    municipalities = {}
    for municipality in Municipality.objects.filter(pk__in=access.municipality_ids).order_by(
        "name"
    ):
        municipalities[municipality.pk] = {
            "municipality": municipality,
            "coordinates": access.can_coordinate(municipality.pk),
            "participations": [],
        }
    for participation in participations:
        municipalities[participation.municipality_id]["participations"].append(participation)
    return {
        "my_municipalities": list(municipalities.values()),
        "rounds": list_rounds() if access.is_national else [],
    }
