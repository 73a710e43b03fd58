"""National-scale benchmark: each measurement against its floor, in the same run, as a ratio.

Run (from the repository root, with PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379):

    .venv/bin/python bench/national_scale.py            # or: make bench (runs bench/run_all.py)
    .venv/bin/python bench/national_scale.py --reps 7 --submissions 300 --import-rows 10000

It creates the database `innovasjonsradar_bench` (BENCH_DB overrides) on the local PostgreSQL if
missing, migrates it, loads the 357 kommuner, the published instrument, 8 org units per kommune
and a national round, and fills that round with 357 × 560 = 199 920 synthetic responses through
`generate_responses` (COPY-based, about 3-4 minutes) unless exactly that many are there already.
Settings: production settings (DJANGO_DEBUG=0) via bench/settings_bench.py; the cache is Redis
database 13 (BENCH_REDIS overrides), so clearing it touches nobody else's keys.

What it measures, in-process through django.test.Client (the whole middleware stack, real views):

  * the benchmark page and the benchmark API (KS analyst), and the kommune report page and the
    kommune API (coordinator of Sogndal, 4640): cold (cache cleared before every repetition) and
    warm. Floor: one hand-written SQL statement over the same tables that returns the same
    numbers; the script checks that the page HTML, the API JSON and the SQL agree.
  * response submission: POST /skjema/send/ with a complete draft in the session (CSRF enforced),
    per response. Floor: bare INSERTs of the same rows (1 response, its answers, scores, choices)
    in one transaction.
  * import_responses of a CSV of --import-rows responses (20 kommuner, with units, «vet ikke»
    and choices). Floor: PostgreSQL COPY of the same rows into the four tables (the COPY text
    and the ids from the sequence prepared untimed; foreign-key checks kept on; one
    transaction). The script checks that both stored the same numbers of rows.

Writes go to a separate open round (`bench-writes`) that is removed at the end, so the national
round stays exactly 199 920 responses. Timings are medians of --reps repetitions; query counts
are from one extra repetition. Targets (from the issue): pages and API within 2× their floor and
at most 25 queries each; submission within 3× its floor. The script prints a Markdown table,
writes it with the machine facts to /tmp/innovasjonsradar-bench/national_scale.json, and exits 1
if the numbers do not match (never because of a timing).
"""

import argparse
import csv
import html.parser
import io
import json
import math
import random
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402

WRITE_SLUG = "bench-writes"
OUT = Path("/tmp/innovasjonsradar-bench")


# --- Measuring -------------------------------------------------------------------------------


class QueryCounter:
    """Counts statements sent to the database (execute_wrapper: no SQL kept, tiny overhead)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count_queries(fn) -> int:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        fn()
    return counter.count


def timed(fn, reps: int, before=None) -> float:
    """Median wall time of `reps` calls; `before` runs untimed before each one."""
    times = []
    for _ in range(reps):
        if before:
            before()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def close(a, b, decimals: int) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 0.5 * 10**-decimals + 1e-9


def fmt2(value: float) -> str:
    """What `floatformat:2` shows for a mean the app rounded to 3 decimals (nb: comma)."""
    shown = Decimal(repr(round(value, 3))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(shown).replace(".", ",")


class TableParser(html.parser.HTMLParser):
    """Cell texts of every row of the table with the given id."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id = table_id
        self.depth = 0
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(page: str, table_id: str) -> list[list[str]]:
    parser = TableParser(table_id)
    parser.feed(page)
    return [row for row in parser.rows if row]


# --- The floors (hand-written SQL) -----------------------------------------------------------

BENCHMARK_SQL = """
SELECT r.municipality_id, s.code, AVG(s.value), COUNT(*), STDDEV_SAMP(s.value)
FROM assessment_responsescore s
JOIN assessment_response r ON r.id = s.response_id
WHERE r.round_id = %(round)s AND s.kind = 1
GROUP BY GROUPING SETS ((r.municipality_id, s.code), (s.code))
UNION ALL
SELECT municipality_id, NULL, NULL, COUNT(*), NULL
FROM assessment_response WHERE round_id = %(round)s
GROUP BY municipality_id
"""

