"""Issue 14: results shared back to staff (the staff page without login) and KS's national view
of the cycle (focus dimensions, action status, learning partners), with their attack tests."""

import random
import re

import pytest
from django.test import Client
from django.utils import timezone

from assessment import services as assessment_services
from assessment.models import Participation, ResponseSource, ScoreKind
from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports import action_plans
from reports.models import MunicipalityScore, StaffPage
from reports.selectors.staff_page import staff_page_content
from tests.conftest import make_user, publish
from tests.helpers import closed_round, kommune_rows

DASHBOARD = "/kommune/4640/runder/runde-2026/"


def client_for(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def staff_url(client):
    page = client.get(DASHBOARD).content.decode()
    match = re.search(r'id="staff-page-url"><a href="([^"]+)"', page)
    return match.group(1) if match else None


def published_round(spec, counts: dict, slug="runde-2026", days_ago=40, levels=None):
    round_ = closed_round(slug, days_ago, counts)
    rows = []
    for number, count in counts.items():
        rows += kommune_rows(
            spec, number, count, random.Random(number), level=(levels or {}).get(number)
        )
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return publish(round_)


# --- The staff page ----------------------------------------------------------------------------


@pytest.fixture
def coordinator(municipalities):
    return make_user("koord", "coordinator", municipality_number="4640")


def test_the_coordinator_publishes_a_staff_page_that_opens_without_login(
    municipalities, spec, coordinator
):
    round_ = published_round(spec, {"4640": 60, "1506": 40})
    client = client_for(coordinator)
    assert staff_url(client) is None
    client.post(
        "/runder/runde-2026/kommuner/4640/tiltaksplan/", {"op": "focus", "focus": ["samarbeid"]}
    )
    client.post(
        "/runder/runde-2026/kommuner/4640/tiltaksplan/",
        {
            "op": "add_action",
            "dimension": "samarbeid",
            "what": "Hospitering mellom enhetene",
            "why": "Lav skår på samarbeid",
            "owner": "Kommunalsjef helse",
            "due_on": "2027-05-01",
            "status": "i_gang",
        },
    )
    response = client.post("/kommune/4640/runder/runde-2026/ansattside/", {"op": "publish"})
    assert response.status_code == 302
    url = staff_url(client)
    assert url and "/resultater/" in url
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 30  # 192 bits, not guessable
    assert "<svg" in client.get(DASHBOARD).content.decode()  # the QR code to print
    anonymous = Client()
    page = anonymous.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dere sa – vi gjør: Sogndal" in text
    assert "Hospitering mellom enhetene" in text and "I gang" in text
    assert "Det vi er gode på" in text and "Det vi kan bli bedre på" in text
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    # Strengths and improvement areas are the report's (difference from the nation), with the
    # kommune's means only.
    from reports.selectors import municipality_report

    report = municipality_report(
        round_, ReportScope(municipality=Municipality.objects.get(number="4640"))
    )
    for kind in ("strengths", "improvements"):
        shown = page.content.decode().split(f'id="staff-{kind}"')
        names = [d.name for d in getattr(report, kind)]
        if names:
            listed = shown[1].split("</ol>")[0]
            assert [n for n in names if n in listed] == names
        else:
            assert len(shown) == 1
    # Kommune-level figures only: no staff group, sector or unit, no other kommune.
    for word in ("Medarbeider", "Helse og omsorg", "Molde", "Landet"):
        assert word not in text
    # Publishing again keeps the same link; taking it down kills it; a new one is new.
    client.post("/kommune/4640/runder/runde-2026/ansattside/", {"op": "publish"})
    assert staff_url(client) == url
    client.post("/kommune/4640/runder/runde-2026/ansattside/", {"op": "revoke"})
    assert anonymous.get(url).status_code == 404
    assert staff_url(client) is None
    client.post("/kommune/4640/runder/runde-2026/ansattside/", {"op": "publish"})
    assert staff_url(client) not in (None, url)
    assert StaffPage.objects.count() == 2
    assert round_.is_published


def test_a_staff_page_waits_for_publication(open_round, coordinator):
    client = client_for(coordinator)
    response = client.post("/kommune/4640/runder/runde-2026/ansattside/", {"op": "publish"})
    assert response.status_code == 302
    assert not StaffPage.objects.exists()
    text = client.get(DASHBOARD).content.decode()
    assert "Når runden stenger" in text


def test_the_staff_page_hides_what_the_national_comparison_hides(municipalities, spec):
    """Attack test. Aurland (3 answers) is below the minimum; complementary suppression in the
    nation hides the next-smallest kommune, Sogndal (6), too, so that the national figure minus
    the shown kommuner is never Aurland alone. Sogndal's coordinator sees Sogndal's own figures
    (6 ≥ 5), but a page anyone can open must not: with Sogndal's sums public, anyone who sees
    the national figure (KS, any coordinator) gets Aurland's three people by subtraction."""
    round_ = published_round(spec, {"4640": 6, "4641": 3, "1506": 60})
    sogndal = Municipality.objects.get(number="4640")
    page = action_plans.publish_staff_page(round_=round_, municipality=sogndal)
    content = staff_page_content(page)
    assert content["suppressed"] and content["respondents"] is None
    assert all(s.suppressed for s in content["dimensions"])
    assert content["strengths"] == [] and content["improvements"] == []
    # Why it matters: the national sums minus Molde minus Sogndal are exactly Aurland.
    rows = {
        (r.municipality.number, r.code): r
        for r in MunicipalityScore.objects.filter(
            round=round_, kind=ScoreKind.DIMENSION
        ).select_related("municipality")
    }
    strategi = {n: r for (n, c), r in rows.items() if c == "strategi"}
    residual_total = (
        sum(r.total for r in strategi.values()) - strategi["1506"].total - strategi["4640"].total
    )
    assert residual_total == pytest.approx(strategi["4641"].total)
    text = Client().get(f"/resultater/{action_plans.staff_page_token(page.salt)}/").content.decode()
    assert "for få svar til å vise resultater" in text


def test_the_staff_page_runs_a_bounded_number_of_queries(
    municipalities, spec, django_assert_max_num_queries
):
    round_ = published_round(spec, {"4640": 60, "1506": 40})
    page = action_plans.publish_staff_page(
        round_=round_, municipality=Municipality.objects.get(number="4640")
    )
    user = make_user("koord", "coordinator", municipality_number="4640")
    _plan(
        round_, "4640", ["samarbeid", "ideer"], [("samarbeid", "ferdig"), ("ideer", "i_gang")], user
    )
    url = f"/resultater/{action_plans.staff_page_token(page.salt)}/"
    with django_assert_max_num_queries(7):
        assert Client().get(url).status_code == 200


def test_an_unknown_staff_link_is_404(db):
    assert Client().get("/resultater/ukjent-lenke/").status_code == 404


# --- KS: the cycle nationally ------------------------------------------------------------------


def _plan(round_, number, focus, statuses, user):
    municipality = Municipality.objects.get(number=number)
    plan = action_plans.save_focus(round_=round_, municipality=municipality, focus=focus, user=user)
    for code, status in statuses:
        action_plans.add_action(
            plan=plan,
            user=user,
            dimension=code,
            what=f"Tiltak i {number}",
            why="Funn",
            owner="Leder",
            due_on=timezone.localdate(),
            status=status,
        )
    return plan


@pytest.fixture
def cycle(municipalities, spec):
    """Five kommuner with plans for runde-2026; Sogndal and Molde named in comparisons."""
    numbers = {"4640": 40, "1506": 40, "4641": 20, "4642": 20, "4644": 20}
    first = published_round(
        spec,
        numbers,
        slug="runde-2025",
        days_ago=400,
        levels={"4640": 2.4, "1506": 3.0, "4641": 2.4, "4642": 3.0, "4644": 3.0},
    )
    second = published_round(
        spec,
        numbers,
        slug="runde-2026",
        days_ago=40,
        levels={"4640": 3.4, "1506": 3.0, "4641": 3.4, "4642": 3.0, "4644": 3.0},
    )
    Participation.objects.filter(round=second, municipality__number__in=["4640", "1506"]).update(
        named_in_comparisons=True
    )
    user = make_user("koord", "coordinator", municipality_number="4640")
    # samarbeid: three kommuner (shown); ideer: two unnamed (hidden); strategi: one named
    # (shown by name); trygghet: one named and one unnamed (hidden).
    _plan(second, "4640", ["samarbeid", "strategi", "trygghet"], [("samarbeid", "ferdig")], user)
    _plan(
        second,
        "4641",
        ["samarbeid", "ideer", "trygghet"],
        [("samarbeid", "i_gang"), ("ideer", "ferdig")],
        user,
    )
    _plan(
        second,
        "4642",
        ["samarbeid", "ideer"],
        [("samarbeid", "uten_effekt"), ("ideer", "planlagt")],
        user,
    )
    return first, second, make_user("ks", "ks_analyst")


def _row(text, code):
    return text.split(f'data-code="{code}"')[1].split("</tr>")[0]


def test_ks_sees_which_focus_dimensions_were_chosen_and_how_actions_stand(cycle):
    _first, _second, ks = cycle
    response = client_for(ks).get("/runder/runde-2026/tiltak/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "3 kommuner har laget tiltaksplan." in text
    cells = re.findall(r"<td>([^<]*)</td>", _row(text, "samarbeid"))
    # kommuner, actions, then planlagt / i gang / ferdig / uten effekt
    assert cells == ["3", "3", "0", "1", "1", "1"]
    assert "Sogndal" in _row(text, "strategi") and "1" in _row(text, "strategi")


def test_a_focus_dimension_of_fewer_than_three_kommuner_is_hidden_unless_all_are_named(cycle):
    """Attack test: «ideer» was chosen by two kommuner that are not named. Its count and its
    actions' statuses are not shown, and the page shows no total over the dimensions that
    would give them back by subtraction (the only total is the number of kommuner with a plan,
    and each kommune chooses one to three areas, so it says nothing about any one area)."""
    _first, _second, ks = cycle
    text = client_for(ks).get("/runder/runde-2026/tiltak/").content.decode()
    ideer = _row(text, "ideer")
    assert "færre enn 3" in ideer
    assert re.findall(r"<td>(\d+)</td>", ideer) == []
    trygghet = _row(text, "trygghet")  # Sogndal (named) and Aurland (not)
    assert "færre enn 3" in trygghet and "Sogndal" not in trygghet
    assert "Aurland" not in text and "Lærdal" not in text
    # No grand total of actions anywhere (there are 5 actions in all).
    assert ">5<" not in text


def test_named_kommuner_that_improved_are_learning_partners(cycle):
    _first, _second, ks = cycle
    text = client_for(ks).get("/runder/runde-2026/tiltak/").content.decode()
    partners = text.split('id="learning-partners"')[1]
    assert "Kommuner som har forbedret seg på Samarbeid på tvers av enheter" in partners
    assert "Sogndal: +" in partners
    assert "valgte området i tiltaksplanen" in partners
    # Aurland improved just as much, but has not agreed to be named; Molde did not improve.
    assert "Aurland" not in partners and "Molde" not in partners


def test_only_ks_sees_the_cycle(cycle):
    client = client_for(make_user("koord-molde", "coordinator", municipality_number="1506"))
    assert client.get("/runder/runde-2026/tiltak/").status_code == 404


def test_the_cycle_page_runs_a_bounded_number_of_queries(cycle, django_assert_max_num_queries):
    _first, _second, ks = cycle
    client = client_for(ks)
    with django_assert_max_num_queries(14):
        assert client.get("/runder/runde-2026/tiltak/").status_code == 200
