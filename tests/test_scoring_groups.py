"""Scoring rules of domain.md §5 for groups, checked with hand-computed numbers through the real
write and read paths: group mean with n, SD and t interval, level and index at the boundaries,
overall maturity, and the national average and peer group."""

import math
import statistics

import pytest
from scipy.stats import t as student_t

from assessment.scoring import scale_score
from municipalities.models import SizeClass
from reports.anonymity import PROTECTS_SMALLER
from reports.scoring import to_index, to_level
from tests.scoring_helpers import everything, join, kommune, raw_for, record, report_for, row, stat

pytestmark = pytest.mark.django_db


# --- group statistics --------------------------------------------------------------------------


def test_group_mean_is_the_mean_of_respondent_scores_with_n_sd_and_t_interval(open_round, spec):
    sogndal = kommune("4640")
    high = {"STR1": 5, "STR2": 5, "STR3": 5, "STR4": None, "STR5": None}  # score 5 from 3 items
    low = raw_for(spec, {"STR1": 1, "STR2": 1, "STR3": 1, "STR4": 1, "STR5": 1})  # score 1 from 5
    too_few = {"STR1": 5}  # no score: does not count in n
    record(
        open_round,
        [
            row(sogndal, high),
            row(sogndal, high),
            row(sogndal, low),
            row(sogndal, low),
            row(sogndal, low),
            row(sogndal, too_few),
        ],
    )

    report = report_for(open_round, "4640")
    assert report.respondents == 6
    s = stat(report.dimensions, "strategi")
    # Respondent scores 5, 5, 1, 1, 1: mean 13/5 = 2.6. (Pooling all item answers would give
    # (2*15 + 3*5) / 21 = 2.14 instead.)
    assert s.mean == pytest.approx(2.6)
    assert s.n == 5
    sd = statistics.stdev([5, 5, 1, 1, 1])  # sample SD: sqrt(19.2 / 4)
    assert sd == pytest.approx(math.sqrt(4.8))
    assert s.sd == pytest.approx(sd, abs=1e-3)
    half = student_t.ppf(0.975, 4) * sd / math.sqrt(5)
    assert half == pytest.approx(2.72, abs=0.01)  # t(4) = 2.776, not the normal 1.96
    assert s.ci95[0] == pytest.approx(2.6 - half, abs=1e-3)
    assert s.ci95[1] == pytest.approx(2.6 + half, abs=1e-3)
    assert s.index == pytest.approx(40.0)
    assert s.level == 3  # 2.6 is the first value of level 3


def test_ci_uses_t_with_n_minus_one_degrees_of_freedom(open_round, spec):
    sogndal = kommune("4640")
    values = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 4]
    record(open_round, [row(sogndal, everything(spec, "medarbeider", v)) for v in values])
    s = stat(report_for(open_round, "4640").dimensions, "samarbeid")
    mean, sd, n = statistics.mean(values), statistics.stdev(values), len(values)
    half = student_t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert (s.mean, s.n) == (pytest.approx(mean, abs=1e-3), n)
    assert s.ci95 == (pytest.approx(mean - half, abs=1e-3), pytest.approx(mean + half, abs=1e-3))


def test_level_and_index_from_database_means_at_the_boundaries(open_round, spec):
    """Means that land on a threshold after AVG() in the database (float sums) get the level the
    rule names: 3.4 is level 4, not 3."""
    sogndal = kommune("4640")
    # strategi: respondent scores 3.2, 3.6, 3.2, 3.6, 3.4 -> mean 3.4
    per_respondent = [
        [3, 3, 3, 3, 4],
        [4, 4, 4, 3, 3],
        [3, 3, 3, 3, 4],
        [4, 4, 4, 3, 3],
        [3, 4, 3, 4, 3],
    ]
    rows = []
    for values in per_respondent:
        answers = everything(spec, "medarbeider", 3)
        answers.update(
            raw_for(spec, dict(zip(["STR1", "STR2", "STR3", "STR4", "STR5"], values, strict=True)))
        )
        rows.append(row(sogndal, answers))
    record(open_round, rows)
    dimensions = report_for(open_round, "4640").dimensions
    strategi = stat(dimensions, "strategi")
    assert strategi.mean == pytest.approx(3.4)
    assert strategi.level == 4
    assert strategi.index == pytest.approx(60.0)
    other = stat(dimensions, "samarbeid")  # everyone 3
    assert (other.mean, other.level, other.index) == (3.0, 3, 50.0)
    assert other.sd == 0.0
    assert other.ci95 == (3.0, 3.0)


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (1.0, 1),
        (1.79, 1),
        (1.8, 2),
        (2.59, 2),
        (2.6, 3),
        (3.39, 3),
        (3.4, 4),
        (4.19, 4),
        (4.2, 5),
        (5.0, 5),
        # the same thresholds as floating-point arithmetic produces them
        (1 + 0.8, 2),
        (1 + 2 * 0.8, 3),
        (1 + 3 * 0.8, 4),
        (1 + 4 * 0.8, 5),
        (17 / 5, 4),
        (3.3999999999999995, 4),
        (0.1 * 34, 4),
        (sum([0.68] * 5), 4),
        (4.2 - 1e-12, 5),
        (1.8 - 1e-9, 2),
    ],
)
def test_level_thresholds(score, level):
    assert to_level(score) == level


def test_level_and_index_of_nothing_is_nothing():
    assert to_level(None) is None
    assert to_index(None) is None
    assert scale_score([], visible_count=0) is None


