"""Writes for the reports app."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessment.tokens import hash_token

from .models import ApiToken


def create_api_token(*, username: str) -> str:
    """A new API key for the user; returns the key (shown once, stored only as a hash)."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError(_("Fant ingen aktiv bruker med brukernavnet «%s».") % username)
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_token(key))
    return key


def user_for_api_key(key: str):
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
    if token is None or not token.user.is_active:
        return None
    return token.user
