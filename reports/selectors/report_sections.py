"""The statement distributions and the barrier and promoter frequencies of the report."""

from municipalities.models import localized

from ..anonymity import PROTECTS_SMALLER, TOO_FEW
from .stats import Group


def item_counts(item_cells) -> dict:
    """{item id: {1: n, …, 5: n, None: «vet ikke», "na": «ikke relevant»}} over the cells."""
    counts: dict[int, dict] = {}
    columns = {None: "dont_know", "na": "not_relevant"} | {v: f"n{v}" for v in range(1, 6)}
    for cell in item_cells:
        by_value = counts.setdefault(cell["item_id"], {})
        for value, column in columns.items():
            by_value[value] = by_value.get(value, 0) + cell.get(column, 0)
    return counts


def item_distributions(counts: dict, spec, min_size, guard: dict | None = None) -> dict:
    """Per statement: how many chose 1-5 and «vet ikke». Hidden below the minimum, and (in a
    unit's view, `guard` = the kommune's counts) where the kommune minus the unit would leave
    1 to minimum - 1 answers."""
    result = {}
    for dimension in spec.dimensions:
        items = []
        for item in dimension.items:
            c = counts.get(item.id, {})
            answered = sum(c.get(v, 0) for v in range(1, 6))
            visible = answered >= min_size
            why = None if visible else TOO_FEW
            if visible and guard is not None:
                whole = sum(guard.get(item.id, {}).get(v, 0) for v in range(1, 6))
                visible = not (0 < whole - answered < min_size)
                why = None if visible else PROTECTS_SMALLER
            seen = answered + c.get(None, 0) + c.get("na", 0)
            items.append(
                {
                    "code": item.code,
                    "text": localized(item.text),
                    "reverse": item.reverse,
                    "suppressed": not visible,
                    "reason": why,
                    "counts": [c.get(v, 0) for v in (1, 2, 3, 4, 5)] if visible else None,
                    "dont_know": c.get(None, 0) if visible else None,
                    "not_relevant": c.get("na", 0) if visible else None,
                    "dont_know_rate": round(100 * c.get(None, 0) / seen, 1) if visible else None,
                    "not_relevant_rate": round(100 * c.get("na", 0) / seen, 1) if visible else None,
                    "answered": answered if visible else None,
                }
            )
        result[dimension.code] = items
    return result


def choice_frequencies(choice_cells, spec, staff_groups: list[Group], respondents) -> dict:
    """How often each barrier and promoter was chosen, overall and per shown staff group."""
    per_option: dict[int, dict] = {}
    for cell in choice_cells:
        by_group = per_option.setdefault(cell["option_id"], {})
        by_group[cell["staff_group_id"]] = by_group.get(cell["staff_group_id"], 0) + cell["n"]
    shown_groups = [g for g in staff_groups if not g.suppressed]
    result = {}
    for kind, options in (("barriers", spec.barriers), ("promoters", spec.promoters)):
        entries = []
        for option in options:
            by_group = per_option.get(option.id, {})
            total = sum(by_group.values())
            entries.append(
                {
                    "code": option.code,
                    "label": option.label,
                    "count": total,
                    "percent": round(100 * total / respondents, 1) if respondents else None,
                    "by_staff_group": [
                        {
                            "staff_group": g.key,
                            "label": g.label,
                            "count": by_group.get(g.key, 0),
                            "percent": round(100 * by_group.get(g.key, 0) / g.respondents, 1),
                        }
                        for g in shown_groups
                    ],
                }
            )
        entries.sort(key=lambda e: -e["count"])
        result[kind] = entries
    return result
