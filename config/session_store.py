"""Sessions whose expiry is a midnight, never a time of day (domain.md §6: nothing keeps a
respondent's submit time finer than the date, sessions included).

Django sets a session's expiry to «last save + SESSION_COOKIE_AGE», so the row saved when a
respondent submits would carry the submit second. Here the expiry is rounded up to the next
local midnight: the database row, the cache entry and the cookie all expire at a date."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db
from django.utils import timezone

# Through the cache only when the cache is shared (Redis): a process-local cache would let one
# gunicorn worker read a session another worker has since changed.
_Base = cached_db.SessionStore if settings.REDIS_URL else db.SessionStore


def _next_midnight(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    if local.time() == time(0):
        return local
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(0)))


class SessionStore(_Base):
    def get_expiry_date(self, **kwargs) -> datetime:
        return _next_midnight(super().get_expiry_date(**kwargs))

    def get_expiry_age(self, **kwargs) -> int:
        modification = kwargs.get("modification") or timezone.now()
        expiry = self.get_expiry_date(**kwargs)
        return max(0, int((expiry - modification).total_seconds()))
