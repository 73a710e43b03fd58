"""Login throttling on top of django-axes (README: Sikkerhet ved innlogging).

Two limits within the cool-off (15 minutes):
- one account from one address: AXES_FAILURE_LIMIT (5) failures lock that pair, as axes does;
- one account from all addresses together: AXES_ACCOUNT_FAILURE_LIMIT (20) failures lock the
  account for every address where the user has never signed in.

Attempts refused during a lockout are not counted, so one address (a stranger behind the
kommune's proxy) adds at most 5 to the account's count and cannot lock the account alone. An
address where the user has signed in before keeps its own limit of 5, so a spray of guesses from
many addresses does not keep the user out of the office network they normally use."""

import logging
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

KNOWN_ADDRESS_DAYS = 180

logger = logging.getLogger(__name__)


def signed_in_from(username: str, ip_address: str | None) -> bool:
    """Has this user signed in successfully from this address lately?"""
    since = timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=since
    ).exists()


def account_failures(request, username: str) -> int:
    """Failures on the account from every address within the cool-off."""
    return (
        AccessAttempt.objects.filter(
            username=username, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )


class AccountThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username or signed_in_from(username, request.axes_ip_address):
            return failures
        if account_failures(request, username) >= settings.AXES_ACCOUNT_FAILURE_LIMIT:
            request.axes_account_limit_reached = True
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Log each new lockout once (not every attempt refused during it), without the
        username or the address: the operator finds those under Axes → Access attempts."""
        was_locked = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not was_locked and getattr(request, "axes_locked_out", False):
            if getattr(request, "axes_account_limit_reached", False):
                logger.warning(
                    "Login lockout: an account reached %s failures from all addresses; "
                    "locked for addresses it has not signed in from, for %s minutes",
                    settings.AXES_ACCOUNT_FAILURE_LIMIT,
                    int(settings.AXES_COOLOFF_TIME * 60),
                )
            else:
                logger.warning(
                    "Login lockout: an account reached %s failures from one address; "
                    "locked from that address for %s minutes",
                    settings.AXES_FAILURE_LIMIT,
                    int(settings.AXES_COOLOFF_TIME * 60),
                )
