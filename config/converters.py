"""Path converters for the page URLs: a value that cannot be valid never reaches a view or a query.

Registered once, when this module is imported (config/urls.py imports it before any app's
urls.py). Round slugs use Django's own `slug` converter. The API in reports/api.py checks its path
parameters against the same patterns.
"""

from django.urls import register_converter

MUNICIPALITY_NUMBER = r"[0-9]{4}"
DIMENSION_CODE = r"[a-z0-9_]{1,40}"
TOKEN = r"[A-Za-z0-9_-]{1,64}"
ROUND_SLUG = r"[-a-zA-Z0-9_]+"  # Django's `slug` converter


class _StringConverter:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class MunicipalityNumberConverter(_StringConverter):
    """A kommune number: four ASCII digits («4640», «0301»)."""

    regex = MUNICIPALITY_NUMBER


class DimensionCodeConverter(_StringConverter):
    """A dimension code from the instrument: lowercase letters, digits and underscores."""

    regex = DIMENSION_CODE


class TokenConverter(_StringConverter):
    """A personal link, printed code or open-link token: URL-safe base64 letters and dashes."""

    regex = TOKEN


register_converter(MunicipalityNumberConverter, "kommunenr")
register_converter(DimensionCodeConverter, "dimension")
register_converter(TokenConverter, "token")
