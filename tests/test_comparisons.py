"""Comparisons that mean something (issue 13, item 4): strengths and improvement areas by the
difference from the comparison with a Welch interval, and the leader–staff gap on common
statements only."""

import numpy as np
import pytest
from scipy import stats

from reports.selectors.comparison import (
    common_item_gaps,
    strengths_and_improvements,
    welch_interval,
)
from reports.selectors.stats import Group, Stat


def _stat(code, values):
    values = np.asarray(values, dtype=float)
    return Stat(
        code=code, name=code.title(), mean=values.mean(), n=len(values), sd=values.std(ddof=1)
    )


def test_welch_interval_matches_scipy_on_raw_data():
    rng = np.random.default_rng(1)
    a, b = rng.normal(3.4, 0.6, 40), rng.normal(3.1, 0.9, 300)
    difference, (low, high) = welch_interval(_stat("x", a), _stat("x", b))
    test = stats.ttest_ind(a, b, equal_var=False)
    ci = test.confidence_interval(0.95)
    assert difference == pytest.approx(a.mean() - b.mean())
    assert (low, high) == pytest.approx((ci.low, ci.high))


def test_a_low_dimension_can_be_a_strength_and_a_high_one_need_not_be():
    rng = np.random.default_rng(2)
    kommune = [
        _stat("ressurser", rng.normal(2.6, 0.5, 200)),  # low everywhere, but above the nation
        _stat("strategi", rng.normal(4.1, 0.5, 200)),  # high, but like the nation
        _stat("samarbeid", rng.normal(3.0, 0.5, 200)),  # below the nation
    ]
    national = [
        _stat("ressurser", rng.normal(2.2, 0.6, 5000)),
        _stat("strategi", rng.normal(4.1, 0.6, 5000)),
        _stat("samarbeid", rng.normal(3.5, 0.6, 5000)),
    ]
    result = strengths_and_improvements(kommune, national, [])
    assert [d.code for d in result["strengths"]] == ["ressurser"]
    assert [d.code for d in result["improvements"]] == ["samarbeid"]
    assert result["comparison_label"] == "landet"
    flat = next(d for d in result["differences"] if d.code == "strategi")
    assert flat.ci95[0] < 0 < flat.ci95[1] and not flat.flagged


def test_size_class_is_used_when_the_national_figure_is_hidden():
    rng = np.random.default_rng(3)
    kommune = [_stat("ideer", rng.normal(3.8, 0.4, 100))]
    hidden = [Stat(code="ideer", name="Ideer", suppressed=True)]
    peer = [_stat("ideer", rng.normal(3.2, 0.4, 800))]
    result = strengths_and_improvements(kommune, hidden, peer)
    assert result["comparison_label"] == "samme størrelsesgruppe"
    assert [d.code for d in result["strengths"]] == ["ideer"]


def _cells(spec, group, dimension_code, value, only=None, n=10):
    """Item cells of one staff group: every statement the group gets in the dimension answered
    `n` times with `value` (or, for the statements in `only`, with that value)."""
    dimension = spec.dimension(dimension_code)
    rows = []
    for item in dimension.items_for(group):
        v = (only or {}).get(item.code, value)
        scored = 6 - v if item.reverse else v
        rows.append(
            {"staff_group_id": group, "item_id": item.id, **{f"n{k}": 0 for k in range(1, 6)}}
            | {f"n{scored}": n}
        )
    return rows


def _groups(*codes, hidden=()):
    return [
        Group(key=code, label=code, respondents=10, suppressed=code in hidden) for code in codes
    ]


def test_gap_uses_only_statements_both_sides_were_given(spec):
    """Leaders answer the leader-only statement LED5 with 5 and everything else as staff do:
    the dimension scores differ, the gap on common statements is 0."""
    assert "medarbeider" not in spec.items["LED5"].audience
    cells = _cells(spec, "mellomleder", "lederstotte", 3, only={"LED5": 5})
    cells += _cells(spec, "medarbeider", "lederstotte", 3)
    gaps = {
        g["code"]: g
        for g in common_item_gaps(cells, spec, 5, _groups("mellomleder", "medarbeider"))
    }
    gap = gaps["lederstotte"]
    assert gap["gap"] == 0 and gap["leaders"] == gap["staff"] == 3
    assert gap["items"] == len(spec.dimension("lederstotte").items) - 1


def test_gap_per_statement_means(spec):
    cells = _cells(spec, "toppleder", "trygghet", 4) + _cells(spec, "medarbeider", "trygghet", 2)
    gap = next(
        g
        for g in common_item_gaps(cells, spec, 5, _groups("toppleder", "medarbeider"))
        if g["code"] == "trygghet"
    )
    assert (gap["leaders"], gap["staff"], gap["gap"]) == (4, 2, 2)
    assert gap["highlight"]


def test_hidden_groups_and_thin_statements_give_no_gap(spec):
    """Attack: a hidden staff group (tillitsvalgte below the minimum) must not move the gap,
    and a side with fewer than the minimum answers on a common statement gives no figure."""
    cells = _cells(spec, "mellomleder", "samarbeid", 4) + _cells(
        spec, "medarbeider", "samarbeid", 3
    )
    with_hidden = cells + _cells(spec, "tillitsvalgt", "samarbeid", 1, n=3)
    groups = _groups("mellomleder", "medarbeider", "tillitsvalgt", hidden=("tillitsvalgt",))
    before = {g["code"]: g["gap"] for g in common_item_gaps(cells, spec, 5, groups)}
    after = {g["code"]: g["gap"] for g in common_item_gaps(with_hidden, spec, 5, groups)}
    assert before == after and before["samarbeid"] == 1
    thin = _cells(spec, "mellomleder", "samarbeid", 4, n=4) + _cells(
        spec, "medarbeider", "samarbeid", 3
    )
    result = common_item_gaps(thin, spec, 5, _groups("mellomleder", "medarbeider"))
    assert next(g for g in result if g["code"] == "samarbeid")["gap"] is None


def test_report_page_lists_differences_with_intervals(client, published_round, users):
    client.force_login(users["coordinator_a"])
    html = client.get(f"/runder/{published_round.slug}/kommuner/4640/").content.decode()
    assert "Sammenlignet med landet" in html
    assert "Felles påstander" in html
