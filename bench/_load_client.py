"""The simulated respondents of bench/load_and_faults.py: what each one answers (its number
encoded in the answers), one browser with its own cookies and retries, a phase of many of them
over HTTP, and the steady state from the first second (drafts and sessions written beforehand)."""

import asyncio
import random
import re
import time
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import SimpleCookie
from importlib import import_module

FINGERPRINT_ITEMS = 10
MAX_RETRIES = 30
REQUEST_TIMEOUT = 30.0

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTR_RE = re.compile(r'(\w+)="([^"]*)"')


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
