"""The kommune report as its readers meet it: every part of the page and the dimension page, the
same numbers in the XLSX, CSV and PDF exports, and the trend across rounds. Who may see what is
in tests/test_report_access.py, what a page costs in tests/test_report_queries.py."""

import random
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from assessment.models import Answer, Response
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import municipality_report
from tests import csv_export
from tests.conftest import publish
from tests.factories import RoundFactory
from tests.helpers import pdf_text
from tests.report_helpers import (
    SOGNDAL,
    body_rows,
    charts,
    comma,
    kpi,
    number,
    record,
    sheet_records,
    table,
    text,
    url,
    xlsx_sheets,
)


@pytest.fixture
def filled_round(filled_round):
    """Results are read from the published round."""
    return publish(filled_round)


pytestmark = pytest.mark.django_db


# --- every part of the page --------------------------------------------------------------------


@pytest.fixture
def report_page(client, users, filled_round):
    client.force_login(users["coordinator_a"])
    response = client.get(url("municipality_report", filled_round))
    assert response.status_code == 200
    return response.content.decode()


def test_report_page_shows_every_part(report_page, filled_round, spec, sogndal_units):
    html = report_page
    sogndal_count = Response.objects.filter(
        round=filled_round, municipality__number=SOGNDAL
    ).count()
    # headline
    assert kpi(html, "respondents") == str(sogndal_count) == "120"
    overall = number(kpi(html, "overall-mean"))
    assert overall is not None and 1 <= overall <= 5

    figures = charts(html)
    # radar: kommune, national and peer group over every dimension
    radar = figures["chart-radar"]
    assert [t["name"] for t in radar["data"]] == [
        "Sogndal",
        "Landet",
        "Kommuner i samme størrelsesgruppe",
    ]
    for trace in radar["data"]:
        assert trace["type"] == "scatterpolar"
        assert len(trace["r"]) == len(spec.dimensions) + 1  # closed polygon
        assert all(1 <= v <= 5 for v in trace["r"])
    table_means = [number(cells[0]) for _n, cells in body_rows(table(html, "dimension-table"))]
    assert radar["data"][0]["r"][:-1] == pytest.approx(table_means, abs=0.0051)
    assert overall == pytest.approx(sum(table_means) / len(table_means), abs=0.01)
    # staff groups: radar of the shown groups, and the leader/staff gap table
    staff_groups = [name for name, _cells in body_rows(table(html, "staff-group-table"))]
    assert "Medarbeider" in " ".join(staff_groups)
    assert len(figures["chart-staff-groups"]["data"]) >= 2
    gap_rows = body_rows(table(html, "gap-table"))
    assert len(gap_rows) == len(spec.dimensions)
    assert any(number(cells[2]) is not None for _name, cells in gap_rows)
    # sectors and the unit heatmap
    sector_rows = dict(body_rows(table(html, "sector-table")))
    assert len(sector_rows) >= 2
    heatmap = figures["chart-units"]["data"][0]
    assert heatmap["type"] == "heatmap"
    assert heatmap["y"][0] == "Heimetenesta" and heatmap["y"][1].startswith("Sogndal skule")
    assert len(heatmap["z"]) == 2 and all(len(row) == len(spec.dimensions) for row in heatmap["z"])
    assert all(v is not None for v in heatmap["z"][0])
    for label, values in zip(heatmap["y"], heatmap["z"], strict=True):
        hidden_label = label.endswith(("(for få svar)", "(skjult for å verne en mindre gruppe)"))
        assert hidden_label == all(v is None for v in values)
    unit_rows = dict(body_rows(table(html, "unit-table")))
    assert number(unit_rows["Heimetenesta"][0]) >= 5
    # strengths and improvements: ranked by the difference from the comparison, only where the
    # 95 % interval of the difference excludes 0 (tests/test_comparisons.py has the details)
    section = re.search(r'id="strengths-h".*?</section>', html, re.S).group(0)
    pattern = r"([+-]?[\d,]+) \(([\d,]+) mot ([\d,]+); 95 % KI for forskjellen (-?[\d,]+) til (-?[\d,]+)\)"
    for list_id, sign in (("strengths", 1), ("improvements", -1)):
        found = re.search(rf'<ol id="{list_id}">(.*?)</ol>', section, re.S)
        rows = (
            [[number(v.lstrip("+")) for v in m] for m in re.findall(pattern, text(found.group(1)))]
            if found
            else []
        )
        assert len(rows) <= 3
        assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=sign > 0)
        assert all((r[3] > 0) if sign > 0 else (r[4] < 0) for r in rows)
    # MDI culture profile: the nine traits
    trait_rows = body_rows(table(html, "trait-table"))
    assert len(trait_rows) == len(spec.traits) == 9
    assert all(number(cells[0]) is not None for _name, cells in trait_rows)
    assert "chart-traits" in figures
    # barriers and promoters, overall and per shown staff group
    barriers = body_rows(table(html, "barrier-table"))
    promoters = body_rows(table(html, "promoter-table"))
    assert len(barriers) == len(spec.barriers) and len(promoters) == len(spec.promoters)
    assert all(cells[0].endswith("%") for _name, cells in barriers + promoters)
    assert "chart-barriers" in figures and "chart-promoters" in figures
    # method box
    method = text(re.search(r'id="method-h".*?</section>', html, re.S).group(0))
    assert "120" in method and "5" in method
    assert "t-fordeling" in method
    assert reverse("reports:method") in html
    # export links
    for name in ("export_pdf", "export_xlsx", "export_csv"):
        assert url(name, filled_round) in html


