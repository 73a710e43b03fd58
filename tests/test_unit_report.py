"""A unit leader's own page (issue 15, item 8): the unit beside its kommune and sector, its trend
and change over published rounds, its response rate while the round is open, and the attacks a
unit leader could try with the figures set side by side."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import services as assessment_services
from assessment.models import ResponseSource
from assessment.selectors import _published_spec
from municipalities.models import Sector
from municipalities.services import create_org_unit, grant_role
from tests import disclosure_helpers
from tests.conftest import publish
from tests.disclosure_helpers import kommune
from tests.report_helpers import body_rows, charts, kpi, table

pytestmark = pytest.mark.django_db
MIN = 5


def people(spec, count, score, **group):
    """`count` respondents of Sogndal (4640) scoring `score`; see disclosure_helpers.people."""
    return disclosure_helpers.people(spec, "4640", count, score, **group)


def make_round(slug, days_ago, rows, closes_in=-10):
    today = timezone.localdate()
    round_ = assessment_services.create_round(
        slug=slug,
        name=slug.replace("-", " ").title(),
        opens_on=today - timedelta(days=days_ago),
        closes_on=today + timedelta(days=closes_in)
        if closes_in > 0
        else today - timedelta(days=days_ago - 10),
        municipality_numbers=["4640", "1506"],
    )
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return round_


def unit_url(round_, unit, number="4640"):
    return reverse(
        "reports:unit_report",
        kwargs={"slug": round_.slug, "number": number, "unit_id": unit.pk},
    )


@pytest.fixture
def tree(municipalities, instrument):
    sogndal = kommune()
    helse = Sector.objects.get(code="helse_omsorg")
    oppvekst = Sector.objects.get(code="oppvekst")
    return {
        "heim": create_org_unit(municipality=sogndal, sector=helse, name="Heimetenesta"),
        "sjukeheim": create_org_unit(municipality=sogndal, sector=helse, name="Sjukeheimen"),
        "skule": create_org_unit(municipality=sogndal, sector=oppvekst, name="Skulen"),
        "molde": create_org_unit(municipality=kommune("1506"), sector=helse, name="Molde heim"),
    }


def rows_for(spec, tree, heim_score):
    return (
        people(spec, 12, heim_score, unit=tree["heim"])
        + people(spec, 10, 2, unit=tree["sjukeheim"])
        + people(spec, 20, 3, sector="oppvekst", unit=tree["skule"])
    )


@pytest.fixture
def leader(client, tree):
    user = grant_role(username="leiar", role="unit_leader", unit_id=tree["heim"].pk).user
    client.force_login(user)
    return client


def test_the_unit_page_sets_the_unit_beside_kommune_and_sector_with_trend_and_change(
    leader, spec, tree
):
    first = publish(make_round("runde-2025", 400, rows_for(spec, tree, 2)))
    second = publish(make_round("runde-2026", 30, rows_for(spec, tree, 4)))
    html = leader.get(unit_url(second, tree["heim"])).content.decode()
    assert "Innovasjonsradar for Heimetenesta" in html
    assert "Radar: enheten, kommunen, sektoren" in html
    assert kpi(html, "respondents") == "12"
    radar = charts(html)["chart-radar"]
    assert [t["name"] for t in radar["data"]] == [
        "Heimetenesta",
        "Sogndal",
        "Helse og omsorg",
        "Landet",
        "Kommuner i samme størrelsesgruppe",
    ]
    header = re.search(r'id="dimension-table".*?</thead>', html, re.S).group(0)
    assert "Kommunen" in header and "Sektoren" in header
    first_row = body_rows(table(html, "dimension-table"))[0][1]
    # unit 4.00; kommune (12·4 + 10·2 + 20·3) / 42 = 3.05; sector (12·4 + 10·2) / 22 = 3.09
    assert first_row[0] == "4,00"
    assert "3,05" in first_row and "3,09" in first_row
    # the unit's trend over the two published rounds, and its change from 2025
    trend = re.search(r'id="trend-h".*?</section>', html, re.S).group(0)
    trend_rows = dict(body_rows(trend))
    assert trend_rows["Runde 2025"][0] == "12" and trend_rows["Runde 2025"][1] == "2,00"
    assert trend_rows["Runde 2026"][1] == "4,00"
    change = body_rows(table(html, "change-table"))[0][1]
    assert change[:3] == ["2,00", "4,00", "+2,00"]
    assert "Enhetens snitt" in html
    assert first  # the earlier round's page is the unit's too
    assert leader.get(unit_url(first, tree["heim"])).status_code == 200


def test_another_unit_or_another_kommunes_unit_is_404(leader, client, spec, tree):
    round_ = publish(make_round("runde-2026", 30, rows_for(spec, tree, 4)))
    assert leader.get(unit_url(round_, tree["sjukeheim"])).status_code == 404
    assert leader.get(unit_url(round_, tree["molde"], number="1506")).status_code == 404
    assert leader.get(unit_url(round_, tree["molde"])).status_code == 404
    assert leader.get(unit_url(round_, tree["heim"], number="1506")).status_code == 404
    # the coordinator has the whole kommune, not every unit's own page
    client.force_login(
        grant_role(username="k", role="coordinator", municipality_number="4640").user
    )
    assert client.get(unit_url(round_, tree["heim"])).status_code == 404


def test_the_home_page_links_a_unit_leader_to_the_units_page(leader, spec, tree):
    round_ = publish(make_round("runde-2026", 30, rows_for(spec, tree, 4)))
    html = leader.get("/").content.decode()
    assert unit_url(round_, tree["heim"]) in html
    assert "Rapport for Heimetenesta" in html


def test_a_unit_that_is_nearly_its_whole_sector_is_not_shown(leader, spec, tree):
    """Attack: the sector has the unit's 12 and 3 without a unit. Unit beside sector would give
    the 3 away, so the unit's figures are not shown at all."""
    rows = (
        people(spec, 12, 4, unit=tree["heim"])
        + people(spec, 3, 1)
        + people(spec, 20, 3, sector="oppvekst", unit=tree["skule"])
    )
    round_ = publish(make_round("runde-2026", 30, rows))
    html = leader.get(unit_url(round_, tree["heim"])).content.decode()
    assert 'id="suppressed-note"' in html
    assert "nesten hele kommunen eller hele sektoren" in html
    assert 'id="dimension-table"' not in html


