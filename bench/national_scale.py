"""National-scale benchmark of published results (issue 11, item 5): every figure in one run, as
a ratio to the same raw floor.

Run (from the repository root, with PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379):

    .venv/bin/python bench/national_scale.py            # or: make bench (runs bench/run_all.py)
    .venv/bin/python bench/national_scale.py --reps 7 --publish-reps 3 --writes

It creates the database `innovasjonsradar_bench` (BENCH_DB overrides) if missing, migrates it,
loads the 357 kommuner, the published instrument, 8 org units per kommune and two national
rounds, and fills them through `generate_responses` (COPY) while they are OPEN, unless exactly
that many responses are there already: `bench-national` with 357 × 560 = 199 920 responses and
`bench-national-50k` with 357 × 140 = 49 980. Each run first unpublishes both rounds (bench only:
deletes their snapshot rows), so the publication is measured afresh.

The floor: FLOOR_SQL in bench/floors.py, one hand-written aggregate over the response scores of
the 200 000-response round (assessment_responsescore ⋈ assessment_response, GROUP BY kommune ×
dimension), run interleaved with every measurement; its median is the one floor of every ratio.

Measured, in this order:
  1. publication: `publish_round` of each round, --publish-reps times inside a transaction that is
     rolled back, then once for real (the timed figure is the median of all). Target for the
     200 000-response round: ≤ 3× the floor.
  2. in-process through django.test.Client (the whole middleware stack, real views), for each
     round: the KS benchmark page unfiltered and with ?fylke=46, the benchmark API, the kommune
     report page (coordinator of Sogndal, 4640) and the kommune API. "Cold" = the first request
     after closing the database connection, clearing the Django cache (Redis db 13) and the
     process's lru caches (the instrument spec); the very first request of the process is
     reported too. Targets: ≤ 0.25× the floor each; 200 000 / 50 000 ≤ 1.3×; ≤ 15 queries, the
     same at both sizes.
  3. agreement: the numbers on the pages and in the API equal those of BENCHMARK_SQL and
     REPORT_SQL over the raw answers (bench/agreement.py).
  4. with --writes: submission and import_responses (bench/writes.py) into a separate open round.

It prints a Markdown table, writes it with the machine facts to
/tmp/innovasjonsradar-bench/national_scale.json, and exits 1 if numbers disagree (never because
of a timing).
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402
from bench.agreement import Checks, check_benchmark, check_report  # noqa: E402
from bench.floors import BENCHMARK_SQL, FLOOR_SQL, REPORT_SQL, run_sql  # noqa: E402
from bench.measuring import count_queries  # noqa: E402

WRITE_SLUG = "bench-writes"
OUT = Path("/tmp/innovasjonsradar-bench")
FYLKE = "46"  # Vestland: the one-fylke filter
PAGE_RATIO = 0.25
PUBLISH_RATIO = 3.0
FLAT_RATIO = 1.3
MAX_QUERIES = 15


class Rollback(Exception):
    pass


def make_cold() -> None:
    """Fresh process/connection state: new database connection, empty cache, no memoised spec."""
    from django.core.cache import cache
    from django.db import connection

    from assessment.selectors import _published_spec

    connection.close()
    cache.clear()
    _published_spec.cache_clear()


class Floor:
    """The raw floor, run interleaved with the measurements (so both see the same machine)."""

    def __init__(self, round_id: int):
        self.params = {"round": round_id}
        self.times: list[float] = []

    def run(self) -> None:
        started = time.perf_counter()
        run_sql(FLOOR_SQL, self.params)
        self.times.append(time.perf_counter() - started)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def measure_publication(round_, reps: int, floor: Floor) -> tuple[float, float]:
    """(median seconds of publish_round, seconds of the psychometrics task that follows the
    real publication)."""
    from django.db import transaction

    from reports.publication import complete_publication, publish_round

    times = []
    for i in range(reps + 1):
        make_cold()
        floor.run()
        real = i == reps
        started = time.perf_counter()
        try:
            with transaction.atomic():
                publish_round(round_=round_)
                if not real:
                    raise Rollback
        except Rollback:
            pass
        times.append(time.perf_counter() - started)
        round_.refresh_from_db()
    # The task queued by the publication, run here rather than by a worker.
    started = time.perf_counter()
    complete_publication(round_id=round_.pk)
    return statistics.median(times), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="cold repetitions per page")
    parser.add_argument("--publish-reps", type=int, default=2, help="rolled-back publications")
    parser.add_argument("--writes", action="store_true", help="also submission and import")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="keep the rounds published by the last run; measure no publication",
    )
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--import-reps", type=int, default=3)
    args = parser.parse_args()

    common.setup_django()
    common.ensure_base_data()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from assessment.models import Round
    from assessment.selectors import get_instrument_spec
    from config.warm import load_and_freeze
    from municipalities.models import Municipality
    from municipalities.selectors import get_report_scope_for_user
    from reports.selectors import benchmark, municipality_report
    from reports.services import create_api_token

    leftovers = Round.objects.filter(slug__startswith="bench-").exclude(
        slug__in=[common.NATIONAL_SLUG, common.SMALL_SLUG]
    )
    if leftovers:
        for leftover in leftovers:
            common.drop_round(leftover.slug)  # left over from an interrupted run
        common.vacuum()
    sizes = {
        "50k": common.ensure_round_responses(
            common.SMALL_SLUG, common.SMALL_PER_MUNICIPALITY, args.pages_only
        ),
        "200k": common.ensure_national_responses(args.pages_only),
    }
    slugs = {"50k": common.SMALL_SLUG, "200k": common.NATIONAL_SLUG}
    facts = common.machine()
    common.log(f"machine: {facts}")
    common.log(f"responses: {sizes}")
    rounds = {
        size: Round.objects.select_related("instrument").get(slug=slug)
        for size, slug in slugs.items()
    }
    big = rounds["200k"]
    floor = Floor(big.pk)
    run_sql(FLOOR_SQL, floor.params)  # warm-up of the floor (buffers), untimed

    common.log("publication (publish_round), rolled back and once for real")
    publish, completion = {}, {}
    for size, round_ in rounds.items():
        if args.pages_only:
            break
        publish[size], completion[size] = measure_publication(round_, args.publish_reps, floor)
        common.log(f"  {size}: {publish[size]:.2f} s, then psychometrics {completion[size]:.2f} s")

    User = get_user_model()
    ks = User.objects.get(username="bench-ks")
    coordinator = User.objects.get(username="bench-koordinator")
    sogndal = Municipality.objects.get(number=common.COORDINATOR_NUMBER)
    backend = "django.contrib.auth.backends.ModelBackend"
    ks_client, coordinator_client, api_client = Client(), Client(), Client()
    ks_client.force_login(ks, backend=backend)
    coordinator_client.force_login(coordinator, backend=backend)
    ks_token = create_api_token(username="bench-ks")
    coordinator_token = create_api_token(username="bench-koordinator")
    number = sogndal.number
    # As config.wsgi does at server start: every view imported, start-up objects frozen.
    load_and_freeze()

    def get(client, url, **headers):
        def call():
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    def targets(slug):
        return [
            ("benchmark page", get(ks_client, f"/runder/{slug}/sammenligning/"), True),
            (
                f"benchmark page ?fylke={FYLKE}",
                get(ks_client, f"/runder/{slug}/sammenligning/?fylke={FYLKE}"),
                True,
            ),
            (
                "benchmark API",
                get(
                    api_client,
                    f"/api/v1/rounds/{slug}/benchmark/",
                    Authorization=f"Token {ks_token}",
                ),
                False,
            ),
            (
                f"kommune report page ({number})",
                get(coordinator_client, f"/runder/{slug}/kommuner/{number}/"),
                True,
            ),
            (
                f"kommune API ({number})",
                get(
                    api_client,
                    f"/api/v1/rounds/{slug}/municipalities/{number}/",
                    Authorization=f"Token {coordinator_token}",
                ),
                True,
            ),
        ]

    common.log("pages and API, cold, interleaved with the floor")
    measured: dict = {}  # (what, size) -> dict
    outputs: dict = {}
    for size, round_ in rounds.items():
        for what, call, targeted in targets(round_.slug):
            make_cold()
            started = time.perf_counter()
            outputs[(what, size)] = call()  # the first request of this page in the process
            first = time.perf_counter() - started
            times = []
            for _ in range(args.reps):
                make_cold()
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
                floor.run()
            make_cold()
            queries = count_queries(call)
            measured[(what, size)] = {
                "seconds": statistics.median(times),
                "first": first,
                "queries": queries,
                "targeted": targeted,
            }
            common.log(
                f"  {what} @ {size}: {statistics.median(times):.3f} s cold "
                f"(first in process {first:.3f} s), {queries} q"
            )

    common.log("checking that pages, API and SQL show the same numbers")
    checks = Checks()
    municipalities = list(Municipality.objects.all())
    for size, round_ in rounds.items():
        spec = get_instrument_spec(round_.instrument)
        check_benchmark(
            checks,
            run_sql(BENCHMARK_SQL, {"round": round_.pk}),
            municipalities,
            json.loads(outputs[("benchmark API", size)].content),
            outputs[("benchmark page", size)].content.decode(),
            benchmark(round_),
        )
        report = municipality_report(round_, get_report_scope_for_user(coordinator, sogndal))
        check_report(
            checks,
            run_sql(REPORT_SQL, {"round": round_.pk, "m": sogndal.pk, "size": sogndal.size_class}),
            report,
            json.loads(outputs[(f"kommune API ({number})", size)].content),
            outputs[(f"kommune report page ({number})", size)].content.decode(),
            spec,
        )
    common.log(f"  {checks.passed} checks passed, {len(checks.failures)} failed")

    results = []
    floor_s = floor.median
    results.append(
        {
            "what": "floor: FLOOR_SQL over the 200k round",
            "seconds": floor_s,
            "ratio": 1.0,
            "target": f"({len(floor.times)} runs)",
            "ok": None,
        }
    )
    for size in publish:
        ratio = common.ratio(publish[size], floor_s)
        results.append(
            {
                "what": f"publish_round @ {size} ({sizes[size]} responses)",
                "seconds": publish[size],
                "ratio": ratio,
                "target": f"≤ {PUBLISH_RATIO:g}×" if size == "200k" else "",
                "ok": ratio <= PUBLISH_RATIO if size == "200k" else None,
            }
        )
        results.append(
            {
                "what": f"then the queued psychometrics task @ {size} (a 20 000-answer sample)",
                "seconds": completion[size],
                "ratio": common.ratio(completion[size], floor_s),
                "target": "",
                "ok": None,
            }
        )
    for what, _call, targeted in targets(big.slug):
        small, large = measured[(what, "50k")], measured[(what, "200k")]
        flat = common.ratio(large["seconds"], small["seconds"])
        same_queries = small["queries"] == large["queries"]
        for size, row in (("50k", small), ("200k", large)):
            ratio = common.ratio(row["seconds"], floor_s)
            ok = ratio <= PAGE_RATIO and row["queries"] <= MAX_QUERIES
            results.append(
                {
                    "what": f"{what}, cold @ {size}",
                    "seconds": row["seconds"],
                    "first": row["first"],
                    "ratio": ratio,
                    "queries": row["queries"],
                    "flat": flat if size == "200k" else None,
                    "target": (
                        f"≤ {PAGE_RATIO:g}×, ≤ {MAX_QUERIES} q"
                        + (f", 200k/50k ≤ {FLAT_RATIO:g}, same q" if size == "200k" else "")
                        if targeted
                        else f"(≤ {MAX_QUERIES} q)"
                    ),
                    "ok": (
                        (ok and (size == "50k" or (flat <= FLAT_RATIO and same_queries)))
                        if targeted
                        else row["queries"] <= MAX_QUERIES
                    ),
                }
            )

    if args.writes:
        from bench.writes import measure_import, measure_submission

        common.log("writes: submission and import into a separate open round")
        write_round = common.fresh_open_round(WRITE_SLUG, "Benchmark: skriving")
        write_round = Round.objects.select_related("instrument").get(pk=write_round.pk)
        spec = get_instrument_spec(write_round.instrument)
        writes: list = []
        try:
            measure_submission(write_round, spec, args.submissions, writes, checks)
            measure_import(write_round, spec, args.import_rows, args.import_reps, writes, checks)
        finally:
            common.drop_round(WRITE_SLUG)
            common.vacuum()
        for row in writes:
            row["what"] += f" (own floor {row['floor']:.4f} s: {row['floor_what']})"
            row["target"] = "≤ 3× own floor" if "submission" in row["what"] else "(none)"
        results += writes

    print()
    print(f"national_scale: {sizes} responses, {len(municipalities)} kommuner; {facts}")
    for row in results:
        row["ok"] = {True: "yes", False: "NO", None: ""}[row["ok"]]
    table = common.print_table(
        results,
        [
            ("what", "what", ""),
            ("seconds", "seconds", ".3f"),
            ("first", "first in process", ".3f"),
            ("ratio", "× floor", ".3f"),
            ("queries", "queries", ""),
            ("flat", "200k / 50k", ".2f"),
            ("target", "target", ""),
            ("ok", "met", ""),
        ],
    )
    print(f"\nfloor runs: {', '.join(f'{t:.3f}' for t in floor.times)}")
    print(f"numbers checked: {checks.passed} agree, {len(checks.failures)} differ")
    for failure in checks.failures[:20]:
        print(f"  MISMATCH {failure}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "national_scale.json").write_text(
        json.dumps(
            {
                "machine": facts,
                "responses": sizes,
                "floor_times": floor.times,
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
