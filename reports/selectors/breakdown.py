"""The breakdowns of a report population by staff group, sector and unit, with complementary
suppression (reports.anonymity) inside every population a figure is shown for, and the reason of
each hidden figure unless that reason would give something away."""

from assessment.models import ScoreKind

from ..anonymity import (
    TOO_FEW,
    WITHHELD,
    hidden_cells,
    reason,
    suppress,
    suppress_nested,
    withheld,
    withheld_cells,
)
from .stats import Group, Overall, count_cells, make_stat, scales, sum_cells


def groups_of(
    labels: dict,
    counts: dict,
    hidden: set,
    cells: set,
    rows: dict,
    dims,
    min_size,
    withheld_keys=frozenset(),
    withheld_cells=frozenset(),
):
    """The groups of a breakdown with respondents, in the order of `labels`: hidden groups keep
    their entry with null numbers, and hidden cells (group, dimension) hide one mean. Each hidden
    figure says why, unless its reason is withheld (reports.anonymity.withheld)."""
    groups = []
    for key, label in labels.items():
        n = counts.get(key, 0)
        if n == 0:
            continue
        is_hidden = key in hidden
        why = None
        if is_hidden:
            why = WITHHELD if key in withheld_keys else reason(n, min_size)
        stats = [
            make_stat(
                code,
                name,
                rows.get((key, code)),
                min_size,
                (key, code) in cells,
                why or (WITHHELD if (key, code) in withheld_cells else None),
            )
            for code, name in dims
        ]
        groups.append(
            Group(
                key=key,
                label=label,
                respondents=None if is_hidden else n,
                suppressed=is_hidden,
                below_min=why == TOO_FEW,
                reason=why,
                dimensions=stats,
                overall=Overall() if is_hidden else Overall.of(stats),
            )
        )
    return groups


def breakdown(respondents, score_cells, spec, min_size, field_name, labels) -> list[Group]:
    """Groups of a breakdown with complementary suppression over their respondent counts (and,
    per dimension, over the respondents with a score)."""
    counts = count_cells(respondents, lambda c: c[field_name])
    dimension_cells = [c for c in score_cells if c["kind"] == ScoreKind.DIMENSION]
    rows = sum_cells(dimension_cells, lambda c: (c[field_name], c["code"]))
    return suppressed_groups(labels, counts, rows, spec, min_size)


def suppressed_groups(
    labels, counts: dict, rows: dict, spec, min_size, never_shown=frozenset()
) -> list[Group]:
    """One breakdown's groups from their respondent counts and score rows: complementary
    suppression over the groups and, per dimension, over the respondents with a score, and the
    reasons told only where they give nothing away. `never_shown` groups are always hidden."""
    hidden = suppress(counts, min_size, never_shown=never_shown)
    dims = scales(spec)
    codes = [code for code, _name in dims]
    score_n = {key: row["n"] for key, row in rows.items()}
    cells = hidden_cells(counts, score_n, codes, min_size, hidden)
    everyone = [list(counts)]
    return groups_of(
        labels,
        counts,
        hidden,
        cells,
        rows,
        dims,
        min_size,
        withheld(counts, hidden, min_size, everyone),
        withheld_cells(counts, score_n, codes, min_size, hidden, cells, everyone),
    )


def suppress_units(counts: dict, min_size, unit_paths: dict, always=frozenset()) -> set:
    """(sector, unit) keys to hide, with the complementary rule inside every population a
    figure is shown for: each sector (sector → units, «no unit given» never shown), each unit
    subtree (a unit leader sees the subtree's total, so subtree → its units), and the whole
    kommune. `unit_paths` maps unit id to its path; `always` keys count as hidden.
    The coordinator's dashboard (participation) and the report use this same function."""
    keys = list(counts)
    never = frozenset((s, None) for s, _u in keys) | frozenset(always)
    return suppress_nested(counts, min_size, unit_populations(keys, unit_paths), never_shown=never)


def unit_populations(keys: list, unit_paths: dict) -> list[list]:
    """The populations a unit figure is shown in: each sector, each unit subtree with more than
    one unit, and the whole kommune."""
    populations = [[k for k in keys if k[0] == sector] for sector in {s for s, _u in keys}]
    for root, path in unit_paths.items():
        subtree = [
            k for k in keys if k[1] is not None and unit_paths.get(k[1], "").startswith(path)
        ]
        if any(k[1] != root for k in subtree):
            populations.append(subtree)
    populations.append(keys)
    return populations


def unit_withheld(counts: dict, hidden: set, min_size, unit_paths: dict) -> set:
    """(sector, unit) keys whose reason is withheld; «no unit given» has none of its own."""
    keys = list(counts)
    return withheld(
        counts,
        hidden,
        min_size,
        unit_populations(keys, unit_paths),
        unlabelled=frozenset((s, None) for s, _u in keys),
    )


def unit_breakdown(respondents, score_cells, spec, min_size, units: dict, sectors=()):
    """Units with suppression inside each sector, each unit subtree and the whole kommune
    (suppress_units); the same again per dimension on the respondents with a score. `units`
    maps unit id to its PublishedUnit."""
    counts = count_cells(respondents, lambda c: (c["sector_id"], c["unit_id"]))
    # A sector hidden (or a sector's dimension mean hidden) keeps all its units hidden too, or
    # a unit that makes up most of the sector would show what the sector table hides.
    hidden_sectors = {g.key for g in sectors if g.suppressed}
    hidden_sector_cells = {
        (g.key, stat.code) for g in sectors for stat in g.dimensions if stat.suppressed
    }
    unit_paths = {unit_id: u.path for unit_id, u in units.items()}
    hidden = suppress_units(
        counts, min_size, unit_paths, frozenset(key for key in counts if key[0] in hidden_sectors)
    )
    dims = scales(spec)
    dimension_cells = [c for c in score_cells if c["kind"] == ScoreKind.DIMENSION]
    score_n = count_cells(dimension_cells, lambda c: ((c["sector_id"], c["unit_id"]), c["code"]))
    rows = sum_cells(
        (c for c in dimension_cells if c["unit_id"] is not None),
        lambda c: (c["unit_id"], c["code"]),
    )
    hidden_cells_ = set()
    withheld_cells = set()
    populations = unit_populations(list(counts), unit_paths)
    no_unit = frozenset((s, None) for s, _u in counts)
    for code, _name in dims:
        cell_counts = {key: score_n.get((key, code), 0) for key in counts}
        forced = frozenset(hidden) | {
            key for key in counts if (key[0], code) in hidden_sector_cells
        }
        found = suppress_units(cell_counts, min_size, unit_paths, forced)
        hidden_cells_ |= {(unit, code) for _sector, unit in found}
        quiet = withheld(
            cell_counts,
            found,
            min_size,
            populations,
            unlabelled=no_unit | frozenset(hidden),
            lowest=0,
        )
        withheld_cells |= {(unit, code) for _sector, unit in quiet}
    unit_counts = count_cells(
        (c for c in respondents if c["unit_id"] is not None), lambda c: c["unit_id"]
    )
    hidden_units = {unit for (_sector, unit) in hidden if unit is not None}
    withheld_units = {unit for _s, unit in unit_withheld(counts, hidden, min_size, unit_paths)}
    labels = {unit_id: unit.name for unit_id, unit in units.items()}
    return groups_of(
        labels,
        unit_counts,
        hidden_units,
        hidden_cells_,
        rows,
        dims,
        min_size,
        withheld_units,
        withheld_cells,
    )
