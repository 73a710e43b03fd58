"""A coordinator signs in with her organisation's account through a real OpenID Connect provider
(started on 127.0.0.1 by the test) in Chromium, and lands on her kommune."""

import pytest

from municipalities.services import grant_role_on_sign_in
from tests import oidctesting

from .helpers import assert_accessible, assert_no_console_errors

pytestmark = pytest.mark.e2e
oidc_provider = oidctesting.oidc_provider  # the fixture


def test_a_coordinator_signs_in_with_single_sign_on_and_lands_on_her_kommune(
    web, open_round, oidc_provider
):
    grant_role_on_sign_in(
        identity="kari.nordmann@sogndal.kommune.no", role="coordinator", municipality_number="4640"
    )
    page = web.page()
    page.goto("/konto/logg-inn/")
    assert_accessible(page, "sign-in with single sign-on")
    page.get_by_role("link", name="Logg inn med organisasjonskontoen").click()
    # at the provider: sign in as Kari
    page.wait_for_url(f"{oidc_provider.issuer}/**")
    page.get_by_role("button", name="kari", exact=True).click()
    page.wait_for_url("**/kommune/4640/runder/")
    assert "Sogndal" in page.locator("h1").inner_text()
    assert_no_console_errors(page)
