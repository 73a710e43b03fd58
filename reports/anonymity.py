"""Anonymity rules of domain.md §6, in one place so no output can bypass them.

`suppress` decides which categories of a breakdown are hidden: every category below the minimum
group size, and then - complementary suppression - the next-smallest shown categories until the
hidden ones together hold nobody or at least the minimum, so no hidden group can be found by
subtracting what is shown from the total.

`suppress_nested` does the same inside several overlapping populations at once and chooses the
complements so that as few people as possible are hidden, never more than choosing the
smallest member of each population in turn did (`suppress_nested_greedy`, kept as the
reference).

Every hidden figure says why (`reason`): «too_few» - fewer than the minimum behind it (primary
suppression) - or «protects_smaller» - enough behind it, hidden so that a smaller hidden group
cannot be worked out from the total (complementary suppression, or a residual across reports).
"""

from collections.abc import Hashable, Mapping

from django.utils.translation import gettext_lazy

TOO_FEW = "too_few"
PROTECTS_SMALLER = "protects_smaller"
WITHHELD = "withheld"
REASONS = {
    TOO_FEW: gettext_lazy("for få svar"),
    PROTECTS_SMALLER: gettext_lazy("skjult for å verne en mindre gruppe"),
    WITHHELD: gettext_lazy("skjult"),
}


def reason(n: int | None, min_size: int) -> str:
    """Why a hidden figure with `n` people behind it is hidden."""
    return TOO_FEW if n is None or n < min_size else PROTECTS_SMALLER


def withheld(
    counts: Mapping[Hashable, int],
    hidden: set,
    min_size: int,
    populations: list,
    *,
    unlabelled: frozenset = frozenset(),
    lowest: int = 1,
) -> set:
    """Hidden keys whose reason must not be told. A reason tells a bound: «too few» means
    `lowest` to minimum - 1, «protects» at least the minimum. A reader also knows each
    population's hidden total (its total minus what is shown). Where those bounds leave only one
    possible count for a hidden member - 1 + 5 = 6 (both at their least), 4 + 4 = 8 (both «too
    few» at their most) - the reasons would give it away, so the reasons of every hidden member
    of that population are withheld (WITHHELD: just «skjult»). `unlabelled` keys are hidden
    without a reason of their own (never shown, or inside a hidden group): they can hold
    anything from 0 up, so they loosen the bounds. `lowest` is 1 for listed groups (a group with
    nobody is not listed) and 0 for scores (a shown group can have nobody with a score on a
    dimension). A count the reader knows without any reason (one hidden member beside shown
    ones) keeps its reason: withholding it would hide nothing. Checked per population; see
    README for what it does not cover."""
    out: set = set()
    for population in populations:
        members = [key for key in population if key in hidden and key in counts]
        hidden_total = sum(counts[key] for key in members)
        if hidden_total == 0:
            continue
        labelled = [
            key for key in members if key not in unlabelled and (lowest == 0 or counts[key] > 0)
        ]
        # any unlabelled member with people in it can take whatever is left over
        open_ended = any(counts[key] > 0 for key in members if key not in labelled)
        bounds = {
            key: (min_size, None) if counts[key] >= min_size else (lowest, min_size - 1)
            for key in labelled
        }
        told = _pinned(hidden_total, bounds, open_ended)
        # without reasons every member is just «lowest or more»: if that already pins a count
        # (one hidden member, the rest shown), the reason gives nothing away
        untold = _pinned(hidden_total, {key: (lowest, None) for key in labelled}, open_ended)
        if told and not untold:
            out |= set(labelled)
    return out


def _pinned(hidden_total: int, bounds: dict, open_ended: bool) -> bool:
    """Whether the bounds (low, high or None) and the hidden total leave one possible count
    for some member; `open_ended`: an unlabelled member can take whatever is left."""
    least = sum(low for low, _high in bounds.values())
    unbounded = sum(1 for _low, high in bounds.values() if high is None)
    bounded_most = sum(high for _low, high in bounds.values() if high is not None)
    for low, high in bounds.values():
        # the member's count, given the others at their most and at their least
        others_unbounded = open_ended or unbounded - (high is None) > 0
        floor = low
        if not others_unbounded:
            floor = max(low, hidden_total - (bounded_most - (high or 0)))
        ceiling = hidden_total - (least - low)
        if high is not None:
            ceiling = min(ceiling, high)
        if floor >= ceiling:
            return True
    return False


def reason_label(code: str | None) -> str:
    """The Norwegian words every output uses for a reason code ("" for a shown figure)."""
    return str(REASONS[code]) if code else ""


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


