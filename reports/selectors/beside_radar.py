"""What the kommune report shows beside its radar: the kommune's fact sheet for the round (facts
about the kommune, answered by its coordinator) and the national picture of what goes together
with innovation results (stored at publication). Both come with the participation, in the query
that checks that the kommune takes part."""

from assessment.models import Participation, Round
from municipalities.selectors import fact_sheet_rows

from .psychometrics import outcome_rows

_LARGE = (
    "round__publication__reliability",
    "round__publication__psychometrics__dimensions",
    "round__publication__psychometrics__correlations",
    "round__publication__psychometrics__rwg_by_municipality",
)


def report_participation(round_: Round, municipality) -> Participation | None:
    return (
        Participation.objects.filter(round=round_, municipality=municipality)
        .select_related("fact_sheet", "round__publication__psychometrics")
        .defer(*_LARGE)
        .first()
    )


def report_participation_by_slug(slug: str, municipality) -> Participation | None:
    """The same participation looked up by the round's slug, with the round and its instrument:
    the report page reads its round from it (one query less than get_round, then this)."""
    return (
        Participation.objects.filter(round__slug=slug, municipality=municipality)
        .select_related("fact_sheet", "round__instrument", "round__publication__psychometrics")
        .defer(*_LARGE)
        .first()
    )


def beside_radar(participation: Participation, spec) -> dict:
    sheet = getattr(participation, "fact_sheet", None)
    publication = getattr(participation.round, "publication", None)
    psychometrics = getattr(publication, "psychometrics", None) if publication else None
    return {
        "fact_sheet": fact_sheet_rows(sheet),
        "outcome": outcome_rows(spec, psychometrics.outcome, psychometrics.outcome_kommuner)
        if psychometrics
        else None,
        "has_psychometrics": psychometrics is not None,
    }
