"""The kommune report as its readers meet it: every part of the page, the same numbers in the
exports, who may see what, the trend across rounds, how many queries a page costs at two data
sizes, and caching (with invalidation when answers come in)."""

import io
import json
import random
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment import services as assessment_services
from assessment.models import Answer, Response, ResponseSource
from assessment.selectors import _published_spec
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality, Sector
from municipalities.selectors import ReportScope
from municipalities.services import create_org_unit
from reports.selectors import municipality_report
from tests import csv_export
from tests.conftest import publish
from tests.factories import RoundFactory
from tests.helpers import html_tables


@pytest.fixture
def filled_round(filled_round):
    """Results are read from the published round."""
    return publish(filled_round)


pytestmark = pytest.mark.django_db

SOGNDAL, MOLDE = "4640", "1506"


# --- helpers -----------------------------------------------------------------------------------


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


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def comma(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def record(round_, rows):
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


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


# --- tenancy --------------------------------------------------------------------------------------

REPORT_URLS = ["municipality_report", "dimension", "export_xlsx", "export_csv", "export_pdf"]


def _all_urls(round_, number):
    return [
        url(name, round_, number, **({"code": "strategi"} if name == "dimension" else {}))
        for name in REPORT_URLS
    ]


def test_coordinator_of_another_kommune_gets_404_everywhere(client, users, filled_round):
    client.force_login(users["coordinator_b"])
    for address in _all_urls(filled_round, SOGNDAL):
        assert client.get(address).status_code == 404, address
    for address in _all_urls(filled_round, MOLDE):  # their own kommune works
        assert client.get(address).status_code == 200, address


def test_user_without_role_gets_404_and_anonymous_is_sent_to_login(client, users, filled_round):
    for address in _all_urls(filled_round, SOGNDAL):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.force_login(users["no_role"])
    for address in _all_urls(filled_round, SOGNDAL):
        assert client.get(address).status_code == 404, address


def test_unit_leader_sees_only_their_subtree(client, users, filled_round, sogndal_units):
    heim = sogndal_units["heim"]
    in_heim = Response.objects.filter(round=filled_round, unit=heim).count()
    in_sogndal = Response.objects.filter(round=filled_round, municipality__number=SOGNDAL).count()
    assert 5 <= in_heim < in_sogndal
    client.force_login(users["unit_leader"])
    html = client.get(url("municipality_report", filled_round)).content.decode()
    assert kpi(html, "respondents") == str(in_heim)
    assert "Heimetenesta" in html
    unit_names = [name for name, _cells in body_rows(table(html, "unit-table"))]
    assert unit_names == ["Heimetenesta"]
    sheets = xlsx_sheets(client.get(url("export_xlsx", filled_round)).content)
    overview = {r[0]: r[1] for r in sheets["Oversikt"]}
    assert (overview["Enhet"], overview["Respondenter"]) == ("Heimetenesta", in_heim)
    # not another kommune, and not the benchmark
    assert client.get(url("municipality_report", filled_round, MOLDE)).status_code == 404
    assert (
        client.get(reverse("reports:benchmark", kwargs={"slug": filled_round.slug})).status_code
        == 404
    )


def test_ks_sees_every_participating_kommune_and_nothing_else(client, users, filled_round):
    client.force_login(users["ks"])
    for number, count in ((SOGNDAL, 120), (MOLDE, 60)):
        html = client.get(url("municipality_report", filled_round, number)).content.decode()
        assert kpi(html, "respondents") == str(count)
        for address in _all_urls(filled_round, number):
            assert client.get(address).status_code == 200, address
    # a kommune that does not take part in the round
    assert client.get(url("municipality_report", filled_round, "0301")).status_code == 404


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


# --- efficiency --------------------------------------------------------------------------------------


def _build(round_, spec, *, sogndal_count, molde_count, units_per_sector):
    sogndal = Municipality.objects.get(number=SOGNDAL)
    molde = Municipality.objects.get(number=MOLDE)
    sectors = {s.code: s for s in Sector.objects.all()}
    units = {}
    for code in ("helse_omsorg", "oppvekst", "teknisk"):
        units[code] = []
        for i in range(units_per_sector):
            parent = create_org_unit(municipality=sogndal, sector=sectors[code], name=f"{code} {i}")
            child = create_org_unit(
                municipality=sogndal, sector=sectors[code], name=f"{code} {i} team", parent=parent
            )
            units[code] += [parent.pk, child.pk]
    rng = random.Random(11)
    rows = synthetic_rows(
        spec=spec, municipality_id=sogndal.pk, count=sogndal_count, rng=rng, units_by_sector=units
    )
    rows += synthetic_rows(spec=spec, municipality_id=molde.pk, count=molde_count, rng=rng)
    record(round_, rows)


PAGES = {
    "report": lambda r: url("municipality_report", r),
    "dimension": lambda r: url("dimension", r, code="samarbeid"),
    "xlsx": lambda r: url("export_xlsx", r),
    "pdf": lambda r: url("export_pdf", r),
    "docx": lambda r: url("export_docx", r),
    "meeting_kit": lambda r: url("meeting_kit", r, code="samarbeid") + "?enhet=",
    "benchmark": lambda r: reverse("reports:benchmark", kwargs={"slug": r.slug}),
}
# Read from the published cells, at 40 and at 400 responses (2 and 24 units), session and user
# included. The bound leaves no room for a query per group, unit or response (issue: ≤ 15).
# The report reads the kommune's action plans as well (one query; reports.selectors.action_plans);
# the PDF and the saksframlegg carry the plan and its follow-up (three more).
MAX_QUERIES = {page: 15 for page in PAGES} | {"report": 16, "pdf": 18, "docx": 18}


@pytest.mark.parametrize(
    ("sogndal_count", "molde_count", "units_per_sector"),
    [(30, 10, 1), (300, 100, 4)],
    ids=["40-responses", "400-responses"],
)
def test_query_count_does_not_grow_with_the_data(
    client,
    users,
    open_round,
    spec,
    django_assert_max_num_queries,
    sogndal_count,
    molde_count,
    units_per_sector,
):
    _build(
        open_round,
        spec,
        sogndal_count=sogndal_count,
        molde_count=molde_count,
        units_per_sector=units_per_sector,
    )
    publish(open_round)
    for page in sorted(PAGES):
        client.force_login(users["ks"] if page == "benchmark" else users["coordinator_a"])
        address = PAGES[page](open_round)
        _published_spec.cache_clear()  # cold: the instrument is read as well
        with django_assert_max_num_queries(MAX_QUERIES[page]):
            response = client.get(address)
        assert response.status_code == 200, page
        if page == "report":
            assert kpi(response.content.decode(), "respondents") == str(sogndal_count)
            units = body_rows(table(response.content.decode(), "unit-table"))
            assert len(units) == 3 * 2 * units_per_sector
