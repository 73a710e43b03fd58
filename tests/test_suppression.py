"""Anonymity rules of domain.md §6, the rule itself: reports.anonymity.suppress on its own, with
examples and hypothesis properties. The whole chain (selectors, page, XLSX, CSV and PDF) on small
kommuner is in tests/test_suppression_*.py."""

from hypothesis import given
from hypothesis import strategies as st

from reports.anonymity import is_visible, suppress
from tests.suppression_helpers import MIN

# --- suppress(): examples ----------------------------------------------------------------------


def test_nothing_hidden_when_every_category_is_large_enough():
    assert suppress({"a": 5, "b": 12, "c": 40}, MIN) == set()


def test_small_category_is_hidden_with_the_next_smallest_as_complement():
    # Hiding only «a» (3) would let anyone compute it as total - b - c.
    assert suppress({"a": 3, "b": 10, "c": 6}, MIN) == {"a", "c"}


def test_complement_is_repeated_until_the_hidden_total_reaches_the_minimum():
    assert suppress({"a": 1, "b": 1, "c": 2, "d": 9}, 10) == {"a", "b", "c", "d"}
    assert suppress({"a": 1, "b": 2, "c": 2, "d": 20}, MIN) == {"a", "b", "c"}


def test_two_small_categories_that_together_reach_the_minimum_need_no_complement():
    assert suppress({"a": 2, "b": 3, "c": 10, "d": 7}, MIN) == {"a", "b"}


def test_empty_categories_are_hidden_but_need_no_complement():
    assert suppress({"a": 0, "b": 6, "c": 7}, MIN) == {"a"}


def test_never_shown_keys_are_hidden_and_count_towards_the_hidden_total():
    # «no unit given» (2) is never shown, so the smallest unit must go with it
    assert suppress({None: 2, "u1": 8, "u2": 20}, MIN, never_shown=frozenset({None})) == {
        None,
        "u1",
    }
    assert suppress({None: 6, "u1": 8}, MIN, never_shown=frozenset({None})) == {None}
    assert suppress({None: 0, "u1": 8}, MIN, never_shown=frozenset({None})) == {None}


def test_is_visible():
    assert is_visible(5, 5) and not is_visible(4, 5) and not is_visible(None, 5)


# --- suppress(): properties ----------------------------------------------------------------------

counts_strategy = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=2), st.integers(0, 30), max_size=8
)


@given(counts_strategy, st.integers(3, 10), st.data())
def test_suppress_properties(counts, min_size, data):
    never = (
        frozenset(data.draw(st.sets(st.sampled_from(sorted(counts))))) if counts else frozenset()
    )
    hidden = suppress(counts, min_size, never_shown=never)
    shown = set(counts) - hidden
    hidden_total = sum(counts[k] for k in hidden)
    assert hidden <= set(counts)
    assert never <= hidden
    assert all(counts[k] >= min_size for k in shown)
    # Either the hidden ones cannot be worked out (nobody, or at least the minimum) - or the
    # whole breakdown is too small to show anything at all.
    assert hidden_total == 0 or hidden_total >= min_size or not shown
    # Complements are taken smallest first: none is larger than a category still shown.
    complements = [counts[k] for k in hidden if k not in never and counts[k] >= min_size]
    if complements and shown:
        assert max(complements) <= min(counts[k] for k in shown)


@given(counts_strategy, st.integers(3, 10))
def test_suppress_shows_everything_when_everything_is_large_enough(counts, min_size):
    large = {k: n + min_size for k, n in counts.items()}
    assert suppress(large, min_size) == set()
