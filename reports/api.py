"""JSON API v1 (read-only). Token authentication: `Authorization: Token <key>`.

The same selectors and the same access rules as the pages: hidden groups keep their entry with
`"suppressed": true` and null numbers; a kommune the caller may not see is a 404.
"""

from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyHeader
from pydantic import Field

from assessment.models import Round
from assessment.selectors import export_instrument, get_instrument_spec
from config.converters import MUNICIPALITY_NUMBER, ROUND_SLUG
from municipalities.selectors import (
    get_access_for_user,
    get_municipality_for_user,
    get_report_scope_for_user,
)

from .publication import ensure_published
from .selectors import Stat, benchmark_viewer, municipality_report
from .selectors.benchmark import FilterTooNarrow, benchmark_for_viewer
from .services import user_for_api_key


class TokenAuth(APIKeyHeader):
    param_name = "Authorization"

    def authenticate(self, request, key):
        if not key or not key.startswith("Token "):
            return None
        user = user_for_api_key(key.removeprefix("Token ").strip())
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Innovasjonsradar API",
    version="1",
    description="Les resultater fra Innovasjonsradar. Autentisering: `Authorization: Token <nøkkel>`.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,
)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return api.create_response(
        request,
        {"detail": _("Mangler eller ugyldig API-nøkkel. Bruk «Authorization: Token <nøkkel>».")},
        status=401,
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(
        request, {"detail": _("Fant ikke ressursen, eller du har ikke tilgang.")}, status=404
    )


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    """A path parameter that cannot be valid (see RoundSlug, MunicipalityNumber): 422, never 500."""
    names = sorted({str(error["loc"][-1]) for error in exc.errors if error.get("loc")})
    return api.create_response(
        request,
        {"detail": _("Ugyldig verdi i adressen: %s.") % ", ".join(f"«{n}»" for n in names)},
        status=422,
    )


# Path parameters are checked against the same patterns as the pages' URL converters.
RoundSlug = Annotated[str, Path(pattern=f"^{ROUND_SLUG}$", max_length=50)]
MunicipalityNumber = Annotated[str, Path(pattern=f"^{MUNICIPALITY_NUMBER}$")]


class Error(Schema):
    detail: str


class NotPublished(Exception):
    def __init__(self, round_: Round):
        super().__init__(round_.slug)
        self.round = round_


@api.exception_handler(NotPublished)
def _not_published(request, exc):
    return api.create_response(
        request,
        {
            "detail": _("Resultatene publiseres når runden stenger %(date)s.")
            % {"date": exc.round.closes_on.strftime("%d.%m.%Y")},
            "publishes_on": exc.round.closes_on.isoformat(),
        },
        status=409,
    )


def _published(round_: Round) -> Round:
    """Results exist only for a published round (a closed one is published on first read)."""
    if not ensure_published(round_):
        raise NotPublished(round_)
    return round_


class RoundOut(Schema):
    slug: str
    name: str
    opens: str
    closes: str
    instrument_version: str
    published: str | None


class DimensionScore(Schema):
    code: str
    name: str
    mean: float | None
    n: int | None
    sd: float | None
    ci95: list[float] | None
    index: float | None
    level: int | None
    suppressed: bool
    reason: str | None = Field(
        description="Hvorfor tallet er skjult: «too_few» (færre enn minstestørrelsen) eller "
        "«protects_smaller» (skjult for å verne en mindre gruppe); null når det vises",
    )


class Overall(Schema):
    mean: float | None
    index: float | None
    level: int | None


class MunicipalityRef(Schema):
    number: str
    name: str


class StaffGroupBreakdown(Schema):
    staff_group: str
    respondents: int | None
    suppressed: bool
    reason: str | None
    dimensions: list[DimensionScore]


class SectorBreakdown(Schema):
    sector: str
    respondents: int | None
    suppressed: bool
    reason: str | None
    dimensions: list[DimensionScore]


class Benchmarks(Schema):
    national: list[DimensionScore]
    peer_group: list[DimensionScore]


class OutcomeResult(Schema):
    """The outcome index (instrument 2027.1), kept apart from the maturity dimensions."""

    index: DimensionScore
    national: DimensionScore
    peer_group: DimensionScore


class MunicipalityResult(Schema):
    round: str
    municipality: MunicipalityRef
    respondents: int | None
    suppressed: bool
    reason: str | None
    overall: Overall
    dimensions: list[DimensionScore]
    by_staff_group: list[StaffGroupBreakdown]
    by_sector: list[SectorBreakdown]
    benchmarks: Benchmarks
    outcome: OutcomeResult | None = Field(
        description="Resultatindeksen (fra versjon 2027.1), null for eldre spørreskjema"
    )


class BenchmarkMunicipality(Schema):
    number: str | None
    name: str | None
    county: str | None
    size_class: str
    respondents: int | None
    suppressed: bool
    reason: str | None
    dimensions: list[DimensionScore]
    outcome: DimensionScore | None


class BenchmarkResult(Schema):
    round: str
    national: list[DimensionScore]
    national_outcome: DimensionScore | None
    municipalities: list[BenchmarkMunicipality]


def _visible_rounds(user):
    access = get_access_for_user(user)
    rounds = Round.objects.select_related("instrument").order_by("-opens_on")
    if not access.is_national:
        rounds = rounds.filter(
            participations__municipality_id__in=access.municipality_ids
        ).distinct()
    return rounds


def _round(user, slug) -> Round:
    round_ = _visible_rounds(user).filter(slug=slug).first()
    if round_ is None:
        raise Http404
    return round_


def _stats(stats):
    return [s.as_api() for s in stats]


@api.get("/rounds/", response=list[RoundOut], summary="Runder du har tilgang til")
def rounds(request):
    return [
        {
            "slug": r.slug,
            "name": r.name,
            "opens": r.opens_on.isoformat(),
            "closes": r.closes_on.isoformat(),
            "instrument_version": r.instrument.version,
            "published": r.published_at.isoformat() if r.published_at else None,
        }
        for r in _visible_rounds(request.auth)
    ]


@api.get(
    "/rounds/{slug}/instrument/",
    response={200: dict, 404: Error, 422: Error},
    summary="Spørreskjemaet i runden",
)
def instrument(request, slug: RoundSlug):
    return export_instrument(_round(request.auth, slug).instrument)


@api.get(
    "/rounds/{slug}/municipalities/{number}/",
    response={200: MunicipalityResult, 404: Error, 409: Error, 422: Error},
    summary="Resultater for én kommune (publiserte runder)",
)
def municipality(request, slug: RoundSlug, number: MunicipalityNumber):
    round_ = _round(request.auth, slug)
    found = get_municipality_for_user(request.auth, number)
    if not round_.participations.filter(municipality=found).exists():
        raise Http404
    _published(round_)
    # The API shows no statements: their cells are not read.
    report = municipality_report(
        round_, get_report_scope_for_user(request.auth, found), statements=False
    )
    overall = report.overall
    return {
        "round": round_.slug,
        "municipality": {"number": found.number, "name": found.name},
        "respondents": report.respondents,
        "suppressed": report.suppressed,
        "reason": report.reason,
        "overall": {"mean": overall.mean, "index": overall.index, "level": overall.level},
        "dimensions": _stats(report.dimensions)
        if not report.suppressed
        else _hidden(round_, report.reason),
        "by_staff_group": [
            {
                "staff_group": g.key,
                "respondents": g.respondents,
                "suppressed": g.suppressed,
                "reason": g.reason,
                "dimensions": _stats(g.dimensions),
            }
            for g in report.staff_groups
        ],
        "by_sector": [
            {
                "sector": g.key,
                "respondents": g.respondents,
                "suppressed": g.suppressed,
                "reason": g.reason,
                "dimensions": _stats(g.dimensions),
            }
            for g in report.sectors
        ],
        "benchmarks": {
            "national": _stats(report.national),
            "peer_group": _stats(report.peer),
        },
        "outcome": _outcome(report.outcomes),
    }


def _outcome(outcomes: dict | None) -> dict | None:
    if not outcomes:
        return None
    return {
        "index": outcomes["index"].as_api(),
        "national": outcomes["national"].as_api(),
        "peer_group": outcomes["peer"].as_api(),
    }


def _benchmark_row(m: dict) -> dict:
    """A kommune that has not agreed to be named is anonymous to other kommuner: no name, no
    number, no fylke and no count, only its size class and its (suppressed) figures - exactly
    what the page shows of it."""
    return {
        "number": m["number"],
        "name": m["name"],
        "county": m["county"],
        "size_class": m["size_class"],
        "respondents": m["respondents"],
        "suppressed": m["suppressed"],
        "reason": m["reason"],
        "dimensions": _stats(m["dimensions"]),
        "outcome": m["outcome"].as_api() if m["outcome"] else None,
    }


def _hidden(round_, why):
    spec = get_instrument_spec(round_.instrument)
    return [
        Stat(code=d.code, name=d.label, suppressed=True, reason=why).as_api()
        for d in spec.dimensions
    ]


@api.get(
    "/rounds/{slug}/benchmark/",
    response={200: BenchmarkResult, 400: Error, 404: Error, 409: Error, 422: Error},
    summary="Alle deltakende kommuner side om side (publiserte runder)",
)
def benchmark_view(request, slug: RoundSlug, fylke: str = "", storrelse: str = ""):
    round_ = _round(request.auth, slug)
    is_national, own = benchmark_viewer(request.auth, round_)
    _published(round_)
    try:
        data = benchmark_for_viewer(
            round_, viewer_is_national=is_national, own_id=own, county=fylke, size_class=storrelse
        )
    except FilterTooNarrow as exc:
        return api.create_response(request, {"detail": exc.messages[0]}, status=400)
    return {
        "round": round_.slug,
        "national": _stats(data["national"]),
        "national_outcome": data["outcome_national"].as_api() if data["outcome_national"] else None,
        "municipalities": [_benchmark_row(m) for m in data["rows"]],
    }
