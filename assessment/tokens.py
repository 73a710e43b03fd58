"""Invitation tokens, open-link tokens and resume codes. Only hashes are stored."""

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to type from paper


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_link_token() -> str:
    """A personal e-mail link: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def new_printed_code() -> str:
    """A printed code: 26 characters from a 32-letter alphabet = 130 random bits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(26))


def format_code(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def normalize_code(typed: str) -> str:
    """What a person typed from a letter or a note: case, spaces, dashes and other separators
    (dots, slashes, underscores) do not matter."""
    return re.sub(r"[\W_]", "", typed or "").upper()


def new_salt() -> str:
    return secrets.token_hex(16)


def open_link_keys() -> list[str]:
    """Keys an open link may be derived with, the one for new links first: the dedicated
    DJANGO_OPEN_LINK_KEY (which never changes), then the secret key and its fallbacks (links made
    before the dedicated key was set, or while it was not set)."""
    keys = [settings.OPEN_LINK_KEY, settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return list(dict.fromkeys(key for key in keys if key))


def open_link_token(salt: str, key: str | None = None) -> str:
    """Derived from the salt with a key, so the coordinator can see the link again; only its
    hash and the salt are stored."""
    key = key or open_link_keys()[0]
    digest = hmac.new(key.encode(), f"open-link:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode().rstrip("=")


def recover_open_link_token(*, salt: str, token_hash: str) -> str | None:
    """The token of a printed or posted link, with whichever key it was made with; None when no
    configured key reproduces it (the printed link still works, it just cannot be shown again)."""
    for key in open_link_keys():
        token = open_link_token(salt, key)
        if hmac.compare_digest(hash_token(token), token_hash):
            return token
    return None


def new_resume_code() -> str:
    """Short enough to write down (10 characters, 50 bits); it is scoped to one draft."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def format_resume_code(code: str) -> str:
    """A resume code as it is shown, in the format of the resume form's example: ABCD-EFGH-JK."""
    code = normalize_code(code)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def address_hash(salt: str, email: str) -> str:
    """The keyed hash of an invited address (HMAC-SHA256 with the participation's salt)."""
    normalized = email.strip().lower()
    return hmac.new(salt.encode(), normalized.encode("utf-8"), hashlib.sha256).hexdigest()
