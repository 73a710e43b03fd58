"""Rate limits on open links (domain.md §6: one client cannot stuff the ballot).

New drafts and submissions through an open link are counted per client (a random id kept in
the session, which survives the key change when a draft starts) and per IP address, in fixed
windows. The numbers let ten colleagues answer one after another on one shared PC within an
hour (each takes about ten minutes), while a script posting 30 times a minute gets at most a
handful of drafts. Personal links and printed codes are single-use and are not limited.

Counters live in the Django cache under keyed hashes (no IP address is stored) and expire at the
end of their window, so they keep no time finer than the window. Production must use a cache
shared by all app processes: Redis (`REDIS_URL`) or Django's database cache. The local-memory
cache counts per process, so the limits multiply by the number of workers.
"""

import hashlib
import hmac
import math
import secrets
import time

from django.conf import settings
from django.core.cache import cache

# (window in seconds, per client, per IP address); a load test may override them with the
# setting RESPONDENT_RATE_LIMITS.
WINDOWS = (
    (10 * 60, 4, 60),
    (60 * 60, 12, 200),
)
SESSION_CLIENT = "respondent_client"


def _now() -> float:
    return time.time()


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the entry a trusted proxy appended to
    X-Forwarded-For when `NUM_PROXIES` (env `DJANGO_NUM_PROXIES`) proxies stand in front."""
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _digest(value: str) -> str:
    key = f"ratelimit:{settings.SECRET_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def allow(request, action: str) -> bool:
    """Count one `action` ("draft" or "submit") for this client; False when it is over a limit.

    Every attempt counts, refused ones too, so hammering does not open the gate sooner."""
    client = request.session.get(SESSION_CLIENT)
    if not client:
        client = request.session[SESSION_CLIENT] = secrets.token_hex(16)
    now = _now()
    allowed = True
    for seconds, per_client, per_ip in getattr(settings, "RESPONDENT_RATE_LIMITS", WINDOWS):
        window = int(now // seconds)
        timeout = max(1, math.ceil((window + 1) * seconds - now))
        for who, limit in ((f"client:{client}", per_client), (f"ip:{client_ip(request)}", per_ip)):
            key = f"respondent-limit:{action}:{seconds}:{window}:{_digest(who)}"
            cache.add(key, 0, timeout=timeout)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=timeout)
                count = 1
            if count > limit:
                allowed = False
    return allowed
