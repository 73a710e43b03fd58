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


def suppress_nested(
    counts: Mapping[Hashable, int],
    min_size: int,
    populations: list,
    *,
    never_shown: frozenset = frozenset(),
) -> set:
    """Complementary suppression inside several overlapping populations at once (the nation and
    each size class; a kommune, each sector and each unit subtree): every population's hidden
    members together hold nobody or at least the minimum. Hiding a member for one population
    can break another, so this repeats until nothing changes. Each population is a collection of
    keys of `counts`; keys outside every population are decided by the minimum alone."""
    hidden = {key for key, n in counts.items() if key in never_shown or n < min_size}
    changed = True
    while changed:
        changed = False
        for population in populations:
            inside = {key: counts[key] for key in population if key in counts}
            found = suppress(inside, min_size, never_shown=frozenset(hidden & inside.keys()))
            if not found <= hidden:
                hidden |= found
                changed = True
    return hidden


def hidden_cells(keys, score_n: dict, codes, min_size, hidden_groups, populations=None) -> set:
    """Complementary suppression per score: a cell (group, dimension) whose n is below the
    minimum is hidden, and the hidden cells of a dimension - with those of hidden groups - must
    hold nobody or at least the minimum, else the next-smallest cell is hidden too. Otherwise a
    hidden mean could be computed from the total's mean minus the shown ones. `score_n` maps
    (key, code) to the number of respondents with that score; with `populations`, the rule holds
    inside each of them (suppress_nested)."""
    cells = set()
    for code in codes:
        counts = {key: score_n.get((key, code), 0) for key in keys}
        if populations is None:
            hidden = suppress(counts, min_size, never_shown=frozenset(hidden_groups))
        else:
            hidden = suppress_nested(
                counts, min_size, populations, never_shown=frozenset(hidden_groups)
            )
        cells |= {(key, code) for key in hidden}
    return cells


def is_visible(n: int | None, min_size: int) -> bool:
    return n is not None and n >= min_size
