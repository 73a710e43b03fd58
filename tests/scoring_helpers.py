"""Helpers for the scoring tests (tests/test_scoring*.py): raw answers that score a given value,
import rows through the real write path, the stored per-respondent scores, and the published
report read through the real read path."""

from assessment import services as assessment_services
from assessment.models import Participation, ResponseScore, ResponseSource, ScoreKind
from assessment.services import ResponseData
from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import municipality_report
from tests.conftest import publish


def kommune(number):
    return Municipality.objects.get(number=number)


def raw_for(spec, scores: dict) -> dict:
    """Item code -> item *score* (None = vet ikke) turned into the raw answer a respondent gives
    (a reverse-keyed item's answer is 6 - score)."""
    raw = {}
    for code, score in scores.items():
        if score is None:
            raw[code] = None
        else:
            raw[code] = 6 - score if spec.items[code].reverse else score
    return raw


def everything(spec, staff_group, score=3) -> dict:
    """Every statement the staff group sees, answered so that each item scores `score`."""
    return raw_for(spec, {item.code: score for item in spec.items_for(staff_group)})


def row(
    municipality,
    answers,
    staff_group="medarbeider",
    sector="helse_omsorg",
    unit=None,
    barriers=(),
    promoters=(),
):
    return ResponseData(
        municipality_id=municipality.pk,
        staff_group=staff_group,
        sector=sector,
        unit_id=unit.pk if unit else None,
        tenure="",
        answers=answers,
        barriers=list(barriers),
        promoters=list(promoters),
    )


def record(round_, rows):
    responses = assessment_services.record_responses(
        round_=round_, rows=rows, source=ResponseSource.IMPORT
    )
    # record_responses invalidates the cache on commit; the test transaction never commits.
    from django.core.cache import cache

    cache.clear()
    return responses


def stored_scores(response, kind=ScoreKind.DIMENSION) -> dict:
    return dict(
        ResponseScore.objects.filter(response=response, kind=kind).values_list("code", "value")
    )


def report_for(round_, number):
    publish(round_)
    return municipality_report(round_, ReportScope(municipality=kommune(number)))


def stat(stats, code):
    return next(s for s in stats if s.code == code)


def join(round_, number):
    Participation.objects.create(round=round_, municipality=kommune(number))
