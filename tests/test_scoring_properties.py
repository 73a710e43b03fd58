"""Hypothesis properties of the pure scoring functions (assessment.scoring, reports.scoring):
scale and item scores, level and index, the confidence interval against scipy, and
score_response against the rule on random answers."""

import math
import statistics
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import t as student_t

from assessment.scoring import item_score, scale_score, score_response
from reports.scoring import confidence_interval, round_mean, to_index, to_level
from tests.helpers import ALL_STAFF_GROUPS
from tests.properties import examples

pytestmark = pytest.mark.django_db


# --- properties of the pure functions ----------------------------------------------------------

answers_strategy = st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=1, max_size=8)


@given(answers_strategy)
def test_scale_score_is_the_mean_of_the_answered_or_nothing_below_half(answers):
    answered = [a for a in answers if a is not None]
    result = scale_score(answers, visible_count=len(answers))
    if len(answered) * 2 < len(answers):  # fewer than half, rounded up
        assert result is None
    else:
        assert len(answered) >= math.ceil(len(answers) / 2)
        assert result == pytest.approx(sum(answered) / len(answered))
        assert min(answered) <= result <= max(answered)
        assert 1 <= result <= 5


@given(st.integers(1, 5), st.booleans())
def test_item_score_reverse_is_six_minus_answer_and_stays_on_the_scale(answer, reverse):
    score = item_score(answer, reverse=reverse)
    assert 1 <= score <= 5
    assert score == (6 - answer if reverse else answer)
    assert item_score(None, reverse=reverse) is None


scores = st.floats(min_value=1.0, max_value=5.0, allow_nan=False)


@given(
    st.lists(st.sampled_from([1.0, 1.5, 2.0, 2.25, 2.5, 2.75, 3.0, 3.2, 3.8, 4.6, 5.0]), min_size=1)
)
def test_the_reported_mean_does_not_depend_on_the_order_the_scores_were_added_in(values):
    """The same people summed as their answers came and summed afresh (or by another database)
    differ in the last bit of the total; the reported mean must not."""
    forwards, backwards = 0.0, 0.0
    for value in values:
        forwards += value
    for value in reversed(values):
        backwards += value
    n = len(values)
    assert round_mean(forwards / n) == round_mean(backwards / n)
    exact = Decimal(str(sum(Decimal(str(v)) for v in values) / n))
    assert round_mean(forwards / n) == float(exact.quantize(Decimal("0.001"), "ROUND_HALF_UP"))


def test_a_mean_half_way_is_reported_half_up_from_either_side():
    assert round_mean(2.9474999999999) == round_mean(2.9475000000001) == 2.948
    assert round_mean(None) is None


@given(scores)
def test_level_follows_the_formula_on_the_reported_mean(score):
    reported = Decimal(str(round_mean(score)))
    expected = min(5, 1 + int((reported - 1) // Decimal("0.8")))
    assert to_level(score) == expected
    assert 1 <= to_level(score) <= 5


@given(scores, scores)
def test_level_and_index_are_monotone(a, b):
    low, high = min(a, b), max(a, b)
    assert to_level(low) <= to_level(high)
    assert to_index(low) <= to_index(high)


@given(scores)
def test_index_is_on_0_to_100_and_matches_the_score(score):
    index = to_index(score)
    assert 0.0 <= index <= 100.0
    # computed from the reported mean (3 decimals, +-0.0005 -> +-0.0125 index points) and shown
    # with one decimal (+-0.05)
    assert index == pytest.approx((score - 1) / 4 * 100, abs=0.0625 + 1e-9)


@given(st.lists(st.floats(min_value=1, max_value=5, allow_nan=False), min_size=2, max_size=40))
def test_confidence_interval_matches_scipy_t(values):
    mean, sd, n = statistics.mean(values), statistics.stdev(values), len(values)
    low, high = confidence_interval(mean, sd, n)
    half = float(student_t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    assert low == pytest.approx(mean - half, abs=1e-3)
    assert high == pytest.approx(mean + half, abs=1e-3)
    assert low <= round(mean, 3) + 1e-9 and round(mean, 3) - 1e-9 <= high
    assert confidence_interval(mean, sd, 1) is None


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    max_examples=examples(60),
    deadline=None,
)
@given(data=st.data())
def test_score_response_matches_the_rule_for_random_answers(spec, data):
    """A second, independent reading of §5 against score_response for random respondents."""
    staff_group = data.draw(st.sampled_from(ALL_STAFF_GROUPS))
    codes = list(spec.items)
    answers = data.draw(
        st.dictionaries(st.sampled_from(codes), st.one_of(st.none(), st.integers(1, 5)))
    )
    result = score_response(spec, staff_group=staff_group, answers=answers)
    for dimension in spec.dimensions:
        seen = [i for i in dimension.items if staff_group in i.audience]
        values = [
            6 - answers[i.code] if i.reverse else answers[i.code]
            for i in seen
            if answers.get(i.code) is not None
        ]
        key = ("dimension", dimension.code)
        if seen and len(values) >= (len(seen) + 1) // 2:
            assert result[key] == pytest.approx(sum(values) / len(values))
        else:
            assert key not in result
