"""Write benchmarks: response submission through the real view and import_responses, each
against its floor (bare INSERTs, COPY). They write into a separate open round."""

import csv
import io
import math
import random
import statistics
import time
from importlib import import_module

from bench import _common as common
from bench.agreement import Checks
from bench.measuring import count_queries


def draft_data(row) -> dict:
    return {
        "staff_group": row.staff_group,
        "sector": row.sector,
        "unit": row.unit_id,
        "tenure": row.tenure,
        "answers": {c: ("x" if v is None else str(v)) for c, v in row.answers.items()},
        "barriers": list(row.barriers),
        "promoters": list(row.promoters),
    }


def child_rows(spec, rows):
    """For each ResponseData: its answer, score and choice tuples (without the response id),
    exactly as record_responses stores them."""
    from assessment.models import ScoreKind
    from assessment.scoring import score_response

    options = {("b", o.code): o.id for o in spec.barriers}
    options.update({("p", o.code): o.id for o in spec.promoters})
    out = []
    for row in rows:
        visible = {item.code for item in spec.items_for(row.staff_group)}
        answers = [(spec.items[c].id, v) for c, v in row.answers.items() if c in visible]
        scores = [
            (int(ScoreKind.DIMENSION if kind == "dimension" else ScoreKind.TRAIT), code, value)
            for (kind, code), value in score_response(
                spec, staff_group=row.staff_group, answers=row.answers
            ).items()
        ]
        choices = [options[("b", c)] for c in row.barriers[:3]]
        choices += [options[("p", c)] for c in row.promoters[:3]]
        out.append((answers, scores, choices))
    return out


def bare_insert(round_id, row, children, today):
    """The floor of one submission: the same rows as plain INSERTs in one transaction."""
    from django.db import connection, transaction

    from assessment.keys import random_key

    answers, scores, choices = children
    rid = random_key()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assessment_response (id, round_id, municipality_id, staff_group_id, "
            "sector_id, unit_id, tenure, source, submitted_on) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, 'web', %s)",
            [
                rid,
                round_id,
                row.municipality_id,
                row.staff_group,
                row.sector,
                row.unit_id,
                row.tenure,
                today,
            ],
        )
        cursor.execute(
            "INSERT INTO assessment_answer (id, response_id, item_id, value) VALUES "
            + ",".join(["(%s, %s, %s, %s)"] * len(answers)),
            [x for item, value in answers for x in (random_key(), rid, item, value)],
        )
        cursor.execute(
            "INSERT INTO assessment_responsescore (id, response_id, kind, code, value) VALUES "
            + ",".join(["(%s, %s, %s, %s, %s)"] * len(scores)),
            [x for kind, code, value in scores for x in (random_key(), rid, kind, code, value)],
        )
        if choices:
            cursor.execute(
                "INSERT INTO assessment_responsechoice (id, response_id, option_id) VALUES "
                + ",".join(["(%s, %s, %s)"] * len(choices)),
                [x for option in choices for x in (random_key(), rid, option)],
            )