def suppress_nested_greedy(
    counts: Mapping[Hashable, int],
    min_size: int,
    populations: list,
    *,
    never_shown: frozenset = frozenset(),
) -> set:
    """The earlier choice, kept as the reference `suppress_nested` is never worse than: each
    population in turn hides its smallest shown member until every population is safe."""
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


# Exact search over the populations that need a complement up to this many of them; above it,
# the greedy choice (rare: it needs that many deficient sectors, subtrees and size classes).
EXACT_LIMIT = 10


def suppress_nested(
    counts: Mapping[Hashable, int],
    min_size: int,
    populations: list,
    *,
    never_shown: frozenset = frozenset(),
) -> set:
    """Complementary suppression inside several overlapping populations at once (the nation and
    each size class; a kommune, each sector and each unit subtree): every population's hidden
    members together hold nobody or at least the minimum. Each population is a collection of
    keys of `counts`; keys outside every population are decided by the minimum alone.

    Every member still shown holds at least the minimum, so hiding any one of them makes each
    population it belongs to safe, and hiding never makes a population unsafe. The complements
    are therefore a hitting set of the populations left between 1 and minimum - 1: this picks
    the one that hides the fewest people, among those with no more members than the greedy
    choice, preferring a member that several unsafe populations share (e.g. a unit that makes
    both its sector and its subtree safe). The result never hides more members, nor more
    people, than `suppress_nested_greedy`."""
    primary = {key for key, n in counts.items() if key in never_shown or n < min_size}
    greedy = suppress_nested_greedy(counts, min_size, populations, never_shown=never_shown)
    deficient = []
    for population in populations:
        members = {key for key in population if key in counts}
        hidden_total = sum(counts[key] for key in members & primary)
        shown = members - primary
        if 0 < hidden_total < min_size and shown:  # with nothing shown, nothing can be found
            deficient.append(shown)
    if not deficient or len(deficient) > EXACT_LIMIT:
        return greedy
    best = _cheapest_hitting_set(counts, deficient, len(greedy - primary))
    if best is None:
        return greedy
    chosen = primary | best
    if sum(counts[k] for k in chosen) > sum(counts[k] for k in greedy):
        return greedy  # cannot happen (the greedy set is one of the candidates); belt and braces
    return chosen


def _cheapest_hitting_set(counts, deficient: list[set], max_members: int) -> set | None:
    """The members (at most `max_members`) that leave no deficient population without a hidden
    shown member, with the fewest people; ties: fewer members, then the smallest keys. A member
    is described by which deficient populations it is in; of those with the same description
    only the smallest can be in the best choice. Dynamic programming over the subsets of the
    deficient populations (at most EXACT_LIMIT of them)."""
    signatures: dict[int, tuple] = {}
    for index, members in enumerate(deficient):
        for key in members:
            signatures.setdefault(key, 0)
            signatures[key] |= 1 << index
    cheapest: dict[int, tuple] = {}
    for key, mask in signatures.items():
        candidate = (counts[key], str(key), key)
        if mask not in cheapest or candidate[:2] < cheapest[mask][:2]:
            cheapest[mask] = candidate
    full = (1 << len(deficient)) - 1
    # state: covered mask -> (people, members, sorted key names, keys)
    best: dict[int, tuple] = {0: (0, 0, (), ())}
    for _round in range(max_members):
        grown = dict(best)
        for covered, (people, size, names, keys) in best.items():
            for mask, (n, name, key) in cheapest.items():
                if mask & ~covered == 0:
                    continue
                state = covered | mask
                option = (people + n, size + 1, tuple(sorted((*names, name))), (*keys, key))
                if state not in grown or option[:3] < grown[state][:3]:
                    grown[state] = option
        if grown == best:
            break
        best = grown
    if full not in best:
        return None
    return set(best[full][3])


def withheld_cells(counts, score_n, codes, min_size, hidden_groups, cells, populations):
    """(key, code) cells whose reason is withheld (`withheld`), per dimension;
    the cells of a hidden group carry the group's reason, not their own."""
    out = set()
    for code in codes:
        cell_counts = {key: score_n.get((key, code), 0) for key in counts}
        cell_hidden = {key for key in counts if (key, code) in cells or key in hidden_groups}
        found = withheld(
            cell_counts,
            cell_hidden,
            min_size,
            populations,
            unlabelled=frozenset(hidden_groups),
            lowest=0,
        )
        out |= {(key, code) for key in found}
    return out


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
