"""The comparison across kommuner as stored at publication (reports.comparison_snapshot): every
kommune's row, already suppressed across kommuner, and the national and peer figures as each
viewer may see them. Reading it is one query over the published kommuner (and none for one
kommune's figures beyond its own row), whatever the number of kommuner and responses.

A viewer is KS (no own kommune) or the people of one kommune. A kommune's people see their own
figures, so the national figure, and the peer figure of their own size class, are theirs; a
population their kommune is not in looks the same to them as to KS."""

from dataclasses import dataclass, field

from django.db.models import Case, JSONField, Value, When

from assessment.models import Round, ScoreKind
from assessment.scoring import OUTCOME_CODE
from municipalities.models import Municipality

from ..anonymity import TOO_FEW
from ..models import MunicipalityScore, Publication, PublishedMunicipality
from .stats import Stat, scales, score_row, stat_from_json


def publication_of(round_: Round) -> Publication | None:
    """The round's publication (read with the round where the caller selected it); None while
    it is not published."""
    try:
        return round_.publication
    except Publication.DoesNotExist:  # not published, or published after the round was read
        return Publication.objects.filter(round=round_).first()


def stored_comparison(publication: Publication) -> dict:
    """What publication stored (migration 0008 computed it for rounds published before)."""
    if publication.comparison is None:
        raise ValueError(f"Publication {publication.pk} has no stored comparison")
    return publication.comparison


def stats_from(labels, data) -> list[Stat]:
    """Stored figures named in the reader's language (`labels`: (code, label) pairs)."""
    return [stat_from_json(code, label, d) for (code, label), d in zip(labels, data, strict=True)]


@dataclass(frozen=True)
class Viewer:
    """Who reads: `benchmarks` is their own kommune's stored figures (None for KS, or for a
    kommune that is not published), `size_class` the size class it was published in."""

    benchmarks: dict | None = None
    size_class: str = ""


def figures_seen_by(
    publication: Publication | None, viewer: Viewer, labels, size_class: str = ""
) -> tuple[list[Stat], list[Stat]]:
    """(national, peer over `size_class`) as the viewer may see them; the peers are those of the
    viewer's own size class unless another is given, and none for KS without one. Before
    publication every figure is hidden: nobody is in them yet."""
    size_class = size_class or viewer.size_class
    if publication is None:
        return _nobody(labels), _nobody(labels) if size_class else []
    stored, own = stored_comparison(publication), viewer.benchmarks
    national = stats_from(labels, own["national"] if own else stored["national"])
    if not size_class:
        return national, []
    if own and size_class == viewer.size_class:
        peer = own["peer"]
    else:
        peer = stored["peers"].get(size_class)
    if peer is None:  # a size class no kommune was published in: nobody is in the figure
        return national, _nobody(labels)
    return national, stats_from(labels, peer)


def _nobody(labels) -> list[Stat]:
    return [Stat(code=code, name=label, suppressed=True, reason=TOO_FEW) for code, label in labels]


def outcome_seen_by(
    publication: Publication | None, viewer: Viewer, label: str | None, size_class: str = ""
):
    """The outcome index's (national, peer over `size_class`) figures as the viewer may see them,
    as `figures_seen_by` (peer None for KS without a size class); (None, None) for an instrument
    without outcomes, or before publication."""
    if publication is None:
        return None, None
    stored, own = stored_comparison(publication), viewer.benchmarks
    size_class = size_class or viewer.size_class
    if stored["outcome_national"] is None:
        return None, None
    national = own["outcome"][0] if own else stored["outcome_national"]
    peer = None
    if size_class:
        if own and size_class == viewer.size_class:
            peer = own["outcome"][1]
        else:
            peer = stored["outcome_peers"].get(size_class)
    scale = [(OUTCOME_CODE, label or "")]
    return (
        stats_from(scale, [national])[0],
        stats_from(scale, [peer])[0] if peer is not None else None,
    )


