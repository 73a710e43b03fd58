"""The bulk path (`generate_responses`, COPY on PostgreSQL) stores 2027.1 answers exactly as
the web and import paths do: «ikke relevant», the outcome choices, the outcome score and the
language."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessment import services
from assessment.bulk import store_responses
from assessment.models import (
    Answer,
    InstrumentVersion,
    Response,
    ResponseChoice,
    ResponseScore,
    ResponseSource,
    ScoreKind,
)
from assessment.selectors import get_instrument_spec
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality
from municipalities.national_lists import ensure_national_lists


def _fingerprint(round_):
    return (
        Answer.objects.filter(response__round=round_, not_relevant=True).count(),
        Answer.objects.filter(
            response__round=round_, value__isnull=True, not_relevant=False
        ).count(),
        sorted(
            ResponseChoice.objects.filter(
                response__round=round_, option__kind="outcome"
            ).values_list("option__code", flat=True)
        ),
        sorted(
            round(v, 6)
            for v in ResponseScore.objects.filter(
                response__round=round_, kind=ScoreKind.OUTCOME
            ).values_list("value", flat=True)
        ),
        sorted(Response.objects.filter(round=round_).values_list("language", flat=True)),
    )


@pytest.mark.django_db(transaction=True)
def test_bulk_and_orm_paths_store_the_same_2027_answers(municipalities):
    ensure_national_lists()
    call_command("load_instrument", "--publish", stdout=StringIO())
    version = InstrumentVersion.objects.get(version="2027.1")
    spec = get_instrument_spec(version)
    today = timezone.localdate()
    rounds = [
        services.create_round(
            slug=f"bulk-{n}",
            name=f"Bulk {n}",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=9),
            instrument=version,
            municipality_numbers=["4640"],
        )
        for n in (1, 2)
    ]
    sogndal = Municipality.objects.get(number="4640")
    rows = synthetic_rows(spec=spec, municipality_id=sogndal.pk, count=60, rng=random.Random(5))
    store_responses(round_=rounds[0], rows=rows, source=ResponseSource.IMPORT)
    services.record_responses(round_=rounds[1], rows=rows, source=ResponseSource.IMPORT)
    bulk, orm = _fingerprint(rounds[0]), _fingerprint(rounds[1])
    assert bulk == orm
    assert bulk[0] > 0 and bulk[2] and bulk[3]
