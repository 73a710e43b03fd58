"""Disclosure control across populations, reports and roles (issue 12, leaks 1-5; domain.md §6).

Each test plays an attacker with the figures one user can see (pages and API, all the roles
that user holds) and checks that no group below the minimum can be worked out by subtraction.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import services as assessment_services
from assessment.models import ResponseSource
from municipalities.models import Municipality, Sector
from municipalities.selectors import ReportScope
from municipalities.services import create_org_unit, grant_role
from reports.anonymity import suppress_nested
from reports.selectors import municipality_report
from reports.selectors.participation import participation_rates
from reports.services import create_api_token
from tests.conftest import publish, unpublish
from tests.factories import RoundFactory
from tests.properties import examples
from tests.test_suppression import answers_scoring

MIN = 5
pytestmark = pytest.mark.django_db


def kommune(number):
    return Municipality.objects.get(number=number)


def people(
    spec, number, count, score=3, staff_group="medarbeider", sector="helse_omsorg", unit=None
):
    return [
        assessment_services.ResponseData(
            municipality_id=kommune(number).pk,
            staff_group=staff_group,
            sector=sector,
            unit_id=unit.pk if unit else None,
            tenure="",
            answers=answers_scoring(spec, staff_group, score),
        )
        for _ in range(count)
    ]


def record(round_, rows):
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


def new_round(numbers, slug="runde-x"):
    return RoundFactory(
        slug=slug, name="Runde X", opens_in=-3, days=23, municipality_numbers=numbers
    )


def api(user, path):
    token = create_api_token(username=user.username)
    response = Client().get(path, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return response.json()


def user(username, role, **scope):
    return grant_role(username=username, role=role, **scope).user


def residual_ok(n):
    return n == 0 or n >= MIN


# --- leak 1: a peer figure minus the kommuner shown in the benchmark ------------------------


def test_peer_group_minus_the_shown_kommuner_never_leaves_a_small_kommune(
    instrument, spec, municipalities
):
    """1111 = 20, 1112 = 20, 1114 = 1 (all under 5 000) and 1101 = 4 (another size class)."""
    round_ = new_round(["1111", "1112", "1114", "1101"])
    record(round_, people(spec, "1111", 20, 3) + people(spec, "1112", 20, 4))
    record(round_, people(spec, "1114", 1, 1) + people(spec, "1101", 4, 2))
    publish(round_)
    coordinator = user("koord-1111", "coordinator", municipality_number="1111")
    ks = user("ks-x", "ks_analyst")
    slug = round_.slug

    # The coordinator of 1111: the peer figure, their own kommune, and whatever the benchmark
    # API gives of the others (1112 is not named: it must not carry a count to subtract).
    own = api(coordinator, f"/api/v1/rounds/{slug}/municipalities/1111/")
    rows = api(coordinator, f"/api/v1/rounds/{slug}/benchmark/")["municipalities"]
    others = [r for r in rows if r["number"] != "1111"]
    assert all(r["respondents"] is None for r in others)
    assert all(d["n"] is None for r in others for d in r["dimensions"])
    for peer, mine in zip(own["benchmarks"]["peer_group"], own["dimensions"], strict=True):
        if peer["suppressed"] or mine["suppressed"]:
            continue
        assert residual_ok(peer["n"] - mine["n"])

    # KS sees every count: the peer figure minus all shown kommuner of the size class.
    bench = api(ks, f"/api/v1/rounds/{slug}/benchmark/")
    small = [r for r in bench["municipalities"] if r["size_class"] == "under_5000"]
    report = municipality_report(round_, ReportScope(municipality=kommune("1112")))
    for index, peer in enumerate(report.peer):
        shown = sum(
            r["dimensions"][index]["n"] for r in small if not r["dimensions"][index]["suppressed"]
        )
        if not peer.suppressed:
            assert residual_ok(peer.n - shown), (peer.code, peer.n, shown)
    # Bjerkreim's single respondent is hidden, and so is one more kommune of its size class.
    hidden = {r["number"] for r in small if r["suppressed"]}
    assert "1114" in hidden and len(hidden) >= 2


# --- leak 2: a unit leader's «without own kommune» -----------------------------------------


def test_a_unit_leaders_peer_figure_is_hidden_as_the_coordinators_is(
    instrument, spec, municipalities
):
    """Sogndal (23, of which 20 in one unit) and another kommune of its size class with 3: the
    peer figure minus Sogndal is those 3 people, whoever looks - so it is hidden for both."""
    round_ = new_round(["4640", "1506"])
    sogndal = kommune("4640")
    heim = create_org_unit(
        municipality=sogndal, sector=Sector.objects.get(code="helse_omsorg"), name="Heim"
    )
    peer_class = sogndal.size_class
    other = Municipality.objects.filter(size_class=peer_class).exclude(pk=sogndal.pk).first()
    round_.participations.get_or_create(municipality=other)
    record(round_, people(spec, "4640", 20, 3, unit=heim) + people(spec, "4640", 3, 4))
    record(round_, people(spec, other.number, 3, 1))
    record(round_, people(spec, "1506", 30, 3))
    publish(round_)
    as_coordinator = municipality_report(round_, ReportScope(municipality=sogndal))
    as_unit_leader = municipality_report(round_, ReportScope(municipality=sogndal, unit=heim))
    assert [s.suppressed for s in as_unit_leader.peer] == [
        s.suppressed for s in as_coordinator.peer
    ]
    assert all(s.suppressed for s in as_unit_leader.peer)


# --- leak 3: two reports, one person -----------------------------------------------------------


def test_a_person_with_both_roles_cannot_subtract_a_small_sub_unit(
    instrument, spec, municipalities
):
    round_ = new_round(["4640", "1506"])
    sogndal = kommune("4640")
    helse = Sector.objects.get(code="helse_omsorg")
    parent = create_org_unit(municipality=sogndal, sector=helse, name="Omsorg")
    big = create_org_unit(municipality=sogndal, sector=helse, name="Omsorg nord", parent=parent)
    small = create_org_unit(municipality=sogndal, sector=helse, name="Omsorg sør", parent=parent)
    oppvekst = Sector.objects.get(code="oppvekst")
    school = create_org_unit(municipality=sogndal, sector=oppvekst, name="Skule")
    record(
        round_,
        people(spec, "4640", 8, 3, unit=parent)
        + people(spec, "4640", 12, 4, unit=big)
        + people(spec, "4640", 3, 1, unit=small)
        + people(spec, "4640", 20, 3, sector="oppvekst", unit=school),
    )
    record(round_, people(spec, "1506", 10, 3))
    publish(round_)
    coordinator_view = municipality_report(round_, ReportScope(municipality=sogndal))
    leader_view = municipality_report(round_, ReportScope(municipality=sogndal, unit=parent))
    units = {g.label: g for g in coordinator_view.units}
    assert units["Omsorg sør"].suppressed
    subtree = leader_view.respondents
    if subtree is not None:
        shown = sum(
            units[name].respondents
            for name in ("Omsorg", "Omsorg nord", "Omsorg sør")
            if not units[name].suppressed
        )
        assert residual_ok(subtree - shown), (subtree, shown)
        for index, stat in enumerate(leader_view.dimensions):
            if stat.suppressed:
                continue
            shown_n = sum(
                units[name].dimensions[index].n
                for name in ("Omsorg", "Omsorg nord", "Omsorg sør")
                if not units[name].dimensions[index].suppressed
            )
            assert residual_ok(stat.n - shown_n)


# --- leak 4: the dashboard and the report hide the same units -------------------------------


def test_dashboard_and_report_hide_the_same_units(instrument, spec, municipalities, client):
    """A sector of 8: one unit of 6 and 2 without a unit. The 6 would give the 2 away."""
    round_ = new_round(["4640", "1506"])
    sogndal = kommune("4640")
    helse = Sector.objects.get(code="helse_omsorg")
    unit = create_org_unit(municipality=sogndal, sector=helse, name="Heim")
    school = create_org_unit(
        municipality=sogndal, sector=Sector.objects.get(code="oppvekst"), name="Skule"
    )
    record(
        round_,
        people(spec, "4640", 6, 3, unit=unit)
        + people(spec, "4640", 2, 4)
        + people(spec, "4640", 15, 3, sector="oppvekst", unit=school),
    )
    participation = round_.participations.get(municipality=sogndal)
    live = {row["label"]: row["count"] for row in participation_rates(participation)["by_unit"]}
    publish(round_)
    report = municipality_report(round_, ReportScope(municipality=sogndal))
    published = {g.label: g.respondents for g in report.units}
    assert live["Heim"] is None and published["Heim"] is None
    assert live == published


# --- leak 5: the API gives nothing the page withholds ---------------------------------------


def _page_numbers(html: str) -> set[str]:
    """Every decimal number on a page (tables and chart data), as two decimals."""
    found = set()
    for text in re.findall(r"-?\d+[.,]\d+", html):
        found.add(f"{float(text.replace(',', '.')):.2f}")
    return found


@pytest.mark.parametrize("role", ["ks", "coordinator_a", "coordinator_b"])
def test_no_api_answer_has_a_number_its_page_withholds(users, filled_round, role):
    publish(filled_round)
    account = users[role]
    client = Client()
    client.force_login(account)
    page = client.get(reverse("reports:benchmark", kwargs={"slug": filled_round.slug}))
    numbers = _page_numbers(page.content.decode())
    data = api(account, f"/api/v1/rounds/{filled_round.slug}/benchmark/")
    for row in data["municipalities"]:
        if row["name"] is None:
            assert row["respondents"] is None and row["number"] is None
        for stat in row["dimensions"]:
            if stat["mean"] is not None:
                assert f"{stat['mean']:.2f}" in numbers, (role, row["name"], stat["code"])
            if row["name"] is None:
                assert stat["n"] is None and stat["sd"] is None and stat["ci95"] is None


def test_a_coordinators_only_unnamed_peer_is_in_neither_page_nor_api(users, filled_round):
    """Molde is the only other kommune and has not agreed to be named."""
    publish(filled_round)
    data = api(users["coordinator_a"], f"/api/v1/rounds/{filled_round.slug}/benchmark/")
    assert [r["number"] for r in data["municipalities"]] == ["4640"]
    # Nothing about the other kommuner reaches the page's context either: only a count.
    from reports.selectors.benchmark import benchmark_for_viewer

    context = benchmark_for_viewer(
        filled_round, viewer_is_national=False, own_id=kommune("4640").pk
    )
    assert "municipalities" not in context and context["participating"] == 2
    assert [r["name"] for r in context["rows"]] == ["Sogndal"]


def test_a_filter_leaving_one_or_two_unnamed_kommuner_is_refused_by_page_and_api(
    users, filled_round
):
    publish(filled_round)
    token = create_api_token(username=users["coordinator_a"].username)
    response = Client().get(
        f"/api/v1/rounds/{filled_round.slug}/benchmark/?fylke=15",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400
    assert "bredere filter" in response.json()["detail"]


def test_unnamed_kommuner_are_not_listed_in_kommune_number_order(instrument, spec, municipalities):
    numbers = ["4640", "1101", "1103", "1106", "1108", "1111", "1112", "1119", "1120", "1121"]
    round_ = new_round(numbers)
    for number in numbers:
        record(round_, people(spec, number, 6, 3))
    publish(round_)
    from reports.selectors.benchmark import benchmark_for_viewer

    rows = benchmark_for_viewer(round_, viewer_is_national=False, own_id=kommune("4640").pk)
    unnamed = [r["id"] for r in rows["rows"] if not r["is_named"]]
    by_number = sorted(unnamed, key=lambda pk: Municipality.objects.get(pk=pk).number)
    assert len(unnamed) == 9 and unnamed != by_number


# --- a property across roles ----------------------------------------------------------------

UNIT_CHOICES = (None, "parent", "big", "small")
person_strategy = st.tuples(
    st.sampled_from(["medarbeider", "mellomleder", "toppleder"]),
    st.sampled_from(UNIT_CHOICES),
    st.integers(1, 5),
)


class Setup:
    def __init__(self, round_, spec, units):
        self.round, self.spec, self.units = round_, spec, units
        self.closes_on = round_.closes_on

    def __repr__(self):
        return "Setup()"


@pytest.fixture
def tree_setup(instrument, spec, municipalities):
    round_ = new_round(["4640", "1506"], slug="eigenskap")
    sogndal = kommune("4640")
    helse = Sector.objects.get(code="helse_omsorg")
    parent = create_org_unit(municipality=sogndal, sector=helse, name="parent")
    units = {
        "parent": parent,
        "big": create_org_unit(municipality=sogndal, sector=helse, name="big", parent=parent),
        "small": create_org_unit(municipality=sogndal, sector=helse, name="small", parent=parent),
    }
    return Setup(round_, spec, units)


def _residuals(total_n, parts):
    """The whole minus the shown parts: nobody, or at least the minimum."""
    return residual_ok(total_n - sum(parts))


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(person_strategy, min_size=5, max_size=30))
def test_no_two_figures_a_coordinator_and_unit_leader_sees_give_away_a_small_group(
    tree_setup, people_drawn
):
    round_, spec, units = tree_setup.round, tree_setup.spec, tree_setup.units
    unpublish(round_, tree_setup.closes_on)
    from assessment.models import Response

    Response.objects.filter(round=round_).delete()
    rows = []
    for staff_group, unit, score in people_drawn:
        rows += people(spec, "4640", 1, score, staff_group=staff_group, unit=units.get(unit))
    record(round_, rows)
    publish(round_)
    sogndal = kommune("4640")
    whole = municipality_report(round_, ReportScope(municipality=sogndal))
    part = municipality_report(round_, ReportScope(municipality=sogndal, unit=units["parent"]))
    if whole.suppressed:
        return
    codes = [s.code for s in whole.dimensions]
    visible_units = {g.label: g for g in whole.units}
    # 1. The kommune against its own breakdowns (staff groups, units).
    for groups in (whole.staff_groups, whole.sectors):
        for index, code in enumerate(codes):
            stat = whole.dimensions[index]
            if stat.suppressed:
                continue
            shown = [g.dimensions[index].n for g in groups if not g.dimensions[index].suppressed]
            assert _residuals(stat.n, shown), (code, stat.n, shown)
    if part.suppressed:
        return
    # 2. The subtree against the kommune (same person with both roles).
    assert _residuals(whole.respondents, [part.respondents])
    for a, b in zip(whole.dimensions, part.dimensions, strict=True):
        if not a.suppressed and not b.suppressed:
            assert _residuals(a.n, [b.n]), a.code
    for ga in whole.staff_groups:
        for gb in part.staff_groups:
            if ga.key == gb.key and not ga.suppressed and not gb.suppressed:
                assert _residuals(ga.respondents, [gb.respondents]), ga.key
                for a, b in zip(ga.dimensions, gb.dimensions, strict=True):
                    if not a.suppressed and not b.suppressed:
                        assert _residuals(a.n, [b.n]), (ga.key, a.code)
    # 3. The subtree against the units in it.
    in_tree = [visible_units[name] for name in ("parent", "big", "small") if name in visible_units]
    assert _residuals(part.respondents, [g.respondents for g in in_tree if not g.suppressed])
    for index, stat in enumerate(part.dimensions):
        if not stat.suppressed:
            assert _residuals(
                stat.n,
                [g.dimensions[index].n for g in in_tree if not g.dimensions[index].suppressed],
            ), stat.code


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 25), min_size=1),
    st.lists(st.sets(st.sampled_from("abcdefgh"), min_size=1), max_size=4),
)
def test_nested_suppression_holds_inside_every_population(counts, populations):
    populations = [[k for k in p if k in counts] for p in populations] + [list(counts)]
    hidden = suppress_nested(counts, MIN, populations)
    for population in populations:
        hidden_total = sum(counts[k] for k in population if k in hidden)
        shown = [k for k in population if k not in hidden]
        assert hidden_total == 0 or hidden_total >= MIN or not shown
    assert all(counts[k] >= MIN for k in counts if k not in hidden)


# --- a property over the national comparison, for KS and every coordinator -------------------

KOMMUNER = ["1111", "1112", "1114", "1101", "1119", "1121"]  # 3 under 5 000, 3 of 5 000-19 999


@pytest.fixture
def nation_setup(instrument, spec, municipalities):
    round_ = new_round(KOMMUNER, slug="landet")
    return Setup(round_, spec, {})


def _known(stat) -> int | None:
    return None if stat.suppressed or stat.n is None else stat.n


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.integers(0, 12), min_size=len(KOMMUNER), max_size=len(KOMMUNER)),
    st.lists(st.booleans(), min_size=len(KOMMUNER), max_size=len(KOMMUNER)),
)
def test_no_viewer_can_subtract_a_small_group_from_the_national_or_a_peer_figure(
    nation_setup, sizes, named
):
    from assessment.models import Participation, Response
    from reports.selectors.benchmark import benchmark_for_viewer, viewer_benchmarks

    round_, spec = nation_setup.round, nation_setup.spec
    unpublish(round_, nation_setup.closes_on)
    Response.objects.filter(round=round_).delete()
    rows = []
    for index, (number, size) in enumerate(zip(KOMMUNER, sizes, strict=True)):
        rows += people(spec, number, size, 1 + index % 5)
        Participation.objects.filter(round=round_, municipality__number=number).update(
            named_in_comparisons=named[index]
        )
    if rows:
        record(round_, rows)
    publish(round_)
    ids = {number: kommune(number).pk for number in KOMMUNER}
    viewers = [(True, None)] + [(False, ids[number]) for number in KOMMUNER]
    for is_national, own in viewers:
        data = benchmark_for_viewer(round_, viewer_is_national=is_national, own_id=own)
        sums = data["sums"]
        seen = {r["id"]: r for r in data["rows"]}
        own_report = None
        if own is not None:
            own_report = municipality_report(
                round_, ReportScope(municipality=Municipality.objects.get(pk=own))
            )
        for size_class in ("under_5000", "5000_19999"):
            national, peer = viewer_benchmarks(sums, spec, own, size_class)
            for population, stats in ((sums.members(), national), (sums.members(size_class), peer)):
                for index, stat in enumerate(stats):
                    if stat.suppressed:
                        continue
                    known = 0
                    for member in population:
                        if member == own and own_report and not own_report.suppressed:
                            n = _known(own_report.dimensions[index])
                        elif member in seen:
                            n = _known(seen[member]["dimensions"][index])
                        else:
                            n = None
                        known += n or 0
                    assert residual_ok(stat.n - known), (is_national, own, size_class, stat.code)
