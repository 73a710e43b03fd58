"""Results are cached (Redis when REDIS_URL is set) and invalidated when responses are added."""

import random
import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import override_settings

from assessment.models import ResponseSource
from assessment.services import record_responses
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import benchmark, municipality_report


def _redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def _redis_settings():
    # A prefix of its own per run: parallel test workers share the Redis server.
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"innovasjonsradar-test-{uuid.uuid4().hex}",
            "TIMEOUT": 300,
        }
    }


def _check_cached_then_invalidated(round_, spec, django_assert_max_num_queries, on_commit):
    sogndal = Municipality.objects.get(number="4640")
    scope = ReportScope(municipality=sogndal)
    first = municipality_report(round_, scope)
    with django_assert_max_num_queries(0):
        again = municipality_report(round_, scope)
    assert [s.mean for s in again["dimensions"]] == [s.mean for s in first["dimensions"]]
    before = benchmark(round_)["respondents"]
    rows = synthetic_rows(
        spec=spec, municipality_id=sogndal.pk, count=30, rng=random.Random(3), level=4.6
    )
    with on_commit(execute=True):
        record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    after = municipality_report(round_, scope)
    assert after["respondents"] == first["respondents"] + 30
    assert after["overall"].mean > first["overall"].mean
    assert benchmark(round_)["respondents"] == before + 30


def test_report_is_cached_and_an_import_invalidates_it(
    filled_round, spec, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    _check_cached_then_invalidated(
        filled_round, spec, django_assert_max_num_queries, django_capture_on_commit_callbacks
    )


@pytest.mark.skipif(not _redis_available(), reason="Redis is not running on 127.0.0.1:6379")
def test_the_same_with_redis_as_the_cache(
    filled_round, spec, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with override_settings(CACHES=_redis_settings()):
        assert caches["default"].__class__.__name__ == "RedisCache"
        _check_cached_then_invalidated(
            filled_round, spec, django_assert_max_num_queries, django_capture_on_commit_callbacks
        )
