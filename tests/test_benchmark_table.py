"""The comparison table's number formatting (reports.benchmark_table.DecimalText) writes what
Django's floatformat writes, in every language of the site."""

import random

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from reports.benchmark_table import DecimalText, report_links


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_decimal_text_is_floatformat(language):
    rng = random.Random(11)
    values = [rng.uniform(1, 5) for _ in range(3000)] + [rng.uniform(0, 100) for _ in range(1000)]
    values += [1.005, 2.675, 3.125, 4.995, 0.0, -0.001, -0.3, 5.0, 100.0, 49.5, 2.5, 0.5]
    values += [round(rng.uniform(1, 5), 3) for _ in range(1000)]
    with translation.override(language):
        decimal = DecimalText()
        for value in values:
            for places in (0, 2):
                assert decimal(value, places) == floatformat(value, places), (value, places)


def test_report_links_reverse_once():
    from django.urls import reverse

    link = report_links("var-2026")
    for number in ("4640", "0301"):
        assert link(number) == reverse(
            "reports:municipality_report", kwargs={"slug": "var-2026", "number": number}
        )
