"""The heatmap to explore (issue 15, item 10): rows by staff group, sector, unit or tenure band,
coloured against the kommune, the nation or the size class, chosen with a plain GET form. Tenure
is shown for the whole kommune only, suppressed like any breakdown."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import services as assessment_services
from assessment.models import ResponseSource
from assessment.selectors import _published_spec
from municipalities.models import Municipality, Sector
from municipalities.selectors import ReportScope
from municipalities.services import create_org_unit, grant_role
from reports.selectors import municipality_report
from reports.selectors.explore import heat_class, tenure_groups
from tests.conftest import publish
from tests.helpers import staff_client
from tests.report_helpers import body_rows, table
from tests.suppression_helpers import answers_scoring

pytestmark = pytest.mark.django_db
MIN = 5


def kommune(number="4640"):
    return Municipality.objects.get(number=number)


def people(spec, count, score, tenure="", number="4640", unit=None, sector="helse_omsorg"):
    return [
        assessment_services.ResponseData(
            municipality_id=kommune(number).pk,
            staff_group="medarbeider",
            sector=sector,
            unit_id=unit.pk if unit else None,
            tenure=tenure,
            answers=answers_scoring(spec, "medarbeider", score),
        )
        for _ in range(count)
    ]


def published(rows):
    today = timezone.localdate()
    round_ = assessment_services.create_round(
        slug="runde-2026",
        name="Runde 2026",
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=20),
        municipality_numbers=["4640", "1506"],
    )
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return publish(round_)


def explore_url(round_, **query):
    url = reverse("reports:explore", kwargs={"slug": round_.slug, "number": "4640"})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def coordinator(client, municipalities):
    client.force_login(
        grant_role(username="koord", role="coordinator", municipality_number="4640").user
    )
    return client


def test_tenure_bands_are_shown_for_the_kommune_against_the_nation(coordinator, spec, instrument):
    round_ = published(
        people(spec, 10, 4, "under_2")
        + people(spec, 12, 2, "2_10")
        + people(spec, 8, 3, "over_10")
        + people(spec, 20, 3, number="1506")
    )
    html = coordinator.get(explore_url(round_, rader="ansiennitet", mot="landet")).content.decode()
    rows = dict(body_rows(table(html, "heat-table")))
    # national: (10·4 + 12·2 + 8·3 + 20·3) / 50 = 2.96
    assert rows["Landet"][1] == "2,96"
    assert rows["Under 2 år"][0] == "10"
    assert rows["Under 2 år"][1].startswith("4,00") and "(+1,04)" in rows["Under 2 år"][1]
    assert "(-0,96)" in rows["2–10 år"][1]
    assert rows["Over 10 år"][0] == "8"
    cells = re.findall(r'<td class="(heat-[a-z0-9]+)">', html)
    assert "heat-p3" in cells and "heat-m3" in cells
    # against the kommune: (40 + 24 + 24) / 30 = 2.93
    html = coordinator.get(explore_url(round_, rader="ansiennitet")).content.decode()
    assert dict(body_rows(table(html, "heat-table")))["Kommunen"][1] == "2,93"


def test_tenure_is_suppressed_like_any_breakdown(spec, instrument, municipalities):
    """Attack: 3 under two years and 1 who gave no tenure. Showing the others with the kommune's
    total would give those 4 away; the next-smallest band is hidden too."""
    round_ = published(
        people(spec, 3, 1, "under_2")
        + people(spec, 1, 5, "")
        + people(spec, 9, 3, "2_10")
        + people(spec, 20, 3, "over_10")
    )
    groups = {g.key: g for g in tenure_groups(round_, kommune(), spec)}
    assert "" not in groups  # «not given» is never a row
    assert groups["under_2"].suppressed and groups["under_2"].below_min
    assert groups["2_10"].suppressed and groups["2_10"].respondents is None
    assert not groups["over_10"].suppressed
    total = municipality_report(round_, ReportScope(municipality=kommune())).respondents
    shown = sum(g.respondents for g in groups.values() if not g.suppressed)
    assert total - shown == 0 or total - shown >= MIN
    for index, stat in enumerate(groups["over_10"].dimensions):
        assert not stat.suppressed
        kommune_stat = municipality_report(round_, ReportScope(municipality=kommune())).dimensions[
            index
        ]
        assert kommune_stat.n - stat.n >= MIN


def test_a_unit_leader_gets_their_groups_and_no_tenure(client, spec, instrument, municipalities):
    sogndal = kommune()
    helse = Sector.objects.get(code="helse_omsorg")
    heim = create_org_unit(municipality=sogndal, sector=helse, name="Heimetenesta")
    school = create_org_unit(
        municipality=sogndal, sector=Sector.objects.get(code="oppvekst"), name="Skulen"
    )
    round_ = published(
        people(spec, 12, 4, "under_2", unit=heim)
        + people(spec, 20, 3, "over_10", unit=school, sector="oppvekst")
    )
    client.force_login(grant_role(username="leiar", role="unit_leader", unit_id=heim.pk).user)
    html = client.get(explore_url(round_)).content.decode()
    assert 'value="ansiennitet"' not in html
    html = client.get(explore_url(round_, rader="ansiennitet")).content.decode()
    assert "Ansiennitet vises bare for hele kommunen" in html
    rows = dict(body_rows(table(html, "heat-table")))
    assert "Under 2 år" not in rows and "Medarbeider" in rows
    html = client.get(explore_url(round_, rader="enheter")).content.decode()
    assert [name for name, _c in body_rows(table(html, "heat-table"))] == [
        "Kommunen",
        "Heimetenesta",
    ]


def test_a_bad_choice_gets_a_norwegian_error_and_the_default(coordinator, spec, instrument):
    round_ = published(people(spec, 12, 4, "under_2") + people(spec, 20, 3, number="1506"))
    response = coordinator.get(explore_url(round_, rader="x", mot="<b>"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "«x» er ikke et gyldig valg for rader." in html
    assert "«&lt;b&gt;» er ikke et gyldig valg for sammenligning." in html
    assert "Medarbeider" in dict(body_rows(table(html, "heat-table")))


def test_the_colour_bins_are_symmetric():
    assert [heat_class(d) for d in (0.6, 0.3, 0.15, 0.0, -0.15, -0.3, -0.6, None)] == [
        "heat-p3",
        "heat-p2",
        "heat-p1",
        "heat-0",
        "heat-m1",
        "heat-m2",
        "heat-m3",
        "heat-none",
    ]


def test_the_page_runs_a_bounded_number_of_queries(
    coordinator, spec, instrument, django_assert_max_num_queries
):
    round_ = published(
        people(spec, 30, 4, "under_2")
        + people(spec, 30, 3, "2_10")
        + people(spec, 20, 3, number="1506")
    )
    for kind in ("ansattgrupper", "ansiennitet"):
        _published_spec.cache_clear()
        # the kommune report's 15, and two for the tenure cells
        with django_assert_max_num_queries(17):
            assert coordinator.get(explore_url(round_, rader=kind)).status_code == 200


def test_the_heatmap_tells_a_hidden_groups_reason_only_where_the_report_does(
    instrument, spec, municipalities, users
):
    """Found in review: staff groups of 20, 1 and 5 with 26 shown in total. The report writes
    both small groups as «skjult»: «færre enn 5» beside «skjult for å verne» would pin them to 1
    and 5. The heatmap said «færre enn 5» for the one; now both pages tell the same reasons."""
    from tests.disclosure_helpers import new_round
    from tests.disclosure_helpers import people as staff
    from tests.disclosure_helpers import record as store

    round_ = new_round(["4640"], slug="varme-x")
    store(
        round_,
        staff(spec, "4640", 20, 3)
        + staff(spec, "4640", 1, 4, staff_group="mellomleder")
        + staff(spec, "4640", 5, 2, staff_group="stab"),
    )
    publish(round_)
    report = municipality_report(round_, ReportScope(municipality=kommune()))
    reasons = {g.label: g.reason for g in report.staff_groups if g.suppressed}
    assert len(reasons) == 2 and set(reasons.values()) == {"withheld"}
    client = staff_client(users["coordinator_a"])
    html = client.get(
        reverse("reports:explore", kwargs={"slug": round_.slug, "number": "4640"})
    ).content.decode()
    assert "færre enn" not in html
    for label in reasons:
        row = html.split(f'<th scope="row">{label}</th>')[1].split("</td>")[0]
        assert 'data-reason="withheld"' in row
