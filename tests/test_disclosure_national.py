"""Disclosure control, a property over the national comparison (hypothesis): neither KS nor any
coordinator can subtract a small group from the national or a peer figure."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import municipality_report
from tests.conftest import publish, unpublish
from tests.disclosure_helpers import Setup, kommune, new_round, people, record, residual_ok
from tests.properties import examples

pytestmark = pytest.mark.django_db


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
