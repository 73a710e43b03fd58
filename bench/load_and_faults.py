"""Load and faults: gunicorn against PostgreSQL, simulated respondents, and a PostgreSQL restart.

Run (from the repository root; PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379; needs
httpx in the venv: `.venv/bin/pip install httpx`):

    .venv/bin/python bench/load_and_faults.py            # or: make bench (runs bench/run_all.py)
    .venv/bin/python bench/load_and_faults.py --users 200 --duration 120 --fault-duration 120

gunicorn runs as in the README (`gunicorn config.wsgi --workers 4`, sync workers; --workers and
--worker-class change it). Bounded and loopback only: gunicorn listens on 127.0.0.1 (--port,
default 8765); all traffic goes there; every request has a 30 s timeout; each phase stops by
itself after its duration (requests in flight finish, nothing new starts); the whole run has a
hard deadline; gunicorn (started here) is stopped by its pid at the end, also on errors.

It uses the benchmark database of bench/national_scale.py (`innovasjonsradar_bench`, created and
migrated here if missing; the 200 000 national responses are not needed, but are there when run
after national_scale.py), production settings (DJANGO_DEBUG=0, bench/settings_bench.py) and Redis
database 13. The respondents answer a separate open round, `bench-load`, removed at the end
(--keep keeps it), with one open link per kommune.

Each simulated respondent loops over complete questionnaires, as a browser would: GET and POST
/apen/<token>/ (draft + session cookie), then GET/POST /skjema/side/<n>/ for the background page,
one page per dimension (every radio answered, nav=next), the choices page and the review page,
POST /skjema/send/ and GET /skjema/takk/. Forms carry the csrftoken cookie and
csrfmiddlewaretoken. Cookies are kept per respondent by this script and sent regardless of their
Secure flag (plain HTTP on loopback). On an error (exception or unexpected status) a respondent
waits 1 s and repeats the same step (up to 30 times, then gives the questionnaire up), like a
person pressing reload.

A steady state from the first second: before each phase every respondent is placed somewhere in
its questionnaire (0 pages answered up to all but the review page, uniformly), its draft written
with the app's own services (start_open_draft, save_draft_page) and its session with Django's
session store; it then continues over HTTP, and every later questionnaire starts at the open link.
Otherwise 200 respondents starting together would all reach the submit step at the same moment
(or, on a slow machine, not within two minutes at all).

Phases (a warm-up of --warmup seconds with a few respondents comes first: each gunicorn worker
imports the app on its first request; it is not reported):
  1. steady: --users respondents for --duration seconds (default 200 for 120 s, no think time).
  2. fault: the same load for --fault-duration seconds; at --restart-at seconds PostgreSQL is
     restarted (`pg_ctlcluster --skip-systemctl-redirect <version> main restart`); the app must
     recover by itself (no restart of gunicorn).

Reported: throughput (requests/s and completed questionnaires/min), p50/p95/p99 latency, errors,
errors per 5 s around the restart, and the integrity check: every respondent's answers carry a
unique fingerprint (its number, in base 5, in the first ten statements every staff group sees), so
each response that got a thank-you page is counted in the database - it must be stored exactly
once - and no response may be half-written (without answers or scores, or with fewer answers than
were sent). Results also go to /tmp/innovasjonsradar-bench/load_and_faults.json. Exit status 1 if
the integrity check fails or the app did not recover.

This script holds the run itself (main); the parts are in bench/_load_client.py (the simulated
respondents and phases), bench/_load_server.py (gunicorn and the PostgreSQL restart) and
bench/_load_results.py (summaries and the integrity check).
"""

import argparse
import asyncio
import json
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402
from bench._load_client import FINGERPRINT_ITEMS, Stats, preposition, run_phase  # noqa: E402
from bench._load_results import summarize, timeline, verify  # noqa: E402
from bench._load_server import make_fault, start_gunicorn, stop_gunicorn, wait_ready  # noqa: E402