def measure_submission(round_, spec, n: int, results: list, checks: Checks) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from assessment import services
    from assessment.models import Draft, Response
    from assessment.respondent_views import SESSION_DRAFT
    from assessment.synthetic import synthetic_rows
    from municipalities.models import Municipality

    municipality = Municipality.objects.get(number=common.COORDINATOR_NUMBER)
    participation = round_.participations.get(municipality=municipality)
    link = services.create_open_link(participation=participation)
    rng = random.Random(11)
    units = {}
    for unit_id, sector in municipality.units.values_list("pk", "sector_id"):
        units.setdefault(sector, []).append(unit_id)
    rows = synthetic_rows(
        spec=spec, municipality_id=municipality.pk, count=n + 1, rng=rng, units_by_sector=units
    )
    # The extra, untimed one (for the query counts) has barriers, so every table gets a row.
    rows[-1].barriers = rows[-1].barriers or [spec.barriers[0].code]
    drafts = Draft.objects.bulk_create(
        Draft(
            participation=participation,
            open_link=link,
            language="nb",
            page=14,
            data=draft_data(row),
        )
        for row in rows
    )
    children = child_rows(spec, rows)
    today = timezone.localdate()
    secret = "a" * 32  # CSRF secret: cookie and form field (the unmasked form is accepted)
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = secret
    # The configured engine (cached_db since 0bece50): a session written behind the cache's back
    # would be read stale by the view.
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    session = SessionStore()
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    view_times, floor_times, queries = [], [], None
    before = Response.objects.filter(round=round_).count()
    for i, (draft, row) in enumerate(zip(drafts, rows, strict=True)):
        session = SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
        session[SESSION_DRAFT] = draft.pk
        session.save()

        def post():
            response = client.post("/skjema/send/", {"csrfmiddlewaretoken": secret})
            assert response.status_code == 302 and response["Location"].endswith("/skjema/takk/"), (
                response.status_code,
                response.get("Location"),
            )

        if i == n:  # one extra, untimed, for the query count
            queries = count_queries(post)
            floor_queries = count_queries(
                lambda row=row, i=i: bare_insert(round_.pk, row, children[i], today)
            )
            break
        started = time.perf_counter()
        post()
        view_times.append(time.perf_counter() - started)
        if i == 0 and Draft.objects.filter(pk=draft.pk).exists():
            raise RuntimeError("the submit view did not take the draft from the session")
        started = time.perf_counter()
        bare_insert(round_.pk, row, children[i], today)
        floor_times.append(time.perf_counter() - started)
    stored = Response.objects.filter(round=round_).count() - before
    checks.expect(stored == 2 * (n + 1), f"submissions stored {stored} != {2 * (n + 1)}")
    # The view and the floor stored the same rows: compare child-row totals per source.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM assessment_answer a JOIN assessment_response r "
            "ON r.id = a.response_id WHERE r.round_id = %s), "
            "(SELECT COUNT(*) FROM assessment_responsescore s JOIN assessment_response r "
            "ON r.id = s.response_id WHERE r.round_id = %s)",
            [round_.pk, round_.pk],
        )
        answers, scores = cursor.fetchone()
    expected_answers = 2 * sum(len(c[0]) for c in children)
    expected_scores = 2 * sum(len(c[1]) for c in children)
    checks.expect(
        answers == expected_answers and scores == expected_scores,
        f"submission child rows {answers}/{scores} vs {expected_answers}/{expected_scores}",
    )
    view, floor = statistics.median(view_times), statistics.median(floor_times)
    results.append(
        {
            "what": f"submission, POST /skjema/send/ (median of {n})",
            "seconds": view,
            "floor": floor,
            "floor_what": "bare INSERTs of the same rows, 1 transaction",
            "ratio": common.ratio(view, floor),
            "queries": queries,
            "floor_queries": floor_queries,
            "target": "≤ 3×",
            "ok": common.ratio(view, floor) <= 3,
        }
    )
    mean_view, mean_floor = statistics.fmean(view_times), statistics.fmean(floor_times)
    results.append(
        {
            "what": f"submission, mean of {n}",
            "seconds": mean_view,
            "floor": mean_floor,
            "floor_what": "same",
            "ratio": common.ratio(mean_view, mean_floor),
            "queries": queries,
            "floor_queries": floor_queries,
            "target": "",
            "ok": None,
        }
    )


def csv_for(spec, rows, unit_names) -> bytes:
    from municipalities.models import Municipality

    numbers = dict(Municipality.objects.values_list("pk", "number"))
    codes = list(spec.items)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["municipality", "staff_group", "sector", "unit", "tenure"]
    writer.writerow(header + codes + ["barriers", "promoters"])
    for row in rows:
        writer.writerow(
            [
                numbers[row.municipality_id],
                row.staff_group,
                row.sector,
                unit_names.get(row.unit_id, ""),
                row.tenure,
            ]
            + [
                ("" if c not in row.answers else "x" if row.answers[c] is None else row.answers[c])
                for c in codes
            ]
            + [";".join(row.barriers), ";".join(row.promoters)]
        )
    return out.getvalue().encode("utf-8")


def _copy_line(values) -> str:
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


