"""Sessions whose expiry is a midnight, never a time of day (domain.md §6: nothing keeps a
respondent's submit time finer than the date, sessions included).

Django sets a session's expiry to «last save + SESSION_COOKIE_AGE», so the row saved when a
respondent submits would carry the submit second. Here the expiry is rounded up to the next
local midnight: the database row, the cache entry and the cookie all expire at a date."""

from datetime import datetime, time, timedelta

from django.contrib.sessions.backends import cached_db
from django.utils import timezone


def _next_midnight(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    if local.time() == time(0):
        return local
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time(0)))


class SessionStore(cached_db.SessionStore):
    def get_expiry_date(self, **kwargs) -> datetime:
        return _next_midnight(super().get_expiry_date(**kwargs))

    def get_expiry_age(self, **kwargs) -> int:
        modification = kwargs.get("modification") or timezone.now()
        expiry = self.get_expiry_date(**kwargs)
        return max(0, int((expiry - modification).total_seconds()))
