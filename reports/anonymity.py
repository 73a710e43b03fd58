"""Anonymity rules of domain.md §6, in one place so no output can bypass them.

`suppress` decides which categories of a breakdown are hidden: every category below the minimum
group size, and then - complementary suppression - the next-smallest shown categories until the
hidden ones together hold nobody or at least the minimum, so no hidden group can be found by
subtracting what is shown from the total.
"""

from collections.abc import Hashable, Mapping


def suppress(
    counts: Mapping[Hashable, int],
    min_size: int,
    *,
    never_shown: frozenset = frozenset(),
) -> set:
    """Return the keys to hide. `never_shown` keys (e.g. «no unit given») are part of the total
    but are never displayed, so they count as hidden from the start."""
    hidden = {key for key, n in counts.items() if key in never_shown or n < min_size}
    while True:
        hidden_total = sum(counts[key] for key in hidden)
        if hidden_total == 0 or hidden_total >= min_size:
            return hidden
        candidates = sorted(
            (n, str(key), key) for key, n in counts.items() if key not in hidden and n > 0
        )
        if not candidates:
            return hidden
        hidden.add(candidates[0][2])


def hidden_cells(keys, score_n: dict, codes, min_size, hidden_groups) -> set:
    """Complementary suppression per score: a cell (group, dimension) whose n is below the
    minimum is hidden, and the hidden cells of a dimension - with those of hidden groups - must
    hold nobody or at least the minimum, else the next-smallest cell is hidden too. Otherwise a
    hidden mean could be computed from the total's mean minus the shown ones. `score_n` maps
    (key, code) to the number of respondents with that score."""
    cells = set()
    for code in codes:
        counts = {key: score_n.get((key, code), 0) for key in keys}
        hidden = suppress(counts, min_size, never_shown=frozenset(hidden_groups))
        cells |= {(key, code) for key in hidden}
    return cells


def is_visible(n: int | None, min_size: int) -> bool:
    return n is not None and n >= min_size