@dataclass(frozen=True)
class PublishedRow:
    """One published kommune as the comparison lists it."""

    id: int
    number: str
    name: str
    county: str
    county_number: str
    size_class: str
    respondents: int
    comparison: dict


def published_rows(round_: Round, own_id: int | None) -> tuple[list[PublishedRow], Viewer]:
    """Every published kommune of the round with its stored row, and the viewer whose own
    kommune is `own_id` (its stored figures come with the same query)."""
    own_benchmarks = (
        Case(
            When(municipality_id=own_id, then="benchmarks"),
            default=Value(None),
            output_field=JSONField(),
        )
        if own_id is not None
        else Value(None, output_field=JSONField())
    )
    rows, viewer = [], Viewer()
    for id_, number, name, county, county_number, size, respondents, row_json, benchmarks in (
        PublishedMunicipality.objects.filter(round=round_)
        .annotate(own_benchmarks=own_benchmarks)
        .values_list(
            "municipality_id",
            "municipality__number",
            "municipality__name",
            "municipality__county_name",
            "county_number",
            "size_class",
            "respondents",
            "comparison",
            "own_benchmarks",
        )
    ):
        row = PublishedRow(
            id_, number, name, county, county_number, size, respondents, row_json or {}
        )
        rows.append(row)
        if row.id == own_id:
            viewer = Viewer(benchmarks=_own(benchmarks, row.id), size_class=row.size_class)
    return rows, viewer


@dataclass
class KommuneHistory:
    """One kommune as published in a round and every earlier published round (its trend)."""

    published: PublishedMunicipality | None  # this round's row
    history: list = field(default_factory=list)  # PublishedMunicipality, oldest first
    history_rows: dict = field(default_factory=dict)  # (round id, code) -> score row


def published_up_to(round_: Round, municipality):
    """The kommune's published rows (with their rounds and instruments) in this round and every
    published round that opened before it."""
    return PublishedMunicipality.objects.filter(
        municipality=municipality,
        round__published_at__isnull=False,
        round__opens_on__lte=round_.opens_on,
    ).select_related("round__instrument")


def kommune_history(round_: Round, municipality: Municipality) -> KommuneHistory:
    """Two queries: the kommune's published rows up to this round (with their rounds) and its
    dimension sums in them."""
    history = list(published_up_to(round_, municipality).order_by("round__opens_on"))
    found = KommuneHistory(
        published=next((p for p in history if p.round_id == round_.pk), None), history=history
    )
    for round_id, code, n, total, sum_sq in MunicipalityScore.objects.filter(
        municipality=municipality,
        round_id__in=[p.round_id for p in history],
        kind=ScoreKind.DIMENSION,
    ).values_list("round_id", "code", "n", "total", "sum_sq"):
        found.history_rows[(round_id, code)] = score_row(n, total, sum_sq)
    return found


def viewer_of(municipality: Municipality, published: PublishedMunicipality | None) -> Viewer:
    """The people of one kommune as a viewer (a kommune without a published row sees what KS
    sees, with the peers of its size class)."""
    if published is None:
        return Viewer(size_class=municipality.size_class)
    return Viewer(
        benchmarks=_own(published.benchmarks, published.municipality_id),
        size_class=published.size_class,
    )


def _own(benchmarks: dict | None, municipality_id: int) -> dict:
    """A published kommune's own figures. Never fall back to what KS sees: those figures are
    not safe for the kommune's own people, who can subtract their own hidden cell."""
    if benchmarks is None:
        raise ValueError(f"Kommune {municipality_id} is published without its stored figures")
    return benchmarks


def benchmarks_for(round_: Round, municipality: Municipality, spec, history=None):
    """National and peer figures as the people of one kommune (its coordinator, its unit
    leaders: «without own kommune» is always without the whole kommune) may see them."""
    history = history or kommune_history(round_, municipality)
    return figures_seen_by(
        publication_of(round_), viewer_of(municipality, history.published), scales(spec)
    )
