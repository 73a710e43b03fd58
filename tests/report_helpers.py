"""Helpers for the kommune report tests (tests/test_report*.py, tests/test_unit_report.py,
tests/test_explore.py): report URLs, the chart JSON, tables, KPIs and numbers read off the page,
and the XLSX export read back."""

import io
import json
import re

from django.urls import reverse
from openpyxl import load_workbook

from assessment import services as assessment_services
from assessment.models import ResponseSource
from tests.helpers import html_tables

SOGNDAL, MOLDE = "4640", "1506"


def url(name, round_, number=SOGNDAL, **extra):
    return reverse(f"reports:{name}", kwargs={"slug": round_.slug, "number": number, **extra})


def charts(html: str) -> dict:
    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(
            r'<script type="application/json" data-chart-for="([^"]+)">(.*?)</script>', html, re.S
        )
    }


def table(html: str, table_id: str) -> str:
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert found, f"#{table_id} is missing"
    return found.group(0)


def body_rows(table_html: str) -> list[tuple[str, list[str]]]:
    """(row header text, [cell texts]) for the rows of a table body."""
    return html_tables(table_html)[0].body_rows()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def number(cell: str) -> float | None:
    cell = cell.replace("\xa0", "").replace(",", ".").strip()
    return float(cell) if re.fullmatch(r"-?\d+(\.\d+)?", cell) else None


def kpi(html: str, element_id: str) -> str:
    return text(re.search(rf'<div class="kpi" id="{element_id}">(.*?)</div>', html, re.S).group(1))


def xlsx_sheets(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook}


def sheet_records(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def comma(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def record(round_, rows):
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
