"""The results meeting kit and the saksframlegg draft: what a coordinator or unit leader takes
to a staff meeting or the case system, with nothing the report hides."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import municipality_report
from tests.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(filled_round):
    return publish(filled_round)


def kit_url(round_, code="samarbeid", number="4640", unit=None):
    address = reverse(
        "reports:meeting_kit", kwargs={"slug": round_.slug, "number": number, "code": code}
    )
    return address + (f"?enhet={unit}" if unit is not None else "")


def figures(html: str) -> dict:
    table = re.search(r'<table[^>]*id="kit-figures".*?</table>', html, re.S).group(0)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        head = re.search(r'<th scope="row">(.*?)</th>', row).group(1)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        rows[head] = cells
    return rows


def test_the_kit_explains_the_dimension_and_gives_questions_an_exercise_and_the_ks_tool(
    client, users, published, spec
):
    client.force_login(users["coordinator_a"])
    response = client.get(kit_url(published, code="lederstotte"))
    assert response.status_code == 200
    html = response.content.decode()
    dimension = spec.dimension("lederstotte")
    assert dimension.definition["nb"] in html
    assert (
        len(re.findall(r"<li>", re.search(r'id="kit-questions">(.*?)</ol>', html, re.S).group(1)))
        >= 3
    )
    assert "Behov (15 min)" in html and "Test (10 min)" in html
    assert "SLIK" in html and "verktøy fra KS for ledere" in html  # the badge is explained
    rows = figures(html)
    assert set(rows) == {"Sogndal", "Landet"}
    assert re.fullmatch(r"\d,\d\d", rows["Sogndal"][0])


def test_a_units_kit_shows_exactly_what_the_report_shows_for_that_unit(
    client, users, published, sogndal_units
):
    """The attack: a coordinator asks the kit for every unit, hoping one the report hides comes
    out with a number. Each unit's figure is the report's, hidden where the report hides it."""
    sogndal = Municipality.objects.get(number="4640")
    report = municipality_report(published, ReportScope(municipality=sogndal))
    client.force_login(users["coordinator_a"])
    assert report.units
    for unit in report.units:
        stat = next(s for s in unit.dimensions if s.code == "samarbeid")
        rows = figures(client.get(kit_url(published, unit=unit.key)).content.decode())
        if unit.suppressed or stat.suppressed:
            assert rows[unit.label] == ["skjult"]
        else:
            assert rows[unit.label][0] == f"{stat.mean:.2f}".replace(".", ",")


def test_another_kommunes_unit_gives_the_whole_kommune_and_names_nothing_of_theirs(
    client, users, published
):
    from municipalities.models import Sector
    from municipalities.services import create_org_unit

    molde = Municipality.objects.get(number="1506")
    theirs = create_org_unit(
        municipality=molde, sector=Sector.objects.first(), name="Molde hemmelige enhet"
    )
    client.force_login(users["coordinator_a"])
    for value in (theirs.pk, "abc", "-1"):
        response = client.get(kit_url(published) + f"?enhet={value}")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Molde hemmelige enhet" not in html
        assert set(figures(html)) == {"Sogndal", "Landet"}


def test_a_unit_leaders_kit_is_about_their_unit(client, users, published, sogndal_units):
    client.force_login(users["unit_leader"])
    html = client.get(kit_url(published)).content.decode()
    assert "Heimetenesta" in html
    assert "Sogndal skule" not in html


def test_other_kommunes_and_no_role_get_404(client, users, published):
    for user in ("coordinator_b", "no_role"):
        client.force_login(users[user])
        assert client.get(kit_url(published)).status_code == 404
        docx_url = reverse("reports:export_docx", kwargs={"slug": published.slug, "number": "4640"})
        assert client.get(docx_url).status_code == 404


def docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return text, tables


def test_the_saksframlegg_draft_has_a_recommendation_summary_and_the_pages_figures(
    client, users, published
):
    client.force_login(users["coordinator_a"])
    page = client.get(
        reverse("reports:municipality_report", kwargs={"slug": published.slug, "number": "4640"})
    ).content.decode()
    overall = re.search(r'<div class="kpi" id="overall-mean">(.*?)</div>', page).group(1).strip()
    response = client.get(
        reverse("reports:export_docx", kwargs={"slug": published.slug, "number": "4640"})
    )
    assert response.status_code == 200
    assert 'filename="saksframlegg-4640-' in response["Content-Disposition"]
    text, tables = docx_text(response.content)
    assert "Runde 2026" in text and "Sogndal" in text
    facts = dict(tables[0])
    assert overall in facts.values()
    assert len(tables[1]) == 1 + 11  # header and one row per dimension


def test_a_kommune_below_the_minimum_gets_a_draft_without_numbers(client, users, open_round):
    import random

    from assessment import services as assessment_services
    from assessment.models import ResponseSource
    from assessment.synthetic import synthetic_rows

    sogndal = Municipality.objects.get(number="4640")
    from assessment.selectors import get_instrument_spec

    spec = get_instrument_spec(open_round.instrument)
    rows = synthetic_rows(spec=spec, municipality_id=sogndal.pk, count=3, rng=random.Random(1))
    assessment_services.record_responses(round_=open_round, rows=rows, source=ResponseSource.IMPORT)
    publish(open_round)
    client.force_login(users["coordinator_a"])
    text, tables = docx_text(
        client.get(
            reverse("reports:export_docx", kwargs={"slug": open_round.slug, "number": "4640"})
        ).content
    )
    assert "For få svar" in text
    assert tables == []