# Everything the kommune report shows, in one statement: national and peer-group means (one scan
# of the round), the kommune's dimension and trait scores overall and per staff group, sector and
# unit, its respondent counts per group, statement distributions and barrier/promoter choices.
REPORT_SQL = """
WITH nat AS (
  SELECT s.code,
         AVG(s.value) AS m, COUNT(*) AS n, STDDEV_SAMP(s.value) AS sd,
         AVG(s.value) FILTER (WHERE mu.size_class = %(size)s) AS pm,
         COUNT(*) FILTER (WHERE mu.size_class = %(size)s) AS pn,
         STDDEV_SAMP(s.value) FILTER (WHERE mu.size_class = %(size)s) AS psd
  FROM assessment_responsescore s
  JOIN assessment_response r ON r.id = s.response_id
  JOIN municipalities_municipality mu ON mu.id = r.municipality_id
  WHERE r.round_id = %(round)s AND s.kind = 1
  GROUP BY s.code
),
k AS (
  SELECT r.staff_group_id, r.sector_id, r.unit_id, s.kind, s.code, s.value
  FROM assessment_responsescore s
  JOIN assessment_response r ON r.id = s.response_id
  WHERE r.round_id = %(round)s AND r.municipality_id = %(m)s
)
SELECT 'national' AS part, NULL AS k1, NULL AS k2, code, m, n, sd FROM nat
UNION ALL SELECT 'peer', NULL, NULL, code, pm, pn, psd FROM nat
UNION ALL
SELECT CASE WHEN GROUPING(staff_group_id) = 0 THEN 'staff_group'
            WHEN GROUPING(sector_id) = 0 THEN 'sector'
            WHEN GROUPING(unit_id) = 0 THEN 'unit' ELSE 'kommune' END,
       COALESCE(staff_group_id, sector_id, unit_id::text), kind::text, code,
       AVG(value), COUNT(*), STDDEV_SAMP(value)
FROM k
GROUP BY GROUPING SETS ((kind, code), (kind, staff_group_id, code), (kind, sector_id, code),
                        (kind, unit_id, code))
UNION ALL
SELECT CASE WHEN GROUPING(staff_group_id) = 0 THEN 'count_staff_group'
            WHEN GROUPING(unit_id) = 0 THEN 'count_unit'
            WHEN GROUPING(sector_id) = 0 THEN 'count_sector' ELSE 'count' END,
       COALESCE(staff_group_id, sector_id), unit_id::text, NULL, NULL, COUNT(*), NULL
FROM assessment_response
WHERE round_id = %(round)s AND municipality_id = %(m)s
GROUP BY GROUPING SETS ((), (staff_group_id), (sector_id), (sector_id, unit_id))
UNION ALL
SELECT 'item', a.item_id::text, a.value::text, NULL, NULL, COUNT(*), NULL
FROM assessment_answer a JOIN assessment_response r ON r.id = a.response_id
WHERE r.round_id = %(round)s AND r.municipality_id = %(m)s
GROUP BY a.item_id, a.value
UNION ALL
SELECT 'choice', c.option_id::text, r.staff_group_id, NULL, NULL, COUNT(*), NULL
FROM assessment_responsechoice c JOIN assessment_response r ON r.id = c.response_id
WHERE r.round_id = %(round)s AND r.municipality_id = %(m)s
GROUP BY c.option_id, r.staff_group_id
"""