def test_dimension_page_shows_definition_level_items_and_actions(client, users, filled_round, spec):
    client.force_login(users["coordinator_a"])
    dimension = spec.dimension("lederstotte")
    response = client.get(url("dimension", filled_round, code="lederstotte"))
    assert response.status_code == 200
    html = response.content.decode()
    assert dimension.definition["nb"] in html
    # the level descriptor for the kommune's level, from the kommune's mean
    report = municipality_report(
        filled_round, ReportScope(municipality=Municipality.objects.get(number=SOGNDAL))
    )
    level = next(s for s in report.dimensions if s.code == "lederstotte").level
    box = re.search(r'<div class="lead-box mb-4">(.*?)</div>', html, re.S).group(1)
    assert f"Nivå {level}" in text(box)
    assert dimension.levels[level - 1]["nb"] in box
    # item distribution: one row per statement, with the counts of every answer
    items = body_rows(table(html, "item-table"))
    assert len(items) == len(dimension.items)
    for item, (_name, cells) in zip(dimension.items, items, strict=True):
        answers = Answer.objects.filter(
            response__round=filled_round, item_id=item.id, response__municipality__number=SOGNDAL
        )
        answered = answers.filter(value__isnull=False).count()
        assert answered >= 5
        counts = [int(c) for c in cells]
        assert counts[:5] == [answers.filter(value=v).count() for v in (1, 2, 3, 4, 5)]
        assert counts[5] == answers.filter(value__isnull=True).count()
    assert "chart-items" in charts(html)
    # actions, with the KS tool where there is one
    for action in dimension.actions:
        assert action["text"]["nb"] in html
        if action.get("ks_tool"):
            assert action["ks_tool"] in html
    assert client.get(url("dimension", filled_round, code="finnes_ikke")).status_code == 404


# --- exports carry the page's numbers --------------------------------------------------------------


def test_xlsx_csv_and_pdf_have_the_same_dimension_means_as_the_page(
    report_page, client, filled_round, spec
):
    page_means = {}
    for name, cells in body_rows(table(report_page, "dimension-table")):
        page_means[name] = number(cells[0])
    assert len(page_means) == len(spec.dimensions)
    assert all(v is not None for v in page_means.values())

    sheets = xlsx_sheets(client.get(url("export_xlsx", filled_round)).content)
    xlsx_means = {r["Dimensjon"]: r["Snitt"] for r in sheet_records(sheets["Dimensjoner"])}
    assert set(xlsx_means) == set(page_means)
    for name, mean in page_means.items():
        # the page rounds the 3-decimal mean half up to 2 decimals
        shown = Decimal(str(xlsx_means[name])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert float(shown) == pytest.approx(mean), name
    overview = {r[0]: r[1] for r in sheets["Oversikt"]}
    assert overview["Respondenter"] == 120

    tables = csv_export.csv_tables(client.get(url("export_csv", filled_round)).content)
    csv_means = {
        r["Dimensjon"]: csv_export.number(r["Snitt"])
        for r in csv_export.records(csv_export.table(tables, "Dimensjoner"))
    }
    assert csv_means == xlsx_means

    pdf = pdf_text(client.get(url("export_pdf", filled_round)).content)
    # The PDF is in the kommune's målform (Sogndal: nynorsk). Its dimension table has one cell
    # per line: name, mean, n, CI, level, national, peer.
    with translation.override("nn"):
        names = [d.label for d in spec.dimensions]
    lines = pdf.splitlines()
    table_lines = lines[lines.index("KI 95 %") :]
    pdf_means = [table_lines[table_lines.index(name) + 1].strip() for name in names]
    assert pdf_means == [comma(mean) for mean in page_means.values()]


# --- trend ----------------------------------------------------------------------------------------


def test_trend_appears_when_the_kommune_took_part_in_an_earlier_round(
    client, users, filled_round, spec
):
    client.force_login(users["coordinator_a"])
    html = client.get(url("municipality_report", filled_round)).content.decode()
    assert 'id="trend-h"' not in html and "chart-trend" not in charts(html)

    earlier = RoundFactory(
        slug="runde-2025", name="Runde 2025", opens_in=-400, days=20, municipality_numbers=[SOGNDAL]
    )
    sogndal = Municipality.objects.get(number=SOGNDAL)
    rows = synthetic_rows(
        spec=spec, municipality_id=sogndal.pk, count=30, rng=random.Random(3), level=2.0
    )
    # the earlier round gets its answers and is published (as the nightly job does)
    record(earlier, rows)
    publish(earlier)
    html = client.get(url("municipality_report", filled_round)).content.decode()
    assert 'id="trend-h"' in html
    trend = charts(html)["chart-trend"]
    assert len(trend["data"]) == len(spec.dimensions)
    for trace in trend["data"]:
        assert trace["x"] == ["Runde 2025", "Runde 2026"]
    # the earlier round's table row shows its own respondents and lower means (level 2 data)
    trend_table = re.search(r'id="trend-h".*?</section>', html, re.S).group(0)
    rows_ = dict(body_rows(trend_table))
    assert rows_["Runde 2025"][0] == "30"
    assert rows_["Runde 2026"][0] == "120"
    earlier_means = [number(c) for c in rows_["Runde 2025"][1:]]
    now_means = [number(c) for c in rows_["Runde 2026"][1:]]
    assert all(v is not None for v in earlier_means + now_means)
    assert sum(earlier_means) < sum(now_means)