LOAD_SLUG = "bench-load"
OUT = Path("/tmp/innovasjonsradar-bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=120, help="steady phase, seconds")
    parser.add_argument("--fault-duration", type=float, default=120, help="fault phase, seconds")
    parser.add_argument("--restart-at", type=float, default=40, help="seconds into fault phase")
    parser.add_argument("--no-fault", action="store_true", help="skip the fault phase")
    parser.add_argument("--think", type=float, default=0.0, help="seconds between questionnaires")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--warmup", type=float, default=20, help="warm-up seconds (not reported)")
    parser.add_argument("--workers", type=int, default=4, help="as in the README's deployment")
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the bench-load round")
    args = parser.parse_args()
    hard_deadline = args.warmup + args.duration + args.fault_duration + 900

    def out_of_time(signum, frame):
        raise TimeoutError(f"load_and_faults: hard deadline of {hard_deadline:.0f} s reached")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(hard_deadline))  # the whole run stops by itself (gunicorn too, via finally)

    common.setup_django()
    common.ensure_base_data()
    from django.db import connection

    from assessment import services
    from assessment.models import Round
    from assessment.selectors import get_instrument_spec
    from assessment.tokens import open_link_token

    facts = common.machine()
    common.log(f"machine: {facts}")
    round_ = common.fresh_open_round(LOAD_SLUG, "Benchmark: last")
    round_ = Round.objects.select_related("instrument").get(pk=round_.pk)
    spec = get_instrument_spec(round_.instrument)
    links = [
        (open_link_token(link.salt), link)
        for link in (
            services.create_open_link(participation=p)
            for p in round_.participations.select_related("round", "municipality")
        )
    ]
    regular = {"toppleder", "mellomleder", "forstelinjeleder", "medarbeider", "tillitsvalgt"}
    regular.add("stab")
    fingerprint_items = [code for code, item in spec.items.items() if regular <= item.audience]
    fingerprint_items = fingerprint_items[:FINGERPRINT_ITEMS]
    connection.close()

    OUT.mkdir(parents=True, exist_ok=True)
    log_path = OUT / "gunicorn.log"
    log_path.write_text("")
    gunicorn = start_gunicorn(args, log_path)
    common.log(f"gunicorn {gunicorn.command} (pid {gunicorn.pid})")
    stats, plans = Stats(), {}
    counter = iter(range(10**9))
    base = f"http://127.0.0.1:{args.port}"
    phases = []
    try:
        wait_ready(args.port)
        # Warm-up (not in the table): each worker imports the app on its first request.
        warm = 3 * args.workers * args.threads
        common.log(f"warm-up: {warm} respondents for {args.warmup:.0f} s")
        common_args = (args, base, links, spec, fingerprint_items, stats, plans, counter)
        asyncio.run(run_phase("warmup", warm, args.warmup, *common_args))
        initial = preposition(args.users, spec, links, counter, plans, fingerprint_items, 1)
        common.log(f"phase steady: {args.users} respondents for {args.duration:.0f} s")
        info = asyncio.run(
            run_phase("steady", args.users, args.duration, *common_args, initial=initial)
        )
        phases.append(("steady", info))
        if not args.no_fault:
            common.log(
                f"phase fault: {args.users} respondents for {args.fault_duration:.0f} s, "
                f"PostgreSQL restart at {args.restart_at:.0f} s"
            )
            initial = preposition(args.users, spec, links, counter, plans, fingerprint_items, 2)
            info = asyncio.run(
                run_phase(
                    "fault",
                    args.users,
                    args.fault_duration,
                    *common_args,
                    initial=initial,
                    fault=make_fault(args),
                )
            )
            phases.append(("fault", info))
    finally:
        stop_gunicorn(gunicorn)
        common.log("gunicorn stopped")

    summaries = [summarize(stats, name, info["seconds"]) for name, info in phases]
    integrity = verify(round_.pk, stats, plans, spec, fingerprint_items)
    recovery = {}
    fault_info = dict(phases).get("fault")
    if fault_info:
        restart = fault_info["restart"]
        records = [r for r in stats.records if r[0] == "fault"]
        errors = [r for r in records if not r[3]]
        after = [r for r in records if r[1] > restart["done_at"] + 15]
        recovery = {
            "restart": restart,
            "first_error_at": min((r[1] for r in errors), default=None),
            "last_error_at": max((r[1] + r[2] for r in errors), default=None),
            "requests_after_restart_plus_15s": len(after),
            "errors_after_restart_plus_15s": sum(1 for r in after if not r[3]),
            "thanked_after_restart": sum(
                1 for r in records if r[4] == "thanks" and r[3] and r[1] > restart["done_at"]
            ),
        }
        recovery["recovered"] = (
            recovery["errors_after_restart_plus_15s"] == 0 and recovery["thanked_after_restart"] > 0
        )
    if not args.keep:
        common.drop_round(LOAD_SLUG)
        common.vacuum()

    print()
    print(
        f"load_and_faults: {args.users} respondents, gunicorn {args.workers} × {args.worker_class}"
        f" (threads {args.threads}); {facts}"
    )
    table = common.print_table(
        summaries,
        [
            ("phase", "phase", ""),
            ("seconds", "seconds", ""),
            ("requests", "requests", ""),
            ("req_per_s", "req/s", ".1f"),
            ("thanked", "questionnaires sent", ""),
            ("per_min", "sent/min", ".0f"),
            ("p50_ms", "p50 ms", ".0f"),
            ("p95_ms", "p95 ms", ".0f"),
            ("p99_ms", "p99 ms", ".0f"),
            ("send_p50_ms", "send p50 ms", ".0f"),
            ("send_p95_ms", "send p95 ms", ".0f"),
            ("errors", "errors", ""),
            ("error_pct", "error %", ".2f"),
        ],
    )
    for s in summaries:
        if s["errors"]:
            print(f"errors in {s['phase']}: {s['error_kinds']}")
    if fault_info:
        print("\nfault phase, per 5 s (t from phase start):")
        lines = timeline(stats, "fault")
        print("  " + " ".join(f"{int(x['t'])}s:{x['requests']}/{x['errors']}err" for x in lines))
        r = recovery["restart"]
        print(
            f"restart: `{r['command']}` at {r['at']:.1f} s, took {r['seconds']:.1f} s "
            f"(exit {r['exit']}); errors from {recovery['first_error_at']} to "
            f"{recovery['last_error_at']} s; after restart + 15 s: "
            f"{recovery['errors_after_restart_plus_15s']} errors in "
            f"{recovery['requests_after_restart_plus_15s']} requests; "
            f"{recovery['thanked_after_restart']} thank-you pages after the restart; "
            f"recovered: {recovery['recovered']}"
        )
    print("\nintegrity:", json.dumps(integrity))
    ok = (
        integrity["thanked_stored_once"] == integrity["thanked"]
        and integrity["duplicates"] == 0
        and integrity["without_answers"] == 0
        and integrity["without_scores"] == 0
        and integrity["answers_differ_from_sent"] == 0
        and (not recovery or recovery["recovered"])
    )
    print("integrity and recovery:", "OK" if ok else "FAILED")
    (OUT / "load_and_faults.json").write_text(
        json.dumps(
            {
                "machine": facts,
                "args": vars(args),
                "gunicorn": gunicorn.command,
                "phases": summaries,
                "timeline_fault": timeline(stats, "fault") if fault_info else [],
                "recovery": recovery,
                "integrity": integrity,
                "given_up": stats.given_up,
                "table": table,
                "ok": ok,
            },
            indent=2,
            default=str,
        )
    )
    signal.alarm(0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