def run_sql(sql: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Checking that the outputs and the floors agree -----------------------------------------


class Checks:
    def __init__(self):
        self.failures: list[str] = []
        self.passed = 0

    def expect(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)


def check_benchmark(checks, rows, municipalities, api_json, page_html, selector_data):
    stats, counts, national = {}, {}, {}
    for m_id, code, mean, n, sd in rows:
        if code is None:
            counts[m_id] = n
        elif m_id is None:
            national[code] = (mean, n, sd)
        else:
            stats[(m_id, code)] = (mean, n, sd)
    codes = [d["code"] for d in selector_data["dimensions"]]
    by_number = {m.number: m for m in municipalities}
    # API: every kommune × dimension (3-decimal means and sds, exact n) and the national row.
    for item in api_json["municipalities"]:
        m = by_number[item["number"]]
        checks.expect(item["respondents"] == counts.get(m.pk), f"API n {m.number}")
        for d in item["dimensions"]:
            mean, n, sd = stats[(m.pk, d["code"])]
            checks.expect(
                close(d["mean"], mean, 3) and d["n"] == n and close(d["sd"], sd, 3),
                f"API {m.number} {d['code']}: {d['mean']}/{d['n']}/{d['sd']} vs {mean}/{n}/{sd}",
            )
    checks.expect(len(api_json["municipalities"]) == len(counts), "API kommune count")
    for d in api_json["national"]:
        mean, n, sd = national[d["code"]]
        checks.expect(close(d["mean"], mean, 3) and d["n"] == n, f"API national {d['code']}")
    # Page: the table (kommune number order), n and 2-decimal means, and the national row.
    table = table_rows(page_html, "benchmark-table")[1:]  # without the header row
    ordered = sorted(selector_data["municipalities"], key=lambda r: r["number"])
    checks.expect(len(table) == len(ordered) + 1, f"page rows {len(table)}")
    for cells, row in zip(table, ordered, strict=False):
        m_id = row["id"]
        checks.expect(cells[3] == str(counts[m_id]), f"page n {row['number']}")
        for code, cell in zip(codes, cells[4:], strict=True):
            shown = cell.split()[0]
            checks.expect(shown == fmt2(stats[(m_id, code)][0]), f"page {row['number']} {code}")
    last = table[-1]
    checks.expect(last[3] == str(sum(counts.values())), "page national n")
    for code, cell in zip(codes, last[4:], strict=True):
        checks.expect(cell.split()[0] == fmt2(national[code][0]), f"page national {code}")


def combine(parts):
    """Mean of pooled groups from (mean, n) pairs."""
    n = sum(p[1] for p in parts)
    return (sum(p[0] * p[1] for p in parts) / n, n) if n else (None, 0)


def check_report(checks, rows, report, api_json, page_html, spec):
    from assessment.traits import LEADER_GROUPS

    got: dict = {}
    for part, k1, k2, code, mean, n, sd in rows:
        got[(part, k1, k2, code)] = (mean, n, sd)
    dims = [d.code for d in spec.dimensions]

    def floor(part, code, key=None, kind="1"):
        if part in ("national", "peer"):
            return got.get((part, None, None, code))
        return got.get((part, key, kind, code))

    checks.expect(report["respondents"] == got[("count", None, None, None)][1], "report n")
    for api_part, part in (("national", "national"), ("peer_group", "peer")):
        for d in api_json["benchmarks"][api_part]:
            mean, n, sd = floor(part, d["code"])
            checks.expect(
                close(d["mean"], mean, 3) and d["n"] == n and close(d["sd"], sd, 3),
                f"API {part} {d['code']}",
            )
    for d in api_json["dimensions"]:
        mean, n, sd = floor("kommune", d["code"])
        checks.expect(
            close(d["mean"], mean, 3) and d["n"] == n and close(d["sd"], sd, 3),
            f"API kommune {d['code']}",
        )
    for api_key, part in (("by_staff_group", "staff_group"), ("by_sector", "sector")):
        for group in api_json[api_key]:
            key = group["staff_group"] if part == "staff_group" else group["sector"]
            n_floor = got[(f"count_{part}", key, None, None)][1]
            if group["suppressed"]:
                continue
            checks.expect(group["respondents"] == n_floor, f"API {part} {key} n")
            for d in group["dimensions"]:
                if d["suppressed"]:
                    continue
                mean, n, _sd = floor(part, d["code"], key)
                checks.expect(close(d["mean"], mean, 3) and d["n"] == n, f"API {part} {key}")
    for t in report["traits"]:
        if not t.suppressed:
            mean, n, _sd = floor("kommune", t.code, kind="2")
            checks.expect(close(t.mean, mean, 3) and t.n == n, f"trait {t.code}")
    for unit in report["units"]:
        if unit.suppressed:
            continue
        for s in unit.dimensions:
            if not s.suppressed:
                mean, n, _sd = floor("unit", s.code, str(unit.key))
                checks.expect(close(s.mean, mean, 3) and s.n == n, f"unit {unit.key} {s.code}")
    # Perception gaps: pooled from the staff-group rows of the floor.
    shown = {g.key for g in report["staff_groups"] if not g.suppressed}
    for gap in report["gaps"]:
        if gap["leaders"] is None:
            continue
        leaders = combine(
            [floor("staff_group", gap["code"], g)[:2] for g in LEADER_GROUPS if g in shown]
        )
        staff = combine(
            [
                floor("staff_group", gap["code"], g)[:2]
                for g in ("medarbeider", "tillitsvalgt")
                if g in shown
            ]
        )
        checks.expect(
            close(gap["leaders"], leaders[0], 3) and close(gap["staff"], staff[0], 3),
            f"gap {gap['code']}",
        )
    # Statement distributions and choices.
    for dimension in spec.dimensions:
        for item_spec, item in zip(dimension.items, report["items"][dimension.code], strict=True):
            if item["suppressed"]:
                continue
            counts = [
                (got.get(("item", str(item_spec.id), str(v), None)) or (0, 0))[1]
                for v in (1, 2, 3, 4, 5)
            ]
            dont_know = (got.get(("item", str(item_spec.id), None, None)) or (0, 0))[1]
            checks.expect(
                item["counts"] == counts and item["dont_know"] == dont_know, f"item {item['code']}"
            )
    option_ids = {o.code: o.id for o in spec.barriers + spec.promoters}
    for kind in ("barriers", "promoters"):
        for entry in report["choices"][kind]:
            oid = str(option_ids[entry["code"]])
            total = sum(
                n for (p, k1, _k2, _c), (_m, n, _s) in got.items() if p == "choice" and k1 == oid
            )
            checks.expect(entry["count"] == total, f"choice {entry['code']}")
    # Page: the dimension table (2-decimal means, n, national, peer).
    table = table_rows(page_html, "dimension-table")[1:]
    checks.expect(len(table) == len(dims), "report page rows")
    for code, cells in zip(dims, table, strict=False):
        mean, n, _sd = floor("kommune", code)
        checks.expect(cells[1] == fmt2(mean) and cells[2] == str(n), f"report page {code}")
        checks.expect(cells[5] == fmt2(floor("national", code)[0]), f"report page national {code}")
        checks.expect(cells[6] == fmt2(floor("peer", code)[0]), f"report page peer {code}")


# --- Submission and import -------------------------------------------------------------------


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
    from reports.scoring import score_response

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


# --- Main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions per measurement")
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--import-reps", type=int, default=3)
    args = parser.parse_args()

    common.setup_django()
    common.ensure_base_data()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from assessment.models import Round
    from assessment.selectors import get_instrument_spec
    from municipalities.models import Municipality
    from municipalities.selectors import get_report_scope_for_user
    from reports.selectors import benchmark, municipality_report
    from reports.services import create_api_token

    leftovers = Round.objects.filter(slug__startswith="bench-").exclude(slug=common.NATIONAL_SLUG)
    if leftovers:
        for leftover in leftovers:
            common.drop_round(leftover.slug)  # left over from an interrupted run
        common.vacuum()
    count = common.ensure_national_responses()
    facts = common.machine()
    common.log(f"machine: {facts}")
    common.log(f"national round: {count} responses from {Municipality.objects.count()} kommuner")
    round_ = Round.objects.select_related("instrument").get(slug=common.NATIONAL_SLUG)
    spec = get_instrument_spec(round_.instrument)
    User = get_user_model()
    ks = User.objects.get(username="bench-ks")
    coordinator = User.objects.get(username="bench-koordinator")
    sogndal = Municipality.objects.get(number=common.COORDINATOR_NUMBER)
    backend = "django.contrib.auth.backends.ModelBackend"
    ks_client, coordinator_client = Client(), Client()
    ks_client.force_login(ks, backend=backend)
    coordinator_client.force_login(coordinator, backend=backend)
    ks_token = create_api_token(username="bench-ks")
    coordinator_token = create_api_token(username="bench-koordinator")
    slug = round_.slug
    number = sogndal.number

    def get(client, url, **headers):
        def call():
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    targets = [
        (
            "benchmark page",
            get(ks_client, f"/runder/{slug}/sammenligning/"),
            "benchmark",
        ),
        (
            "benchmark API",
            get(Client(), f"/api/v1/rounds/{slug}/benchmark/", Authorization=f"Token {ks_token}"),
            "benchmark",
        ),
        (
            f"kommune report page ({number})",
            get(coordinator_client, f"/runder/{slug}/kommuner/{number}/"),
            "report",
        ),
        (
            f"kommune API ({number})",
            get(
                Client(),
                f"/api/v1/rounds/{slug}/municipalities/{number}/",
                Authorization=f"Token {coordinator_token}",
            ),
            "report",
        ),
    ]
    floors = {
        "benchmark": (BENCHMARK_SQL, {"round": round_.pk}),
        "report": (
            REPORT_SQL,
            {"round": round_.pk, "m": sogndal.pk, "size": sogndal.size_class},
        ),
    }
    reps = args.reps
    results = []
    checks = Checks()

    common.log("floors (hand-written SQL), pages and API; cold = cache cleared before each call")
    floor_rows = {}
    for name, (sql, params) in floors.items():
        floor_rows[name] = run_sql(sql, params)  # warm-up, and the numbers to compare
    outputs = {}
    for what, call, floor_name in targets:
        sql, params = floors[floor_name]
        cache.clear()
        outputs[what] = call()  # warm-up of the process (templates, imports), kept for checks
        cold_times, floor_times = [], []
        for _ in range(reps):  # interleaved, so both see the same load on the machine
            cold_times.append(timed(call, 1, before=cache.clear))
            floor_times.append(timed(lambda sql=sql, params=params: run_sql(sql, params), 1))
        cache.clear()
        cold_queries = count_queries(call)
        warm = timed(call, reps)
        warm_queries = count_queries(call)
        cold, floor = statistics.median(cold_times), statistics.median(floor_times)
        for label, value, queries in (("cold", cold, cold_queries), ("warm", warm, warm_queries)):
            ratio_ = common.ratio(value, floor)
            results.append(
                {
                    "what": f"{what}, {label}",
                    "seconds": value,
                    "floor": floor,
                    "floor_what": f"1 SQL statement ({floor_name})",
                    "ratio": ratio_,
                    "queries": queries,
                    "floor_queries": 1,
                    "target": "≤ 2×, ≤ 25 q" if label == "cold" else "(cached)",
                    "ok": ratio_ <= 2 and queries <= 25,
                }
            )
        common.log(
            f"  {what}: cold {cold:.3f} s ({cold_queries} q), warm {warm:.3f} s "
            f"({warm_queries} q), floor {floor:.3f} s"
        )

    common.log("checking that pages, API and SQL show the same numbers")
    municipalities = list(Municipality.objects.all())
    check_benchmark(
        checks,
        floor_rows["benchmark"],
        municipalities,
        json.loads(outputs["benchmark API"].content),
        outputs["benchmark page"].content.decode(),
        benchmark(round_),
    )
    report = municipality_report(round_, get_report_scope_for_user(coordinator, sogndal))
    check_report(
        checks,
        floor_rows["report"],
        report,
        json.loads(outputs[f"kommune API ({number})"].content),
        outputs[f"kommune report page ({number})"].content.decode(),
        spec,
    )
    common.log(f"  {checks.passed} checks passed, {len(checks.failures)} failed")

    common.log("writes: submission and import into a separate open round")
    write_round = common.fresh_open_round(WRITE_SLUG, "Benchmark: skriving")
    write_round = Round.objects.select_related("instrument").get(pk=write_round.pk)
    try:
        measure_submission(write_round, spec, args.submissions, results, checks)
        common.log(f"  submission: {results[-2]['seconds'] * 1000:.1f} ms per response")
        measure_import(write_round, spec, args.import_rows, args.import_reps, results, checks)
        common.log(f"  import: {results[-1]['seconds']:.1f} s")
    finally:
        common.drop_round(WRITE_SLUG)
        common.vacuum()

    print()
    print(f"national_scale: {count} responses, {len(municipalities)} kommuner; {facts}")
    for row in results:
        row["ok"] = {True: "yes", False: "NO", None: ""}[row["ok"]]
    table = common.print_table(
        results,
        [
            ("what", "what", ""),
            ("seconds", "seconds", ".4f"),
            ("floor", "floor seconds", ".4f"),
            ("ratio", "ratio", ".2f"),
            ("queries", "queries", ""),
            ("floor_queries", "floor queries", ""),
            ("target", "target", ""),
            ("ok", "met", ""),
        ],
    )
    print("\nfloors: " + "; ".join(sorted({f"{r['floor_what']}" for r in results})))
    print(f"numbers checked: {checks.passed} agree, {len(checks.failures)} differ")
    for failure in checks.failures[:20]:
        print(f"  MISMATCH {failure}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "national_scale.json").write_text(
        json.dumps(
            {
                "machine": facts,
                "responses": count,
                "results": results,
                "checks_passed": checks.passed,
                "mismatches": checks.failures,
                "table": table,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
