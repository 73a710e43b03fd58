"""Anonymity on random small kommuner (hypothesis): no breakdown of the report ever shows a group
below the minimum, and peer and national figures are hidden when only a few others are left."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.models import Participation, Response
from municipalities.models import Municipality, Sector
from municipalities.services import create_org_unit
from tests.conftest import unpublish
from tests.properties import examples
from tests.suppression_helpers import MIN, kommune, person, record, report_for, stat

# --- random small kommuner -------------------------------------------------------------------------

STAFF = ["mellomleder", "medarbeider", "tillitsvalgt"]
SECTORS = ["helse_omsorg", "oppvekst", "kultur"]

person_strategy = st.tuples(
    st.sampled_from(STAFF),
    st.sampled_from(SECTORS),
    st.integers(0, 2),  # 0 = no unit, 1 or 2 = one of the sector's two units
    st.integers(1, 5),
    # dimensions left unanswered: often none, sometimes one or two
    st.sampled_from([(), (), (), ("samskaping",), ("samskaping", "metoder"), ("metoder",)]),
)


class RandomSetup:
    def __init__(self, round_, spec, units):
        self.round, self.spec, self.units = round_, spec, units
        self.closes_on = round_.closes_on

    def __repr__(self):
        return "RandomSetup()"


@pytest.fixture
def random_setup(open_round, spec):
    sogndal = kommune("4640")
    sectors = {s.code: s for s in Sector.objects.all()}
    units = {
        code: [
            create_org_unit(municipality=sogndal, sector=sectors[code], name=f"{code}-{i}")
            for i in (1, 2)
        ]
        for code in SECTORS
    }
    return RandomSetup(open_round, spec, units)


def _check_breakdown(groups, true_counts, min_size, kommune_total, dimension_totals, per_dim):
    """No shown group below the minimum; the hidden ones together hold nobody or at least the
    minimum (on respondents, and on each dimension's scored respondents)."""
    shown = [g for g in groups if not g.suppressed]
    for g in shown:
        assert g.respondents == true_counts[g.key]
        assert g.respondents >= min_size
        for s in g.dimensions:
            assert s.suppressed or s.n >= min_size
    hidden_total = kommune_total - sum(g.respondents for g in shown)
    assert hidden_total == 0 or hidden_total >= min_size, (hidden_total, true_counts)
    for code, total_n in dimension_totals.items():
        if total_n is None:
            continue
        shown_n = sum(
            s.n for g in shown for s in g.dimensions if s.code == code and not s.suppressed
        )
        left = total_n - shown_n
        assert left == 0 or left >= min_size, (code, left, per_dim)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(people=st.lists(person_strategy, min_size=5, max_size=24))
def test_random_kommuner_never_show_a_small_group_in_any_breakdown(random_setup, people):
    round_, spec, units = random_setup.round, random_setup.spec, random_setup.units
    unpublish(round_, random_setup.closes_on)
    Response.objects.filter(round=round_).delete()
    rows = []
    for staff_group, sector, unit_index, score, skip in people:
        unit = units[sector][unit_index - 1] if unit_index else None
        rows.append(person(spec, "4640", score, staff_group, sector, unit, skip=tuple(skip)))
    record(round_, rows)
    report = report_for(round_)
    total = len(people)
    if total < MIN:
        assert report.suppressed
        return
    assert report.respondents == total

    scored = {d.code: sum(1 for p in people if d.code not in p[4]) for d in spec.dimensions}
    dimension_totals = {s.code: s.n for s in report.dimensions if not s.suppressed}
    for s in report.dimensions:
        assert s.suppressed == (scored[s.code] < MIN)

    def count(key_of):
        counts = {}
        for p in people:
            counts[key_of(p)] = counts.get(key_of(p), 0) + 1
        return counts

    _check_breakdown(
        report.staff_groups, count(lambda p: p[0]), MIN, total, dimension_totals, people
    )
    _check_breakdown(report.sectors, count(lambda p: p[1]), MIN, total, dimension_totals, people)
    unit_of = {(code, i + 1): u.pk for code, us in units.items() for i, u in enumerate(us)}
    unit_counts = count(lambda p: unit_of.get((p[1], p[2])))
    _check_breakdown(report.units, unit_counts, MIN, total, dimension_totals, people)
    # sector -> units, for every sector that is shown
    for sector_group in report.sectors:
        if sector_group.suppressed:
            continue
        in_sector = [p for p in people if p[1] == sector_group.key]
        sector_units = [g for g in report.units if g.key in {u.pk for u in units[sector_group.key]}]
        sector_dims = {s.code: s.n for s in sector_group.dimensions if not s.suppressed}
        _check_breakdown(sector_units, unit_counts, MIN, len(in_sector), sector_dims, in_sector)


@pytest.mark.parametrize("others, hidden", [(3, True), (6, False)])
def test_peer_and_national_figures_hide_when_only_a_few_others_are_left(
    open_round, spec, others, hidden
):
    """Sogndal (10) next to one more kommune of its size class: with 3 others the peer and
    national figures minus Sogndal's own would give those 3 away, so both are hidden."""
    neighbour = (
        Municipality.objects.filter(size_class=kommune("4640").size_class)
        .exclude(number="4640")
        .order_by("number")
        .first()
    )
    Participation.objects.create(round=open_round, municipality=neighbour)
    rows = [person(spec, "4640", 4) for _ in range(10)]
    rows += [person(spec, neighbour.number, 1) for _ in range(others)]
    record(open_round, rows)
    report = report_for(open_round)
    assert all(s.suppressed for s in report.peer) is hidden
    assert all(s.suppressed for s in report.national) is hidden
    if not hidden:
        assert stat(report.peer, "strategi").n == 10 + others
