"""A real OpenID Connect provider for the tests (oidc-provider-mock, on 127.0.0.1 in a thread),
and the browser's half of the redirect flow for the Django test client."""

import threading
from urllib.parse import urlparse

import oidc_provider_mock
import pytest
import requests
import werkzeug.serving


class Provider:
    def __init__(self, server):
        self.server = server
        self.issuer = f"http://127.0.0.1:{server.server_port}"

    def approve(self, authorize_url: str, sub: str) -> str:
        """The person signs in at the provider as `sub`; returns where the provider sends the
        browser back (the app's callback, with code and state)."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


def sign_in(client, provider: Provider, sub: str, next_path: str = "/konto/videre/"):
    """The whole redirect flow with a Django test client; returns the final response."""
    start = client.get(f"/oidc/authenticate/?next={next_path}")
    assert start.status_code == 302 and start["Location"].startswith(provider.issuer)
    back = urlparse(provider.approve(start["Location"], sub))
    assert back.path == "/oidc/callback/"
    return client.get(f"{back.path}?{back.query}", follow=True)


@pytest.fixture
def oidc_provider(settings):
    """The provider, with users whose claims the tests choose, and the app configured for it
    through the same settings the environment variables set."""
    users = [
        oidc_provider_mock.User(sub="kari", claims={"email": "Kari.Nordmann@sogndal.kommune.no"}),
        oidc_provider_mock.User(sub="ola", claims={"email": "ola@sogndal.kommune.no"}),
        # the provider's key signs a token meant for another service
        oidc_provider_mock.User(
            sub="feil-mottaker",
            claims={"email": "kari.nordmann@sogndal.kommune.no", "aud": "en-annen-tjeneste"},
        ),
        # a token that expired an hour ago
        oidc_provider_mock.User(
            sub="utlopt",
            claims={"email": "kari.nordmann@sogndal.kommune.no", "exp": 1_000_000_000},
        ),
        oidc_provider_mock.User(sub="uten-epost", claims={}),
        # the address of an account made with a password (a superuser)
        oidc_provider_mock.User(sub="som-admin", claims={"email": "admin@sogndal.kommune.no"}),
        # an address the provider says is not verified, as a string
        oidc_provider_mock.User(
            sub="uverifisert",
            claims={"email": "kari.nordmann@sogndal.kommune.no", "email_verified": "false"},
        ),
    ]
    app = oidc_provider_mock.app(user_claims=users, require_nonce=True)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    provider = Provider(server)
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "innovasjonsradar"
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    yield provider
    server.shutdown()
    thread.join()
    server.server_close()
