"""Change from the previous published round (reports.selectors.change): the Welch interval from
the published sums, the page section, and the attack - a change never shows a group or a mean
that either round's report hides."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from assessment import services as assessment_services
from assessment.models import ResponseSource
from municipalities.models import Sector
from municipalities.selectors import ReportScope
from municipalities.services import create_org_unit, grant_role
from reports.selectors import municipality_report
from reports.selectors.change import dimension_changes, welch
from tests import disclosure_helpers
from tests.conftest import publish
from tests.disclosure_helpers import kommune
from tests.properties import examples

pytestmark = pytest.mark.django_db
MIN = 5


def people(spec, count, score, **group):
    """`count` respondents of Sogndal (4640) scoring `score`; see disclosure_helpers.people."""
    return disclosure_helpers.people(spec, "4640", count, score, **group)


def published_round(slug, days_ago, rows):
    today = timezone.localdate()
    round_ = assessment_services.create_round(
        slug=slug,
        name=slug.replace("-", " ").title(),
        opens_on=today - timedelta(days=days_ago),
        closes_on=today - timedelta(days=days_ago - 10),
        municipality_numbers=["4640"],
    )
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return publish(round_)


def test_welch_interval_is_scipys():
    previous, current = [3] * 10 + [4] * 10, [4] * 12 + [5] * 6 + [2] * 3

    def row(values):
        n = len(values)
        mean = sum(values) / n
        sd = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5
        return {"n": n, "mean": mean, "sd": sd}

    diff, low, high = welch(row(previous), row(current))
    expected = scipy_stats.ttest_ind(current, previous, equal_var=False).confidence_interval(0.95)
    assert diff == pytest.approx(sum(current) / 21 - 3.5)
    assert (low, high) == pytest.approx((expected.low, expected.high))


def test_the_change_of_the_kommune_and_its_staff_groups_is_shown_with_its_interval(
    client, spec, municipalities, instrument
):
    """2025: 10 at 3 and 10 at 4 (mean 3.5); 2026: 10 at 4 and 10 at 5 (mean 4.5)."""
    first = published_round("runde-2025", 400, people(spec, 10, 3) + people(spec, 10, 4))
    second = published_round("runde-2026", 30, people(spec, 10, 4) + people(spec, 10, 5))
    changes = dimension_changes(round_=second, municipality=kommune())
    assert changes.previous_round == first
    expected = scipy_stats.ttest_ind([4] * 10 + [5] * 10, [3] * 10 + [4] * 10, equal_var=False)
    interval = expected.confidence_interval(0.95)
    for change in changes.dimensions:
        assert (change.previous, change.current, change.diff) == (3.5, 4.5, 1.0)
        assert (change.ci_low, change.ci_high) == pytest.approx(
            (interval.low, interval.high), abs=0.001
        )
        assert (change.n_prev, change.n_cur) == (20, 20)
        assert change.direction == "up"
    medarbeider = next(g for g in changes.staff_groups if g.key == "medarbeider")
    assert all(c.diff == 1.0 for c in medarbeider.dimensions)

    client.force_login(
        grant_role(username="koord", role="coordinator", municipality_number="4640").user
    )
    html = client.get(
        reverse("reports:municipality_report", kwargs={"slug": second.slug, "number": "4640"})
    ).content.decode()
    section = re.search(r'id="change-section".*?</section>', html, re.S).group(0)
    assert "Endring fra Runde 2025" in section
    first_row = re.search(r"<tbody><tr>(.*?)</tr>", section, re.S).group(1)
    assert "3,50" in first_row and "4,50" in first_row and "+1,00" in first_row
    assert f"{interval.low:.2f}".replace(".", ",") in first_row
    assert "høyere" in first_row
    # the first round has nothing to compare with
    html = client.get(
        reverse("reports:municipality_report", kwargs={"slug": first.slug, "number": "4640"})
    ).content.decode()
    assert 'id="change-section"' not in html


def _stat(report_part, code):
    return next(s for s in report_part if s.code == code)


def _assert_every_change_is_two_shown_figures(changes, before, after):
    """Every change shown is the difference of two figures both reports show, with their n."""
    for change in changes.dimensions:
        if change.shown:
            prev, cur = (
                _stat(before.dimensions, change.code),
                _stat(after.dimensions, change.code),
            )
            assert not prev.suppressed and not cur.suppressed
            assert (change.previous, change.n_prev) == (prev.mean, prev.n)
            assert (change.current, change.n_cur) == (cur.mean, cur.n)
    for part in ("staff_groups", "sectors", "units"):
        prev_groups = {g.key: g for g in getattr(before, part)}
        cur_groups = {g.key: g for g in getattr(after, part)}
        for group in getattr(changes, part):
            for change in group.dimensions:
                if not change.shown:
                    continue
                prev, cur = prev_groups.get(group.key), cur_groups[group.key]
                assert prev is not None and not prev.suppressed and not cur.suppressed
                prev_stat, cur_stat = (
                    _stat(prev.dimensions, change.code),
                    _stat(cur.dimensions, change.code),
                )
                assert not prev_stat.suppressed and not cur_stat.suppressed
                assert (change.previous, change.n_prev) == (prev_stat.mean, prev_stat.n)
                assert (change.current, change.n_cur) == (cur_stat.mean, cur_stat.n)


def test_a_change_never_reveals_a_group_hidden_in_either_round(spec, municipalities, instrument):
    """Attack: tillitsvalgte are 3 in 2025 (hidden) and 8 in 2026; stab is 8 in 2025 and 2 in
    2026; a unit is shown only in 2025. A change for any of them would set a hidden group against
    a shown one; none is given, and every change given is two figures both reports show."""
    sogndal = kommune()
    helse = Sector.objects.get(code="helse_omsorg")
    oppvekst = Sector.objects.get(code="oppvekst")
    heim = create_org_unit(municipality=sogndal, sector=helse, name="Heim")
    skule = create_org_unit(municipality=sogndal, sector=oppvekst, name="Skule")
    small = create_org_unit(municipality=sogndal, sector=oppvekst, name="Barnehage")
    first = published_round(
        "runde-2025",
        400,
        people(spec, 20, 3, unit=heim)
        + people(spec, 3, 2, staff_group="tillitsvalgt", unit=heim)
        + people(spec, 8, 4, staff_group="stab", sector="oppvekst", unit=skule)
        + people(spec, 10, 3, sector="oppvekst", unit=small),
    )
    second = published_round(
        "runde-2026",
        30,
        people(spec, 20, 4, unit=heim)
        + people(spec, 8, 2, staff_group="tillitsvalgt", unit=heim)
        + people(spec, 2, 4, staff_group="stab", sector="oppvekst", unit=skule)
        + people(spec, 12, 3, sector="oppvekst", unit=skule)
        + people(spec, 2, 3, sector="oppvekst", unit=small),
    )
    scope = ReportScope(municipality=sogndal)
    before, after = municipality_report(first, scope), municipality_report(second, scope)
    changes = after.changes
    assert changes.previous_round == first
    groups = {g.key: g for g in changes.staff_groups}
    assert not groups["tillitsvalgt"].shown  # hidden in 2025
    assert not groups["stab"].shown  # hidden in 2026
    assert groups["medarbeider"].shown
    units = {g.label: g for g in changes.units}
    assert not units["Barnehage"].shown
    _assert_every_change_is_two_shown_figures(changes, before, after)
    # the selector gives the same as the report
    assert dimension_changes(round_=second, municipality=sogndal) == changes


def test_a_unit_leaders_change_is_their_subtree_as_both_reports_show_it(
    spec, municipalities, instrument
):
    sogndal = kommune()
    helse = Sector.objects.get(code="helse_omsorg")
    heim = create_org_unit(municipality=sogndal, sector=helse, name="Heim")
    sub = create_org_unit(municipality=sogndal, sector=helse, name="Heim nord", parent=heim)
    school = create_org_unit(
        municipality=sogndal, sector=Sector.objects.get(code="oppvekst"), name="Skule"
    )
    rows_2025 = (
        people(spec, 8, 3, unit=heim)
        + people(spec, 6, 2, unit=sub)
        + people(spec, 20, 3, sector="oppvekst", unit=school)
    )
    rows_2026 = (
        people(spec, 10, 4, unit=heim)
        + people(spec, 6, 4, unit=sub)
        + people(spec, 20, 3, sector="oppvekst", unit=school)
    )
    first = published_round("runde-2025", 400, rows_2025)
    second = published_round("runde-2026", 30, rows_2026)
    scope = ReportScope(municipality=sogndal, unit=heim)
    before, after = municipality_report(first, scope), municipality_report(second, scope)
    changes = after.changes
    assert [c.n_cur for c in changes.dimensions if c.shown] != []
    assert all((c.n_prev, c.n_cur) == (14, 16) for c in changes.dimensions if c.shown)
    _assert_every_change_is_two_shown_figures(changes, before, after)


def test_the_report_with_a_previous_round_runs_a_bounded_number_of_queries(
    client, spec, municipalities, instrument, django_assert_max_num_queries
):
    from assessment.selectors import _published_spec

    published_round("runde-2024", 800, people(spec, 20, 3))
    published_round("runde-2025", 400, people(spec, 20, 3))
    last = published_round("runde-2026", 30, people(spec, 20, 4))
    client.force_login(
        grant_role(username="koord", role="coordinator", municipality_number="4640").user
    )
    _published_spec.cache_clear()
    # the report's 15, and two for the previous round's cells (whatever the number of rounds)
    with django_assert_max_num_queries(18):
        html = client.get(
            reverse("reports:municipality_report", kwargs={"slug": last.slug, "number": "4640"})
        ).content.decode()
    assert "Endring fra Runde 2025" in html


@given(
    st.lists(
        st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=examples(100))
def test_a_change_is_shown_only_where_both_rounds_show_group_and_mean(flags):
    """Property: whatever each round hides (a whole group, or one mean), a change is given only
    where both rounds show the group and that mean."""
    from reports.selectors.change import _group_changes
    from reports.selectors.figures import Figures
    from reports.selectors.stats import Group, Stat

    def figures(side):
        groups, rows = [], {}
        for index, flag in enumerate(flags):
            group_hidden, mean_hidden = flag[2 * side], flag[2 * side + 1]
            stat = Stat(code="d", name="D", mean=3.0 + side, n=10, sd=0.5)
            if group_hidden or mean_hidden:
                stat = Stat(code="d", name="D", suppressed=True)
            groups.append(
                Group(
                    key=index,
                    label=str(index),
                    respondents=None if group_hidden else 10,
                    suppressed=group_hidden,
                    dimensions=[stat],
                )
            )
            rows[("staff_group", index, "d")] = {"n": 10, "mean": 3.0 + side, "sd": 0.5}
        return Figures(round=None, spec=None, min_size=MIN, shown=True, rows=rows), groups

    (prev, prev_groups), (cur, cur_groups) = figures(0), figures(1)
    changes = _group_changes(prev, cur, {"d"}, "staff_group", prev_groups, cur_groups)
    for (group_prev, mean_prev, group_cur, mean_cur), change in zip(flags, changes, strict=True):
        visible = not (group_prev or mean_prev or group_cur or mean_cur)
        assert change.dimensions[0].shown == visible
