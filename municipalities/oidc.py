"""Single sign-on with OpenID Connect (mozilla-django-oidc) for coordinators, unit leaders,
tillitsvalgte and KS analysts. Respondents never sign in.

Configured with three environment variables (README: Innlogging med organisasjonskonto): the
issuer, the client id and the secret. The endpoints and keys come from the issuer's discovery
document. The ID token must be signed by the issuer's key, name this app as its audience, come
from the configured issuer and not have expired. Roles are still granted in the app: a role given
to an e-mail address waits (`PendingGrant`) until the first sign-in with that address.
"""

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .services import claim_pending_grants

logger = logging.getLogger(__name__)

_DISCOVERY: dict[str, tuple[float, dict]] = {}
DISCOVERY_TTL = 3600


def discovery() -> dict:
    """The issuer's OpenID configuration, fetched once an hour per process."""
    issuer = settings.OIDC_ISSUER
    cached = _DISCOVERY.get(issuer)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    response = requests.get(
        issuer.rstrip("/") + "/.well-known/openid-configuration",
        timeout=settings.OIDC_TIMEOUT,
    )
    response.raise_for_status()
    config = response.json()
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not config.get(key):
            raise ValueError(f"discovery document has no {key}")
    _DISCOVERY[issuer] = (time.monotonic(), config)
    return config


class SignInBackend(OIDCAuthenticationBackend):
    """Checks the ID token fully, finds or creates the user by the identity claim (the e-mail
    address by default) and hands over the roles waiting for that identity."""

    def __init__(self, *args, **kwargs):
        # The endpoints are read from the discovery document only when someone signs in with
        # the provider, so password sign-in never waits for it.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 (the name mozilla-django-oidc reads)
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return discovery().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return discovery()["jwks_uri"]

    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, ValueError, KeyError) as exc:
            logger.warning("Innlogging med OpenID Connect avvist: %s", exc)
            return None

    def retrieve_matching_jwk(self, token):
        """The issuer's key the token names (by kid), or its only signing key for the token's
        algorithm when the token names none."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        header = jwt.get_unverified_header(token)
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if "kid" in header:
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("fant ikke nøkkelen ID-tokenet er signert med")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload, key):
        """Signature, algorithm, audience, issuer and expiry; mozilla-django-oidc itself checks
        only the signature."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                leeway=settings.OIDC_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID-token avvist: {exc}") from exc

    def get_userinfo(self, access_token, id_token, payload):
        if not self.OIDC_OP_USER_ENDPOINT:
            self._claims = payload
            return payload
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo gjelder en annen bruker enn ID-tokenet")
        self._claims = {**payload, **claims}
        return self._claims

    @staticmethod
    def identity(claims) -> str:
        return str(claims.get(settings.OIDC_IDENTITY_CLAIM) or "").strip().lower()

    def verify_claims(self, claims):
        """An identity, and an e-mail address that is not marked unverified (the boolean true,
        or no claim at all where the provider does not send it, as Entra ID)."""
        return bool(self.identity(claims)) and claims.get("email_verified", True) is True

    def filter_users_by_claims(self, claims):
        """The account of the person signing in. A superuser or an account with a password is
        never taken over by single sign-on: an address in a token is only as good as the
        provider's check of it, and those accounts were not made for single sign-on."""
        identity = self.identity(claims)
        if not identity:
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(
            Q(username__iexact=identity) | Q(email__iexact=identity)
        )
        if any(user.is_superuser or user.has_usable_password() for user in users):
            raise SuspiciousOperation("kontoen har passord og kobles ikke til organisasjonskonto")
        return users

    def create_user(self, claims):
        identity = self.identity(claims)
        return self.UserModel.objects.create_user(
            username=identity[:150], email=identity if "@" in identity else ""
        )

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            claim_pending_grants(user=user, identity=self.identity(self._claims))
        return user


class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; 404 when single sign-on is not configured."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoints come from discovery, per request

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except (requests.RequestException, ValueError, KeyError) as exc:
            logger.warning("OpenID Connect-tilbyderen svarer ikke: %s", exc)
            return render(request, "registration/sso_unavailable.html", status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
