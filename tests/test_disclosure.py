"""Disclosure control across populations, reports and roles (issue 12, leaks 1-4; domain.md §6).

Each test plays an attacker with the figures one user can see (pages and API, all the roles
that user holds) and checks that no group below the minimum can be worked out by subtraction.
The API (leak 5) is in tests/test_disclosure_api.py, the properties across roles and over the
national comparison in tests/test_disclosure_tree.py and tests/test_disclosure_national.py.
"""

import pytest

from municipalities.models import Municipality, Sector
from municipalities.selectors import ReportScope
from municipalities.services import create_org_unit
from reports.selectors import municipality_report
from reports.selectors.participation import participation_rates
from tests.conftest import publish
from tests.disclosure_helpers import api, kommune, new_round, people, record, residual_ok, user

pytestmark = pytest.mark.django_db


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
