"""Printed and posted open links survive a change of DJANGO_SECRET_KEY (issue 12, leak 12): the
poster shown again carries the same address and QR code as the one on the wall, and that address
still opens the questionnaire. Only the link's hash and salt are stored."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from assessment.models import OpenLink
from tests.helpers import staff_client

pytestmark = pytest.mark.django_db

OLD_KEY = "old-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789"
NEW_KEY = "new-secret-key-9876543210-zyxwvutsrqponmlkjihgfedcba-9876543210"
LINK_KEY = "open-link-key-0123456789-never-changes-abcdefghijklmnopqrstuvw"


def poster(coordinator, round_, link=None):
    """The poster page: (address, QR svg) or (None, None) when no address is shown."""
    client = staff_client(coordinator)
    if link is None:
        create = reverse("assessment:open_link_create", args=["4640", round_.slug])
        response = client.post(create, {"unit": ""}, follow=True)
    else:
        response = client.get(reverse("assessment:poster", args=["4640", round_.slug, link.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    address = re.search(r'id="open-link-url">([^<]+)<', html)
    qr = re.search(r"<svg.*?</svg>", html, re.S)
    return (address[1] if address else None), (qr[0] if qr else None), html


def opens_questionnaire(address: str) -> bool:
    return Client().get(address.removeprefix("http://testserver")).status_code == 200


@override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[], OPEN_LINK_KEY=LINK_KEY)
def test_with_an_open_link_key_the_poster_is_the_same_after_the_secret_key_changes(
    open_round, users
):
    printed, printed_qr, _html = poster(users["coordinator_a"], open_round)
    link = OpenLink.objects.get()
    with override_settings(SECRET_KEY=NEW_KEY):
        again, again_qr, _html = poster(users["coordinator_a"], open_round, link)
        assert (again, again_qr) == (printed, printed_qr)
        assert opens_questionnaire(printed)


@override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[], OPEN_LINK_KEY="")
def test_without_an_open_link_key_a_rotation_with_fallbacks_keeps_the_poster(open_round, users):
    """Links made before DJANGO_OPEN_LINK_KEY was set: Django's own key rotation (the old key in
    DJANGO_SECRET_KEY_FALLBACKS) keeps them, and so does setting the old key as open-link key."""
    printed, printed_qr, _html = poster(users["coordinator_a"], open_round)
    link = OpenLink.objects.get()
    for rotated in (
        {"SECRET_KEY": NEW_KEY, "SECRET_KEY_FALLBACKS": [OLD_KEY]},
        {"SECRET_KEY": NEW_KEY, "OPEN_LINK_KEY": OLD_KEY},
    ):
        with override_settings(**rotated):
            assert poster(users["coordinator_a"], open_round, link)[:2] == (printed, printed_qr)
            assert opens_questionnaire(printed)


@override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[], OPEN_LINK_KEY="")
def test_a_link_no_key_reproduces_shows_no_dead_address_and_the_printed_one_works(
    open_round, users
):
    printed, _qr, _html = poster(users["coordinator_a"], open_round)
    link = OpenLink.objects.get()
    with override_settings(SECRET_KEY=NEW_KEY):
        address, qr, html = poster(users["coordinator_a"], open_round, link)
        assert (address, qr) == (None, None)  # no address or QR code that would give 404
        assert "Plakater og lapper som allerede henger ute, virker fortsatt" in html
        assert opens_questionnaire(printed)
