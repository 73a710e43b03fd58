"""The results meeting kit (resultatmøte): one printable page per dimension and unit for a staff
meeting, built from the already-suppressed report, so it shows nothing the report hides."""

from django.utils.translation import gettext as _

from municipalities.models import localized

from .content import meeting_kit
from .selectors import Report


def _share_agree(item: dict) -> int | None:
    """Whole percent who agreed (4 or 5) of those who answered 1–5, as the page rounds it."""
    if item["suppressed"] or not item["answered"]:
        return None
    return round(100 * (item["counts"][3] + item["counts"][4]) / item["answered"])


def meeting_kit_context(report: Report, spec, dimension, unit_id: int | None) -> dict:
    """`unit_id` chooses one of the report's units (a coordinator preparing a unit's meeting);
    the unit's figures are the report's, hidden where the report hides them."""
    stat_of = {s.code: s for s in report.dimensions}
    code = dimension.code
    units = report.units
    chosen = next((u for u in units if u.key == unit_id), None) if unit_id else None
    figures = []
    if not report.suppressed:
        if chosen is not None:
            unit_stat = next(s for s in chosen.dimensions if s.code == code)
            figures.append((chosen.label, unit_stat, chosen.suppressed))
        subject = report.unit.name if report.unit else report.municipality.name
        figures.append((subject, stat_of[code], False))
        figures.append((_("Landet"), next(s for s in report.national if s.code == code), False))
    tools = meeting_kit.ks_tools()
    used: list = []
    for action in dimension.actions:
        tool = action.get("ks_tool")
        if tool and tool in tools and tool not in [t["key"] for t in used]:
            used.append(
                {
                    "key": tool,
                    "name": localized(tools[tool]["name"]),
                    "explanation": localized(tools[tool]["explanation"]),
                }
            )
    blt = meeting_kit.blt()
    return {
        "report": report,
        "dimension": dimension,
        "units": units,
        "chosen": chosen,
        "figures": figures,
        "items": [{**item, "agree": _share_agree(item)} for item in report.items.get(code, [])],
        "questions": [
            {"text": localized(q["text"]), "source": q["source"]}
            for q in meeting_kit.questions(code)
        ],
        "blt_title": localized(blt["title"]),
        "blt_steps": [localized(step) for step in blt["steps"]],
        "blt_source": blt["source"],
        "tools": used,
        "actions": [localized(a["text"]) for a in dimension.actions],
    }