@pytest.mark.parametrize(
    ("score", "index"),
    [(1, 0.0), (2, 25.0), (3, 50.0), (3.4, 60.0), (5, 100.0), (4.2, 80.0), (2.6, 40.0)],
)
def test_index_is_score_minus_one_over_four_times_hundred(score, index):
    assert to_index(score) == pytest.approx(index)


def test_overall_maturity_only_when_every_dimension_has_a_score(open_round, spec):
    sogndal, molde = kommune("4640"), kommune("1506")
    full = everything(spec, "medarbeider", 4)
    # Molde: everyone skips «samskaping» entirely -> no score there -> no overall maturity.
    skip = {code: v for code, v in full.items() if not code.startswith("SKA")}
    # Sogndal: 5 full respondents at 4, plus 4 more answering 2 on every statement -> all shown
    record(
        open_round,
        [row(sogndal, full)] * 5
        + [row(sogndal, everything(spec, "medarbeider", 2))] * 4
        + [row(molde, skip)] * 6,
    )
    sogndal_report = report_for(open_round, "4640")
    expected = (5 * 4 + 4 * 2) / 9
    assert all(s.mean == pytest.approx(expected, abs=1e-3) for s in sogndal_report.dimensions)
    overall = sogndal_report.overall
    assert overall.mean == pytest.approx(expected, abs=1e-3)
    assert overall.index == pytest.approx((expected - 1) / 4 * 100, abs=0.1)
    assert overall.level == 3  # (20 + 8) / 9 = 3.111
    molde_report = report_for(open_round, "1506")
    assert stat(molde_report.dimensions, "samskaping").suppressed
    assert stat(molde_report.dimensions, "strategi").mean == pytest.approx(4.0)
    assert molde_report.overall.mean is None
    assert molde_report.overall.level is None


def test_overall_maturity_is_the_mean_of_the_dimension_scores(open_round, spec):
    sogndal = kommune("4640")
    dims = [d.code for d in spec.dimensions]
    # Dimension k scores 1 + (k % 5): means differ per dimension; one respondent leaves out a
    # whole dimension, so the overall is not the mean of all item answers either.
    base = {}
    for k, dimension in enumerate(spec.dimensions):
        for item in dimension.items_for("medarbeider"):
            base[item.code] = 1 + (k % 5)
    rows = [row(sogndal, raw_for(spec, base)) for _ in range(5)]
    partial = {code: v for code, v in base.items() if spec.items[code].dimension_code != "strategi"}
    rows.append(row(sogndal, raw_for(spec, partial)))
    record(open_round, rows)
    report = report_for(open_round, "4640")
    expected_means = [1 + (k % 5) for k in range(len(dims))]
    assert [s.mean for s in report.dimensions] == pytest.approx(expected_means)
    assert stat(report.dimensions, "strategi").n == 5
    assert stat(report.dimensions, "samarbeid").n == 6
    assert report.overall.mean == pytest.approx(sum(expected_means) / len(dims), abs=1e-3)


def test_national_average_is_all_respondents_and_peer_group_the_same_size_class(open_round, spec):
    join(open_round, "4641")  # Aurland, under 5 000
    join(open_round, "1101")  # Eigersund, 5 000-19 999 like Sogndal
    assert kommune("4640").size_class == kommune("1101").size_class == SizeClass.FROM_5K
    assert kommune("1506").size_class == SizeClass.FROM_20K
    assert kommune("4641").size_class == SizeClass.UNDER_5K

    def at(number, score, count):
        return [row(kommune(number), everything(spec, "medarbeider", score))] * count

    record(open_round, at("4640", 4, 5) + at("1506", 2, 6) + at("4641", 5, 5) + at("1101", 3, 5))
    sogndal = report_for(open_round, "4640")
    national = stat(sogndal.national, "strategi")
    assert national.n == 21
    assert national.mean == pytest.approx((5 * 4 + 6 * 2 + 5 * 5 + 5 * 3) / 21, abs=1e-3)
    peer = stat(sogndal.peer, "strategi")
    assert peer.n == 10
    assert peer.mean == pytest.approx((5 * 4 + 5 * 3) / 10)
    molde = report_for(open_round, "1506")
    assert stat(molde.peer, "strategi").mean == pytest.approx(2.0)
    assert stat(molde.national, "strategi").mean == national.mean


def test_a_kommune_below_the_minimum_hides_the_national_figure_that_every_report_would_reveal(
    open_round, spec
):
    """Aurland has 2 respondents. They count in the national figure, but every other kommune's
    report shows its own figure, and KS may open them all: national minus those would be
    Aurland's two. So the national figure is hidden; the peer figures without Aurland are not."""
    join(open_round, "4641")  # Aurland, under 5 000: only 2 respondents (too few to show)
    join(open_round, "1101")

    def at(number, score, count):
        return [row(kommune(number), everything(spec, "medarbeider", score))] * count

    record(open_round, at("4640", 4, 5) + at("1506", 2, 6) + at("4641", 5, 2) + at("1101", 3, 5))
    sogndal = report_for(open_round, "4640")
    assert stat(sogndal.national, "strategi").suppressed
    assert stat(sogndal.national, "strategi").reason == PROTECTS_SMALLER
    assert stat(sogndal.peer, "strategi").n == 10
    aurland = report_for(open_round, "4641")
    assert aurland.suppressed and aurland.respondents is None
