"""The comparison table's number formatting (reports.benchmark_table.DecimalText) and the pages'
`decimals` filter write what Django's floatformat writes, in every language of the site."""

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


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_decimals_filter_writes_what_floatformat_writes(language):
    from django.template import Context, Template

    rng = random.Random(12)
    values = [rng.uniform(-1, 5) for _ in range(300)] + [rng.uniform(0, 100) for _ in range(100)]
    values += [None, "", "–", "3,5", 3, 0, -0.0004, 2.675, 1.005, float("nan"), float("inf")]
    template = Template(
        "{% load report_numbers %}"
        "{{ v|decimals:0 }}|{{ v|decimals:2 }}|{{ v|decimals:3 }}|{{ v|decimals:2|default:'–' }}"
    )
    reference = Template(
        "{{ v|floatformat:0 }}|{{ v|floatformat:2 }}|{{ v|floatformat:3 }}"
        "|{{ v|floatformat:2|default:'–' }}"
    )
    with translation.override(language):
        for value in values:
            context = Context({"v": value})
            assert template.render(context) == reference.render(context), value


def test_report_links_reverse_once():
    from django.urls import reverse

    link = report_links("var-2026")
    for number in ("4640", "0301"):
        assert link(number) == reverse(
            "reports:municipality_report", kwargs={"slug": "var-2026", "number": number}
        )


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("reason", [None, "too_few", "protects_smaller", "withheld"])
def test_hidden_markers_written_in_python_are_those_of_the_template(language, reason):
    """The table's hidden scores and counts say exactly what templates/reports/_hidden.html
    says elsewhere, so a change of wording there cannot miss the comparison table."""
    from django.template.loader import render_to_string

    from reports.benchmark_table import hidden_count, hidden_span

    with translation.override(language):
        score = render_to_string("reports/_hidden.html", {"reason": reason, "min_size": 5})
        count = render_to_string(
            "reports/_hidden.html", {"reason": reason, "min_size": 5, "count": True}
        )
        assert hidden_span(reason) == score.strip()
        assert hidden_count(reason, 5) == count.strip()


def test_a_kommune_number_cannot_break_out_of_the_report_link():
    from reports.benchmark_table import name_cell

    row = {"display_name": "Sogndal", "number": '46"40<'}
    link = report_links("runde")
    html = name_cell(row, viewer_is_national=True, query="a=1&b=2", link=link)
    assert '"40<' not in html
    assert "46&quot;40&lt;" in html
