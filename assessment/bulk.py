"""Fast storage of many responses: PostgreSQL COPY where available, bulk inserts elsewhere.

Used by `generate_responses` (synthetic data at national scale). Scores are computed with the
same `score_response` as every other write path, rows must pass the same half-answered rule, and
every row gets a random key (`keys.random_keys`), as on the ORM path."""

from django.db import connection, transaction
from django.utils import timezone

from .keys import random_keys
from .selectors import get_instrument_spec
from .services import check_enough_answers, lock_round_for_answers, record_responses
from .services.responses import expand_row, option_ids
from .services.tallies import add_to_tallies


def store_responses(*, round_, rows, source: str) -> int:
    spec = get_instrument_spec(round_.instrument)
    for row in rows:
        check_enough_answers(spec=spec, row=row)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            record_responses(round_=round_, rows=rows, source=source)
        return len(rows)
    with transaction.atomic():
        lock_round_for_answers(round_)
        _copy_responses(round_, rows, source)
    return len(rows)


def _skip_fk_triggers_if_allowed(cursor):
    """Foreign-key triggers cost more than the COPY itself at national scale. The rows written
    here reference ids just taken from the database, so a superuser session may skip them; any
    other role keeps the checks."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _copy_responses(round_, rows, source):
    spec = get_instrument_spec(round_.instrument)
    options = option_ids(spec)
    today = timezone.localdate().isoformat()
    parts = [expand_row(spec, row, options) for row in rows]
    answers = [p.answers for p in parts]
    scores = [p.scores for p in parts]
    choices = [p.option_ids for p in parts]
    ids = random_keys(len(rows))
    answer_ids = iter(random_keys(sum(map(len, answers))))
    score_ids = iter(random_keys(sum(map(len, scores))))
    choice_ids = iter(random_keys(sum(map(len, choices))))
    with connection.cursor() as cursor:
        _skip_fk_triggers_if_allowed(cursor)
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(
            "COPY assessment_response (id, round_id, municipality_id, staff_group_id, sector_id, "
            "unit_id, tenure, source, submitted_on, language) FROM STDIN"
        ) as copy:
            for response_id, row in zip(ids, rows, strict=True):
                copy.write_row(
                    (
                        response_id,
                        round_.pk,
                        row.municipality_id,
                        row.staff_group,
                        row.sector,
                        row.unit_id,
                        row.tenure,
                        source,
                        today,
                        row.language,
                    )
                )
        with raw.copy(
            "COPY assessment_answer (id, response_id, item_id, value, not_relevant) FROM STDIN"
        ) as copy:
            for response_id, parts in zip(ids, answers, strict=True):
                for item_id, value, not_relevant in parts:
                    copy.write_row((next(answer_ids), response_id, item_id, value, not_relevant))
        with raw.copy(
            "COPY assessment_responsescore (id, response_id, kind, code, value) FROM STDIN"
        ) as copy:
            for response_id, parts in zip(ids, scores, strict=True):
                for kind, code, value in parts:
                    copy.write_row((next(score_ids), response_id, kind, code, value))
        with raw.copy(
            "COPY assessment_responsechoice (id, response_id, option_id) FROM STDIN"
        ) as copy:
            for response_id, parts in zip(ids, choices, strict=True):
                for option_id in parts:
                    copy.write_row((next(choice_ids), response_id, option_id))
    add_to_tallies(round_id=round_.pk, response_ids=ids)
