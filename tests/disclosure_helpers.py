"""Helpers for the disclosure tests (tests/test_disclosure*.py, tests/test_benchmark_bands.py):
respondents recorded as import rows, a round, an API call with a token, a user with a role, and
the test an attacker's residual must pass."""

from django.test import Client

from assessment import services as assessment_services
from assessment.models import ResponseSource
from municipalities.models import Municipality
from municipalities.services import grant_role
from reports.models import PublishedMunicipality
from reports.services import create_api_token
from tests.factories import RoundFactory
from tests.suppression_helpers import answers_scoring

MIN = 5


def kommune(number="4640"):
    return Municipality.objects.get(number=number)


def people(
    spec, number, count, score=3, staff_group="medarbeider", sector="helse_omsorg", unit=None
):
    return [
        assessment_services.ResponseData(
            municipality_id=kommune(number).pk,
            staff_group=staff_group,
            sector=sector,
            unit_id=unit.pk if unit else None,
            tenure="",
            answers=answers_scoring(spec, staff_group, score),
        )
        for _ in range(count)
    ]


def record(round_, rows):
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


def new_round(numbers, slug="runde-x"):
    return RoundFactory(
        slug=slug, name="Runde X", opens_in=-3, days=23, municipality_numbers=numbers
    )


def api(user, path):
    token = create_api_token(username=user.username)
    response = Client().get(path, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return response.json()


def user(username, role, **scope):
    return grant_role(username=username, role=role, **scope).user


def residual_ok(n):
    return n == 0 or n >= MIN


class Setup:
    def __init__(self, round_, spec, units):
        self.round, self.spec, self.units = round_, spec, units
        self.closes_on = round_.closes_on

    def __repr__(self):
        return "Setup()"


def published_ids(round_, size_class=None) -> list[int]:
    """The kommuner a national (or, with `size_class`, a peer) figure of the round is over."""
    published = PublishedMunicipality.objects.filter(round=round_)
    if size_class:
        published = published.filter(size_class=size_class)
    return list(published.values_list("municipality_id", flat=True))