def prepare_copy(round_id, rows, children, today) -> dict:
    """COPY text of the same rows an import stores, with random response ids (untimed:
    the floor is what PostgreSQL needs to store them)."""
    from assessment.keys import random_keys

    ids = random_keys(len(rows))
    keys = iter(random_keys(sum(len(c[0]) + len(c[1]) + len(c[2]) for c in children)))
    pairs = list(zip(ids, rows, children, strict=True))
    return {
        "assessment_response (id, round_id, municipality_id, staff_group_id, sector_id, unit_id, "
        "tenure, source, submitted_on)": "".join(
            _copy_line(
                (rid, round_id, row.municipality_id, row.staff_group, row.sector, row.unit_id)
                + (row.tenure, "import", today)
            )
            for rid, row, _c in pairs
        ),
        "assessment_answer (id, response_id, item_id, value)": "".join(
            _copy_line((next(keys), rid, item, value))
            for rid, _r, c in pairs
            for item, value in c[0]
        ),
        "assessment_responsescore (id, response_id, kind, code, value)": "".join(
            _copy_line((next(keys), rid, kind, code, repr(value)))
            for rid, _r, c in pairs
            for kind, code, value in c[1]
        ),
        "assessment_responsechoice (id, response_id, option_id)": "".join(
            _copy_line((next(keys), rid, option)) for rid, _r, c in pairs for option in c[2]
        ),
    }


def copy_rows(prepared: dict) -> None:
    """The floor of an import: COPY into the four tables in one transaction (the foreign-key
    checks stay on, as for the import)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for target, text in prepared.items():
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                copy.write(text.encode())


def round_counts(round_id) -> tuple:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM assessment_response WHERE round_id = %(r)s),"
            " (SELECT COUNT(*) FROM assessment_answer a JOIN assessment_response r"
            "  ON r.id = a.response_id WHERE r.round_id = %(r)s),"
            " (SELECT COUNT(*) FROM assessment_responsescore s JOIN assessment_response r"
            "  ON r.id = s.response_id WHERE r.round_id = %(r)s),"
            " (SELECT COUNT(*) FROM assessment_responsechoice c JOIN assessment_response r"
            "  ON r.id = c.response_id WHERE r.round_id = %(r)s)",
            {"r": round_id},
        )
        return cursor.fetchone()


def measure_import(round_, spec, n_rows: int, reps: int, results: list, checks: Checks) -> None:
    from django.utils import timezone

    from assessment.importing import decode_csv, import_responses, parse_responses
    from assessment.synthetic import synthetic_rows
    from municipalities.models import Municipality, OrgUnit

    rng = random.Random(13)
    chosen = list(Municipality.objects.order_by("number")[:20])
    unit_names = dict(OrgUnit.objects.values_list("pk", "name"))
    per = math.ceil(n_rows / len(chosen))
    rows = []
    for m in chosen:
        units = {}
        for unit_id, sector in m.units.values_list("pk", "sector_id"):
            units.setdefault(sector, []).append(unit_id)
        rows += synthetic_rows(
            spec=spec, municipality_id=m.pk, count=per, rng=rng, units_by_sector=units
        )
    rows = rows[:n_rows]
    raw = csv_for(spec, rows, unit_names)
    parsed = parse_responses(round_=round_, text=decode_csv(raw))
    children = child_rows(spec, parsed)
    today = timezone.localdate()
    import_times, floor_times = [], []
    for _ in range(reps):
        before = round_counts(round_.pk)
        started = time.perf_counter()
        stored = import_responses(round_=round_, raw=raw)
        import_times.append(time.perf_counter() - started)
        middle = round_counts(round_.pk)
        prepared = prepare_copy(round_.pk, parsed, children, today)
        started = time.perf_counter()
        copy_rows(prepared)
        floor_times.append(time.perf_counter() - started)
        after = round_counts(round_.pk)
        by_import = tuple(b - a for a, b in zip(before, middle, strict=True))
        by_copy = tuple(b - a for a, b in zip(middle, after, strict=True))
        checks.expect(stored == n_rows, f"import stored {stored}")
        checks.expect(by_import == by_copy, f"import rows {by_import} vs COPY rows {by_copy}")
    queries = count_queries(lambda: import_responses(round_=round_, raw=raw))
    floor_queries = len(prepared)  # COPY statements (they bypass Django's execute wrapper)
    value, floor = statistics.median(import_times), statistics.median(floor_times)
    results.append(
        {
            "what": f"import_responses, {n_rows} responses ({len(raw) // 1024} KiB CSV)",
            "seconds": value,
            "floor": floor,
            "floor_what": "COPY of the same rows (4 tables), FK checks on, 1 transaction",
            "ratio": common.ratio(value, floor),
            "queries": queries,
            "floor_queries": floor_queries,
            "target": "(none)",
            "ok": None,
        }
    )
