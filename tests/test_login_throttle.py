"""Login throttling (issue 12, leak 11): guesses on one account are limited across addresses, and
a stranger cannot keep a user out: not from the same address (a shared proxy), and not from the
office network the user normally signs in from."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/konto/logg-inn/"
PASSWORD = "et-langt-passord-123"
OFFICE = "10.20.30.40"


@pytest.fixture
def kari():
    return get_user_model().objects.create_user(username="kari", password=PASSWORD)


def attempt(address: str, password: str = "feil"):
    """One login from a fresh browser at `address`; True when the user got in."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": "kari", "password": password})
    return response, "_auth_user_id" in client.session


def spray(addresses: int, per_address: int = settings.AXES_FAILURE_LIMIT, start: int = 1):
    for host in range(start, start + addresses):
        for _ in range(per_address):
            attempt(f"198.51.100.{host}")


def test_guesses_from_many_addresses_lock_the_account_for_new_addresses(kari):
    per_address = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock one address
    addresses = -(-settings.AXES_ACCOUNT_FAILURE_LIMIT // per_address)
    spray(addresses, per_address)
    response, signed_in = attempt("203.0.113.9", PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "For mange mislykkede innlogginger" in response.content.decode()
    assert not signed_in


def test_the_account_opens_again_after_the_cool_off(kari):
    spray(settings.AXES_ACCOUNT_FAILURE_LIMIT // settings.AXES_FAILURE_LIMIT)
    assert attempt("203.0.113.9", PASSWORD)[0].status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt("203.0.113.9", PASSWORD)[1]


def test_the_user_still_signs_in_from_the_office_during_a_spray(kari):
    """Kari has signed in from the office before; a spray from many addresses locks new
    addresses, but at the office she still has her own 5 tries."""
    assert attempt(OFFICE, PASSWORD)[1]
    spray(10)
    assert attempt("203.0.113.9", PASSWORD)[0].status_code == 429
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(OFFICE)  # she mistypes a few times
    assert attempt(OFFICE, PASSWORD)[1]


def test_a_stranger_behind_the_same_proxy_cannot_lock_the_account(kari):
    """Endless guesses from one address lock only that address; they are not counted towards
    the account's limit, so the user signs in from anywhere else."""
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT * 3):
        attempt("192.0.2.1")
    assert attempt("192.0.2.1", PASSWORD)[0].status_code == 429
    assert attempt("203.0.113.9", PASSWORD)[1]
