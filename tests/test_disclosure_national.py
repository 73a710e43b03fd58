"""Disclosure control, a property over the national comparison (hypothesis): neither KS nor any
coordinator can subtract a small group from the national or a peer figure."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import municipality_report
from tests.conftest import publish, unpublish
from tests.disclosure_helpers import (
    Setup,
    kommune,
    new_round,
    people,
    published_ids,
    record,
    residual_ok,
)
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
    from reports.selectors import national_trend
    from reports.selectors.benchmark import benchmark_figures, benchmark_for_viewer

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
    reports = {
        m_id: municipality_report(
            round_, ReportScope(municipality=Municipality.objects.get(pk=m_id))
        )
        for m_id in ids.values()
    }
    # KS may open every kommune report; a coordinator sees their own; a coordinator of two
    # kommuner (the comparison is built for the first) sees both.
    viewers = [(True, None, set(ids.values()))]
    viewers += [(False, ids[number], {ids[number]}) for number in KOMMUNER]
    viewers.append((False, ids[KOMMUNER[0]], {ids[KOMMUNER[0]], ids[KOMMUNER[1]]}))
    for is_national, own, own_reports in viewers:
        data = benchmark_for_viewer(round_, viewer_is_national=is_national, own_id=own)
        seen = {r["id"]: r for r in data["rows"] if r["is_named"]}
        # The national trend on the same page keeps one rule for everyone (nothing left that no
        # report shows); it must never show a round's mean the viewer's own figure hides.
        for point in national_trend(round_, spec):
            for stat in data["national"]:
                if stat.suppressed:
                    assert point["dimensions"][stat.code] is None, (own, stat.code, sizes)
        for size_class in ("under_5000", "5000_19999"):
            national, peer = benchmark_figures(data, size_class)
            populations = (
                (published_ids(round_), national),
                (published_ids(round_, size_class), peer),
            )
            for population, stats in populations:
                for index, stat in enumerate(stats):
                    if stat.suppressed:
                        continue
                    known = 0
                    for member in population:
                        from_report = None
                        if member in own_reports and not reports[member].suppressed:
                            from_report = _known(reports[member].dimensions[index])
                        from_row = None
                        if member in seen:
                            from_row = _known(seen[member]["dimensions"][index])
                        known += from_report or from_row or 0
                    assert residual_ok(stat.n - known), (is_national, own, size_class, stat.code)


@pytest.mark.parametrize(("small", "national_shown"), [(3, False), (0, True), (5, True)])
def test_the_national_trend_hides_a_round_that_would_leave_a_small_kommune(
    instrument, spec, municipalities, small, national_shown
):
    """The national trend (on the benchmark page) follows the same rule as the national figure:
    a round's national mean minus every kommune report must not leave 1-4 people."""
    from reports.selectors import national_trend

    round_ = new_round(["1111", "1112", "1114"], slug="trend-x")
    record(round_, people(spec, "1112", 10, 2) + people(spec, "1114", 10, 4))
    if small:
        record(round_, people(spec, "1111", small, 5))
    publish(round_)
    (entry,) = national_trend(round_, spec)
    assert all((mean is not None) == national_shown for mean in entry["dimensions"].values())
    report = municipality_report(round_, ReportScope(municipality=kommune("1112")))
    assert all(s.suppressed != national_shown for s in report.national)
