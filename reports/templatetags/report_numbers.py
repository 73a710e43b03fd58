"""`decimals`: the report pages' `floatformat` for the many means and intervals of a page, at a
fraction of its cost per call (reports.numbers.decimal_text; tests/test_benchmark_table.py
checks that it writes what `floatformat` writes)."""

from django import template
from django.utils import formats

from ..numbers import decimal_text

register = template.Library()


@register.filter
def decimals(value, places):
    """`{{ value|decimals:2 }}` writes what `{{ value|floatformat:2 }}` writes (0 to 3 places)."""
    return decimal_text(value, int(places), formats.get_format("DECIMAL_SEPARATOR"))