def test_no_figure_beside_the_unit_leaves_a_small_group(leader, spec, tree):
    """Attack: every pair of the unit's, the kommune's and the sector's figures on the page
    differs by nobody or by at least the minimum, in respondents and on every dimension."""
    rows = (
        people(spec, 9, 4, unit=tree["heim"])
        + people(spec, 6, 2, unit=tree["sjukeheim"])
        + people(spec, 2, 1, unit=tree["sjukeheim"], staff_group="stab")
        + people(spec, 20, 3, sector="oppvekst", unit=tree["skule"])
    )
    round_ = publish(make_round("runde-2026", 30, rows))
    from municipalities.selectors import ReportScope
    from reports.selectors import municipality_report

    report = municipality_report(round_, ReportScope(municipality=kommune(), unit=tree["heim"]))
    sector = report.beside.sector
    for unit_stat, kommune_stat, sector_stat in zip(
        report.dimensions, report.beside.kommune, sector.dimensions, strict=True
    ):
        if unit_stat.suppressed:
            continue
        for other in (kommune_stat, sector_stat):
            if not other.suppressed:
                rest = other.n - unit_stat.n
                assert rest == 0 or rest >= MIN, (unit_stat.code, rest)
    assert sector.respondents - report.respondents in (0,) or (
        sector.respondents - report.respondents >= MIN
    )


def test_while_the_round_is_open_the_leader_sees_the_units_response_rate(leader, spec, tree):
    round_ = make_round("runde-2027", 5, rows_for(spec, tree, 4), closes_in=20)
    participation = round_.participations.get(municipality=kommune())
    assessment_services.set_headcounts(
        participation=participation,
        counts={(tree["heim"].pk, "medarbeider"): 30, (tree["skule"].pk, "medarbeider"): 40},
    )
    html = leader.get(unit_url(round_, tree["heim"])).content.decode()
    assert "Resultatene publiseres" in html
    assert kpi(html, "unit-count") == "12"
    assert kpi(html, "unit-rate") == "40 %"  # 12 of 30


def test_an_open_rounds_unit_count_is_hidden_like_the_report_would_hide_it(leader, spec, tree):
    """The sector has the unit's 12 and 3 without a unit: the count would give the 3 away."""
    rows = (
        people(spec, 12, 4, unit=tree["heim"])
        + people(spec, 3, 1)
        + people(spec, 20, 3, sector="oppvekst", unit=tree["skule"])
    )
    round_ = make_round("runde-2027", 5, rows, closes_in=20)
    html = leader.get(unit_url(round_, tree["heim"])).content.decode()
    assert "12" not in kpi(html, "unit-count")
    assert "skjult" in kpi(html, "unit-count")
    assert kpi(html, "unit-rate") == "–"


def test_the_unit_page_runs_a_bounded_number_of_queries(
    leader, spec, tree, django_assert_max_num_queries
):
    publish(make_round("runde-2024", 800, rows_for(spec, tree, 2)))
    publish(make_round("runde-2025", 400, rows_for(spec, tree, 3)))
    last = publish(make_round("runde-2026", 30, rows_for(spec, tree, 4)))
    _published_spec.cache_clear()
    # the kommune report's 16 (the stored comparison one of them), and three for the earlier
    # rounds' cells (whatever their number)
    with django_assert_max_num_queries(19):
        response = leader.get(unit_url(last, tree["heim"]))
    assert response.status_code == 200
