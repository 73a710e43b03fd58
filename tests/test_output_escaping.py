"""Outputs carry data, never markup or formulas (domain.md §6, issue 12 leak 6): a unit name typed
by a user cannot add elements to a report page, a formula to a spreadsheet, or markup (an image
from the server's disk) to a PDF."""

import io
import random
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment import services as assessment_services
from assessment.models import ResponseSource, Round
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality, OrgUnit, Sector
from municipalities.services import create_org_unit
from tests import csv_export

pytestmark = pytest.mark.django_db

SOGNDAL = "4640"
SCRIPT_BREAKER = '</script><h1>Hei</h1><a href="https://x">'
FORMULA = '=HYPERLINK("https://x","klikk")'


class Elements(HTMLParser):
    """The elements a browser builds from the page (script content stays text, as in a browser)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements, self._open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        self._open.append(element)

    def handle_endtag(self, tag):
        if self._open and self._open[-1]["tag"] == tag:
            self._open.pop()

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data


def close(round_: Round) -> Round:
    """Results are published only for a closed round: the round's closing date has passed."""
    Round.objects.filter(pk=round_.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    round_.refresh_from_db()
    return round_


def report_url(name, round_):
    return reverse(f"reports:{name}", kwargs={"slug": round_.slug, "number": SOGNDAL})


@pytest.fixture
def named_round(open_round, spec, users, sogndal_units):
    """120 answers in Sogndal, spread over Heimetenesta and units with hostile names."""
    sogndal = Municipality.objects.get(number=SOGNDAL)
    sectors = {s.code: s for s in Sector.objects.all()}
    breaker = create_org_unit(
        municipality=sogndal, sector=sectors["helse_omsorg"], name=SCRIPT_BREAKER
    )
    formula = create_org_unit(municipality=sogndal, sector=sectors["oppvekst"], name=FORMULA)
    rows = synthetic_rows(
        spec=spec,
        municipality_id=sogndal.pk,
        count=120,
        rng=random.Random(12),
        units_by_sector={
            "helse_omsorg": [sogndal_units["heim"].pk, breaker.pk],
            "oppvekst": [formula.pk],
        },
    )
    assessment_services.record_responses(round_=open_round, rows=rows, source=ResponseSource.IMPORT)
    return close(open_round)


@pytest.mark.parametrize("role", ["ks", "coordinator_a"])
def test_a_unit_name_cannot_add_elements_to_the_report_page(client, users, named_round, role):
    client.force_login(users[role])
    response = client.get(report_url("municipality_report", named_round))
    assert response.status_code == 200
    html = response.content.decode()
    assert "chart-units" in html  # the unit chart, where the name travels as JSON, is there
    elements = Elements(html).elements
    assert not [e for e in elements if e["tag"] == "h1" and e["text"].strip() == "Hei"]
    assert not [e for e in elements if e["tag"] == "a" and e["attrs"].get("href") == "https://x"]
    # the name is still shown, as text, in the unit table
    assert any(SCRIPT_BREAKER in e["text"] for e in elements if e["tag"] in {"th", "td"})


def test_a_formula_like_unit_name_is_a_text_cell_in_xlsx_and_csv(client, users, named_round):
    client.force_login(users["coordinator_a"])
    workbook = load_workbook(io.BytesIO(client.get(report_url("export_xlsx", named_round)).content))
    cells = [c for row in workbook["Enheter"].iter_rows() for c in row if c.value == FORMULA]
    assert cells, "the unit is in the unit sheet"
    assert all(c.data_type == "s" for c in cells)  # text, not a formula
    numbers = [c for row in workbook["Enheter"].iter_rows(min_row=2) for c in row[1:2]]
    assert all(c.data_type == "n" for c in numbers)  # respondent counts stay numbers

    tables = csv_export.csv_tables(client.get(report_url("export_csv", named_round)).content)
    unit_rows = csv_export.table(tables, "Enheter")
    unit_cells = [r[0] for r in unit_rows if "HYPERLINK" in r[0]]
    assert unit_cells
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in unit_cells)
    assert all(cell.lstrip("'") == FORMULA for cell in unit_cells)
    # negative numbers (the leader/staff gap) are still plain numbers, with a decimal comma
    gaps = [r[4] for r in csv_export.table(tables, "Forskjeller")[1:] if r[4]]
    assert gaps and all(re.fullmatch(r"-?\d+(,\d+)?", g) for g in gaps)


def _unit_leader_pdf(client, users, round_, sogndal_units, name):
    OrgUnit.objects.filter(pk=sogndal_units["heim"].pk).update(name=name)
    client.force_login(users["unit_leader"])
    return client.get(report_url("export_pdf", round_))


def test_the_unit_leaders_pdf_prints_markup_in_a_unit_name_as_text(
    client, users, named_round, sogndal_units
):
    response = _unit_leader_pdf(client, users, named_round, sogndal_units, "<b>x")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert "<b>x" in "\n".join(page.extract_text() for page in pages)


def test_an_image_tag_in_a_unit_name_embeds_nothing_in_the_pdf(
    client, users, named_round, sogndal_units
):
    picture = settings.BASE_DIR / "docs" / "screenshots" / "start.png"
    assert picture.exists()
    name = f'<img src="{picture}" width="40" height="40"/>'
    response = _unit_leader_pdf(client, users, named_round, sogndal_units, name)
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert [image.name for page in pages for image in page.images] == []
    assert "<img" in "\n".join(page.extract_text() for page in pages)
