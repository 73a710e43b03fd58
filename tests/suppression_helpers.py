"""Helpers for the report-level anonymity tests (tests/test_suppression_*.py and others): answers
that score a given value, recorded as import rows, the published report of a kommune, and every
output (page, dimension page, XLSX, CSV, PDF) read back as text."""

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from assessment import services as assessment_services
from assessment.models import ResponseSource
from assessment.services import ResponseData
from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import municipality_report
from tests import csv_export
from tests.conftest import publish
from tests.helpers import pdf_text

MIN = 5


def kommune(number):
    return Municipality.objects.get(number=number)


def answers_scoring(spec, staff_group, score, skip=()):
    """Every statement the group sees, answered so each item scores `score` (dimensions in
    `skip` left unanswered)."""
    return {
        item.code: (6 - score if item.reverse else score)
        for item in spec.items_for(staff_group)
        if item.dimension_code not in skip
    }


def person(
    spec,
    number,
    score,
    staff_group="medarbeider",
    sector="helse_omsorg",
    unit=None,
    skip=(),
    barriers=(),
):
    return ResponseData(
        municipality_id=kommune(number).pk,
        staff_group=staff_group,
        sector=sector,
        unit_id=unit.pk if unit else None,
        tenure="",
        answers=answers_scoring(spec, staff_group, score, skip),
        barriers=list(barriers),
    )


def record(round_, rows):
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


def report_for(round_, number="4640", unit=None):
    publish(round_)
    return municipality_report(round_, ReportScope(municipality=kommune(number), unit=unit))


def group(groups, key):
    return next(g for g in groups if g.key == key)


def stat(stats, code):
    return next(s for s in stats if s.code == code)


def label(model, key):
    return model.objects.get(pk=key).label


def visible_text(html: str) -> str:
    """The page as a reader sees it: no scripts (chart JSON is checked separately), no tags."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def charts(html: str) -> dict:
    import json

    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(
            r'<script type="application/json" data-chart-for="([^"]+)">(.*?)</script>',
            html,
            flags=re.S,
        )
    }


def table_row(html: str, table_id: str, row_label: str) -> str:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S).group(0)
    for row in re.findall(r"<tr.*?</tr>", table, flags=re.S):
        if re.search(rf'<th scope="row">\s*{re.escape(row_label)}', row):
            return row
    raise AssertionError(f"no row {row_label!r} in #{table_id}")


def cells(row_html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row_html, flags=re.S)


def decimals(value: float) -> list[str]:
    """How a mean may be written: 1.67 / 1,67 (2 decimals), 1.667 / 1,667 (3 decimals)."""
    two, three = f"{value:.2f}", f"{value:.3f}"
    return [two, two.replace(".", ","), three, three.replace(".", ",")]


def all_xlsx_values(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in workbook}


def get_all_outputs(client, round_, number="4640"):
    publish(round_)
    kwargs = {"slug": round_.slug, "number": number}
    page = client.get(reverse("reports:municipality_report", kwargs=kwargs))
    dimension = client.get(reverse("reports:dimension", kwargs={**kwargs, "code": "strategi"}))
    xlsx = client.get(reverse("reports:export_xlsx", kwargs=kwargs))
    csv_ = client.get(reverse("reports:export_csv", kwargs=kwargs))
    pdf = client.get(reverse("reports:export_pdf", kwargs=kwargs))
    for response in (page, dimension, xlsx, csv_, pdf):
        assert response.status_code == 200
    return {
        "page": page.content.decode(),
        "dimension": dimension.content.decode(),
        "xlsx": all_xlsx_values(xlsx.content),
        "csv": csv_export.as_rows(csv_export.csv_tables(csv_.content)),
        "pdf": pdf_text(pdf.content),
    }
