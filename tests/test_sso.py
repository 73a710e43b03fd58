"""Single sign-on with OpenID Connect against a real provider started by the tests on 127.0.0.1,
through the real redirect flow: a role granted to an e-mail address is taken at the first
sign-in, a token for another audience or an expired one is refused, and a person without a role
gets a clear page."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from municipalities.models import Membership, PendingGrant
from municipalities.services import grant_role_on_sign_in
from tests import oidctesting
from tests.oidctesting import sign_in

oidc_provider = oidctesting.oidc_provider  # the fixture


def test_a_coordinator_granted_by_email_signs_in_and_lands_on_her_kommune(
    open_round, oidc_provider
):
    out = io.StringIO()
    call_command(
        "grant_role", "kari.nordmann@sogndal.kommune.no", "coordinator", "--municipality", "4640",
        stdout=out,
    )  # fmt: skip
    assert "Rolle venter på første innlogging" in out.getvalue()
    assert not get_user_model().objects.filter(email__iexact="kari.nordmann@sogndal.kommune.no")

    client = Client()
    page = sign_in(client, oidc_provider, "kari")
    assert page.wsgi_request.path == "/kommune/4640/runder/"
    assert "Sogndal" in page.content.decode()
    user = get_user_model().objects.get(email="kari.nordmann@sogndal.kommune.no")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, role="coordinator").count() == 1
    assert not PendingGrant.objects.exists()

    # the next sign-in finds the same user; no second account, no second role
    again = sign_in(Client(), oidc_provider, "kari")
    assert again.wsgi_request.path == "/kommune/4640/runder/"
    assert (
        get_user_model().objects.filter(email__iexact="kari.nordmann@sogndal.kommune.no").count()
        == 1
    )


def test_a_token_for_another_audience_is_refused(open_round, oidc_provider):
    grant_role_on_sign_in(
        identity="kari.nordmann@sogndal.kommune.no", role="coordinator", municipality_number="4640"
    )
    client = Client()
    page = sign_in(client, oidc_provider, "feil-mottaker")
    assert page.wsgi_request.path == "/konto/logg-inn/"
    assert "Innloggingen med organisasjonskontoen ble avvist" in page.content.decode()
    assert client.get("/kommune/4640/runder/").status_code == 302  # still signed out
    assert PendingGrant.objects.count() == 1  # nobody took the role


def test_an_expired_token_is_refused(open_round, oidc_provider):
    grant_role_on_sign_in(
        identity="kari.nordmann@sogndal.kommune.no", role="coordinator", municipality_number="4640"
    )
    client = Client()
    page = sign_in(client, oidc_provider, "utlopt")
    assert page.wsgi_request.path == "/konto/logg-inn/"
    assert "ble avvist" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email__iexact="kari.nordmann@sogndal.kommune.no")


def test_a_person_without_a_role_gets_a_clear_page(open_round, oidc_provider):
    client = Client()
    page = sign_in(client, oidc_provider, "ola")
    assert page.status_code == 200 and page.wsgi_request.path == "/"
    assert "Brukeren din har ingen rolle ennå" in page.content.decode()
    assert client.get("/kommune/4640/runder/").status_code == 404
    # a provider that gives no e-mail address: refused, not an error
    refused = sign_in(Client(), oidc_provider, "uten-epost")
    assert "ble avvist" in refused.content.decode()


def test_a_role_for_someone_who_already_has_an_account_is_given_at_once(open_round, oidc_provider):
    user = get_user_model().objects.create_user(username="ola", email="ola@sogndal.kommune.no")
    granted = grant_role_on_sign_in(
        identity="OLA@sogndal.kommune.no", role="coordinator", municipality_number="4640"
    )
    assert isinstance(granted, Membership) and granted.user == user
    assert sign_in(Client(), oidc_provider, "ola").wsgi_request.path == "/kommune/4640/runder/"


def test_password_sign_in_still_works_and_the_page_offers_both(users, oidc_provider):
    client = Client()
    page = client.get("/konto/logg-inn/").content.decode()
    assert "Logg inn med organisasjonskontoen" in page
    response = client.post("/konto/logg-inn/", {"username": "ingen", "password": "x"})
    assert response.status_code == 302


def test_a_provider_that_does_not_answer_gives_a_clear_page(oidc_provider, settings, db):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    response = Client().get("/oidc/authenticate/")
    assert response.status_code == 503
    assert "Innloggingen er ikke tilgjengelig" in response.content.decode()


def test_without_configuration_there_is_no_single_sign_on(db):
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/?code=x&state=y").status_code == 404
    assert "organisasjonskontoen" not in Client().get("/konto/logg-inn/").content.decode()


def test_single_sign_on_never_takes_over_an_account_with_a_password(open_round, oidc_provider):
    """Found in review: a token's address is only as good as the provider's check of it, so an
    account made with a password (here a superuser) is not signed in to by single sign-on."""
    admin = get_user_model().objects.create_superuser(
        "admin", "admin@sogndal.kommune.no", "et-passord"
    )
    client = Client()
    page = sign_in(client, oidc_provider, "som-admin")
    assert page.wsgi_request.path == "/konto/logg-inn/"
    assert "Innloggingen med organisasjonskontoen ble avvist" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.filter(email__iexact=admin.email).count() == 1


def test_an_address_marked_unverified_is_refused(open_round, oidc_provider):
    grant_role_on_sign_in(
        identity="kari.nordmann@sogndal.kommune.no", role="coordinator", municipality_number="4640"
    )
    client = Client()
    page = sign_in(client, oidc_provider, "uverifisert")
    assert page.wsgi_request.path == "/konto/logg-inn/"
    assert PendingGrant.objects.count() == 1  # nobody took the role
