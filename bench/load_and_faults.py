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
"""

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common as common  # noqa: E402

LOAD_SLUG = "bench-load"
OUT = Path("/tmp/innovasjonsradar-bench")
FINGERPRINT_ITEMS = 10
MAX_RETRIES = 30
REQUEST_TIMEOUT = 30.0

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTR_RE = re.compile(r'(\w+)="([^"]*)"')


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


class Plan:
    """What one simulated respondent answers; its number is encoded in the answers."""

    def __init__(self, number: int, token: str, spec, fingerprint_items, rng: random.Random):
        self.number = number
        self.token = token
        groups = ["toppleder", "mellomleder", "forstelinjeleder", "medarbeider", "tillitsvalgt"]
        groups.append("stab")
        self.staff_group = rng.choices(groups, [2, 6, 8, 70, 6, 8])[0]
        self.sector = rng.choice(
            ["helse_omsorg", "oppvekst", "kultur", "teknisk", "nav_sosial", "administrasjon"]
        )
        self.answers = {}
        digits, rest = [], number
        for _ in fingerprint_items:
            digits.append(rest % 5 + 1)
            rest //= 5
        fingerprint = dict(zip(fingerprint_items, digits, strict=True))
        for item in spec.items_for(self.staff_group):
            if item.code in fingerprint:
                self.answers[item.code] = str(fingerprint[item.code])
            else:
                self.answers[item.code] = rng.choice(["1", "2", "3", "4", "5", "x"])
        self.barriers = rng.sample([o.code for o in spec.barriers], rng.randint(0, 3))
        self.promoters = rng.sample([o.code for o in spec.promoters], rng.randint(0, 3))
        self.resume: tuple[str, dict] | None = None  # (first page, cookies) when pre-positioned

    def values_for(self, page) -> dict:
        """What the page's form stores in the draft (the forms' to_draft())."""
        if page.kind == "background":
            return {"staff_group": self.staff_group, "sector": self.sector, "unit": None}
        if page.kind == "dimension":
            items = page.dimension.items_for(self.staff_group)
            return {"answers": {item.code: self.answers[item.code] for item in items}}
        return {"barriers": self.barriers, "promoters": self.promoters}


def decode_fingerprint(values: list[int]) -> int:
    number = 0
    for value in reversed(values):
        number = number * 5 + (value - 1)
    return number


class Stats:
    def __init__(self):
        self.records: list[tuple] = []  # (phase, t_start, latency, ok, step, status)
        self.thanked: dict[int, str] = {}  # respondent number -> phase
        self.already_answered: list[int] = []
        self.given_up = 0
        self.started = 0

    def add(self, phase, t_start, latency, ok, step, status):
        self.records.append((phase, t_start, latency, ok, step, status))


class Respondent:
    """One browser: its own cookies; steps with retries."""

    def __init__(self, client, base, stats, phase, deadline, phase_start):
        self.client = client
        self.base = base
        self.stats = stats
        self.phase = phase
        self.deadline = deadline
        self.phase_start = phase_start
        self.cookies: dict[str, str] = {}

    def _store_cookies(self, response):
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    async def request(self, step, method, path, data=None, expect=(200,)):
        """One request with retries; returns the response or None when given up."""
        for _attempt in range(MAX_RETRIES):
            headers = {}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            started = time.monotonic()
            status, response = None, None
            try:
                response = await self.client.request(
                    method, self.base + path, data=data, headers=headers
                )
                status = response.status_code
                self._store_cookies(response)
            except Exception as exc:  # noqa: BLE001 - any transport error is an error here
                status = type(exc).__name__
            latency = time.monotonic() - started
            ok = status in expect
            self.stats.add(self.phase, started - self.phase_start, latency, ok, step, status)
            if ok:
                return response
            if step == "send" and status == 409:
                return response  # stored before, but the session did not learn it
            if time.monotonic() > self.deadline + 60:
                return None
            await asyncio.sleep(1.0)
        return None

    async def questionnaire(self, plan: Plan) -> str:
        """Answer everything; returns 'thanked', 'already_answered', 'gave_up' or 'stopped'."""
        if plan.resume:  # pre-positioned: its session already holds a draft
            path, cookies = plan.resume
            self.cookies = dict(cookies)
        else:
            self.cookies = {}
            r = await self.request("welcome", "GET", f"/apen/{plan.token}/")
            if r is None:
                return "gave_up"
            csrf = CSRF_RE.search(r.text).group(1)
            r = await self.request(
                "start",
                "POST",
                f"/apen/{plan.token}/",
                {"csrfmiddlewaretoken": csrf, "language": "nb"},
                expect=(302,),
            )
            if r is None:
                return "gave_up"
            path = r.headers["location"]
        for _ in range(40):  # at most 40 pages: bounded even if the flow misbehaved
            if time.monotonic() > self.deadline:
                return "stopped"
            r = await self.request("page_get", "GET", path)
            if r is None:
                return "gave_up"
            text = r.text
            csrf = CSRF_RE.search(text).group(1)
            if 'action="/skjema/send/"' in text:
                r = await self.request(
                    "send", "POST", "/skjema/send/", {"csrfmiddlewaretoken": csrf}, expect=(302,)
                )
                if r is None:
                    return "gave_up"
                if r.status_code == 409:
                    return "already_answered"
                r = await self.request("thanks", "GET", r.headers["location"])
                return "thanked" if r is not None else "gave_up"
            names = {}
            for tag in INPUT_RE.findall(text):
                attrs = dict(ATTR_RE.findall(tag))
                if attrs.get("type") in ("radio", "checkbox"):
                    names.setdefault(attrs["name"], []).append(attrs.get("value"))
            data = {"csrfmiddlewaretoken": csrf, "nav": "next"}
            if "staff_group" in names:
                data.update(staff_group=plan.staff_group, sector=plan.sector, unit="")
                step = "background"
            elif "barriers" in names:
                data.update(barriers=plan.barriers, promoters=plan.promoters)
                step = "choices"
            else:
                data.update({name: plan.answers[name] for name in names})
                step = "dimension"
            r = await self.request(step, "POST", path, data, expect=(302,))
            if r is None:
                return "gave_up"
            path = r.headers["location"]
        return "gave_up"


async def run_phase(
    name,
    users,
    duration,
    args,
    base,
    links,
    spec,
    fingerprint_items,
    stats,
    plans,
    counter,
    initial=(),
    fault=None,
):
    import httpx

    started = time.monotonic()
    deadline = started + duration
    limits = httpx.Limits(max_connections=users + 20, max_keepalive_connections=users)
    # No shared cookie jar: each respondent keeps its own cookies (see Respondent).
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    async with httpx.AsyncClient(
        limits=limits,
        timeout=REQUEST_TIMEOUT,
        cookies=jar,
        follow_redirects=False,
        trust_env=False,  # loopback only: never a proxy from the environment
    ) as client:

        async def user(index):
            rng = random.Random(index * 7919 + len(name))
            await asyncio.sleep(rng.uniform(0, 3))  # ramp up over 3 s
            respondent = Respondent(client, base, stats, name, deadline, started)
            first = initial[index] if index < len(initial) else None
            while time.monotonic() < deadline:
                if first is not None:
                    plan, first = first, None
                else:
                    number = next(counter)
                    plan = Plan(number, rng.choice(links)[0], spec, fingerprint_items, rng)
                    plans[number] = plan
                number = plan.number
                stats.started += 1
                outcome = await respondent.questionnaire(plan)
                if outcome == "thanked":
                    stats.thanked[number] = name
                elif outcome == "already_answered":
                    stats.already_answered.append(number)
                elif outcome == "gave_up":
                    stats.given_up += 1
                if args.think:
                    await asyncio.sleep(args.think)

        tasks = [asyncio.create_task(user(i)) for i in range(users)]
        restart = None
        if fault:
            restart = asyncio.create_task(fault(started))
        # Hard bound: the phase plus the longest a retrying request can take.
        done, pending = await asyncio.wait(
            tasks, timeout=(deadline - started) + MAX_RETRIES * (REQUEST_TIMEOUT + 1)
        )
        for task in pending:
            task.cancel()
        for task in done:
            if task.exception():
                raise task.exception()
        restart_info = await restart if restart else None
    return {
        "seconds": time.monotonic() - started,
        "restart": restart_info,
        "cancelled": len(pending),
    }


def preposition(users, spec, links, counter, plans, fingerprint_items, seed) -> list:
    """A steady state from the first second: each respondent is already somewhere in its
    questionnaire (uniformly: 0 pages answered up to all but the review page), as when people
    started at different times. Their drafts are written with the app's own services and their
    sessions with Django's session store; 0 pages means the respondent starts at the open link.
    Without this, 200 respondents starting together would all reach the submit step at the end of
    a two-minute phase, or not at all on a slow machine."""
    from django.conf import settings
    from django.db import connection
    from django.utils.crypto import get_random_string

    from assessment import selectors, services
    from assessment.respondent_views import SESSION_DRAFT, SESSION_RESUME_CODE

    rng = random.Random(seed)
    prepared = []
    for _ in range(users):
        number = next(counter)
        token, link = rng.choice(links)
        plan = Plan(number, token, spec, fingerprint_items, rng)
        plans[number] = plan
        pages = selectors.questionnaire_pages(spec, plan.staff_group)
        done = rng.randrange(len(pages))
        if done:
            draft, code = services.start_open_draft(link=link, language="nb")
            for page_number, page in enumerate(pages[:done], start=1):
                services.save_draft_page(
                    draft=draft,
                    page=page_number,
                    values=plan.values_for(page),
                    continue_at=page_number + 1,
                )
            session = import_module(settings.SESSION_ENGINE).SessionStore()
            session[SESSION_DRAFT] = draft.pk
            session[SESSION_RESUME_CODE] = code
            session.create()
            plan.resume = (
                f"/skjema/side/{done + 1}/",
                {
                    settings.SESSION_COOKIE_NAME: session.session_key,
                    settings.CSRF_COOKIE_NAME: get_random_string(32),
                },
            )
        prepared.append(plan)
    connection.close()  # a PostgreSQL restart would break it; reconnect afterwards
    return prepared


def pg_version() -> str:
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: float(v))
    return versions[-1]


def make_fault(args):
    async def fault(phase_start):
        await asyncio.sleep(args.restart_at)
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"]
        common.log(f"  restarting PostgreSQL: {' '.join(command)}")
        began = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
        ended = time.monotonic()
        common.log(f"  restart done in {ended - began:.1f} s (exit {process.returncode})")
        return {
            "command": " ".join(command),
            "at": began - phase_start,
            "done_at": ended - phase_start,
            "seconds": ended - began,
            "exit": process.returncode,
            "output": output.decode(errors="replace").strip(),
        }

    return fault


def summarize(stats: Stats, phase: str, seconds: float) -> dict:
    records = [r for r in stats.records if r[0] == phase]
    latencies = [r[2] for r in records]
    errors = [r for r in records if not r[3]]
    sends = [r[2] for r in records if r[4] == "send" and r[3]]
    thanked = sum(1 for p in stats.thanked.values() if p == phase)
    return {
        "phase": phase,
        "seconds": round(seconds, 1),
        "requests": len(records),
        "req_per_s": len(records) / seconds,
        "thanked": thanked,
        "per_min": thanked / seconds * 60,
        "p50_ms": 1000 * (percentile(latencies, 50) or 0),
        "p95_ms": 1000 * (percentile(latencies, 95) or 0),
        "p99_ms": 1000 * (percentile(latencies, 99) or 0),
        "send_p50_ms": 1000 * (percentile(sends, 50) or 0),
        "send_p95_ms": 1000 * (percentile(sends, 95) or 0),
        "errors": len(errors),
        "error_pct": 100 * len(errors) / max(len(records), 1),
        "error_kinds": dict(Counter(str(r[5]) for r in errors).most_common(6)),
    }


def timeline(stats: Stats, phase: str, bucket: float = 5.0) -> list[dict]:
    rows = {}
    for _p, t, _lat, ok, _step, _status in (r for r in stats.records if r[0] == phase):
        key = int(t // bucket)
        entry = rows.setdefault(key, {"t": key * bucket, "requests": 0, "errors": 0})
        entry["requests"] += 1
        entry["errors"] += 0 if ok else 1
    return [rows[k] for k in sorted(rows)]


def verify(round_id, stats: Stats, plans: dict, spec, fingerprint_items) -> dict:
    """Every thanked respondent stored exactly once; nothing half-written."""
    from django.db import connection

    item_code = {item.id: item.code for item in spec.items.values()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, a.item_id, a.value FROM assessment_response r "
            "JOIN assessment_answer a ON a.response_id = r.id WHERE r.round_id = %s",
            [round_id],
        )
        answers: dict[int, dict] = {}
        for rid, item_id, value in cursor.fetchall():
            answers.setdefault(rid, {})[item_code[item_id]] = value
        cursor.execute(
            "SELECT r.id, "
            " NOT EXISTS (SELECT 1 FROM assessment_answer a WHERE a.response_id = r.id),"
            " NOT EXISTS (SELECT 1 FROM assessment_responsescore s WHERE s.response_id = r.id)"
            " FROM assessment_response r WHERE r.round_id = %s",
            [round_id],
        )
        responses = cursor.fetchall()
    found = Counter()
    mismatched = 0
    for rid, _no_answers, _no_scores in responses:
        stored = answers.get(rid, {})
        if not all(code in stored and stored[code] for code in fingerprint_items):
            continue
        number = decode_fingerprint([stored[code] for code in fingerprint_items])
        found[number] += 1
        plan = plans.get(number)
        sent = {c: (None if v == "x" else int(v)) for c, v in plan.answers.items()} if plan else {}
        if stored != sent:
            mismatched += 1
    thanked = set(stats.thanked)
    return {
        "responses_stored": len(responses),
        "thanked": len(thanked),
        "thanked_stored_once": sum(1 for n in thanked if found[n] == 1),
        "thanked_missing": sum(1 for n in thanked if found[n] == 0),
        "duplicates": sum(1 for n, c in found.items() if c > 1),
        "stored_not_thanked": sum(1 for n in found if n not in thanked),
        "already_answered_pages": len(stats.already_answered),
        "without_answers": sum(1 for r in responses if r[1]),
        "without_scores": sum(1 for r in responses if r[2]),
        "answers_differ_from_sent": mismatched,
        "without_fingerprint": len(responses) - sum(found.values()),
    }


def start_gunicorn(args, log_path: Path):
    command = [
        str(common.ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--backlog",
        "2048",
        "--error-logfile",
        str(log_path),
    ]
    env = {**os.environ, **common.bench_env()}
    log_handle = open(log_path, "ab")  # noqa: SIM115 - closed by stop_gunicorn
    process = subprocess.Popen(
        command, cwd=common.ROOT, env=env, stdout=log_handle, stderr=subprocess.STDOUT
    )
    process.log_handle = log_handle
    process.command = " ".join(command[1:])
    return process


def stop_gunicorn(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    process.log_handle.close()


def wait_ready(port: int, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (
                httpx.get(
                    f"http://127.0.0.1:{port}/om-metoden/", timeout=5, trust_env=False
                ).status_code
                == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


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
