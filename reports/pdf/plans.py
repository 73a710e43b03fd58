"""The action plan in the PDF: the follow-up of the previous round's plan (change with its
interval and the status of the actions) and this round's plan with its co-signatures."""

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph

from .layout import fmt, table, text


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


def followup(data: dict | None, style) -> list:
    if not data:
        return []
    flow = [
        CondPageBreak(50 * mm),
        Paragraph(text(_("Oppfølging av forrige tiltaksplan")), style["h1"]),
        Paragraph(
            text(
                _("Innsatsområdene dere valgte etter %(round)s, endringen siden da og tiltakene:")
                % {"round": data["round"].name}
            ),
            style["body"],
        ),
    ]
    for entry in data["entries"]:
        line = followup_line(entry)
        flow.append(Paragraph(text(line), style["bullet"], bulletText="•"))
    return flow


def followup_line(entry: dict) -> str:
    """One focus dimension of the previous plan as the PDF and the DOCX write it (plain text;
    the page writes the same sentence in templates/reports/plans/_followup.html)."""
    summary = entry["summary"]
    if entry["change"]:
        change = entry["change"]
        return _(
            "Dere valgte %(name)s: %(sign)s%(diff)s (KI %(low)s–%(high)s), "
            "%(done)d av %(n)d tiltak ferdig"
        ) % {
            "name": entry["name"],
            "sign": change.sign,
            "diff": fmt(change.diff),
            "low": fmt(change.low),
            "high": fmt(change.high),
            "done": summary["done"],
            "n": summary["total"],
        }
    return _("Dere valgte %(name)s: %(done)d av %(n)d tiltak ferdig") % {
        "name": entry["name"],
        "done": summary["done"],
        "n": summary["total"],
    } + (f". {entry['reason']}" if entry["reason"] else "")


def plan(data: dict | None, style) -> list:
    if not data:
        return []
    current = data["plan"]
    flow = [CondPageBreak(60 * mm), Paragraph(text(_("Tiltaksplan")), style["h1"])]
    if current.discussed_forum:
        flow.append(
            Paragraph(
                text(
                    _("Drøftet med de tillitsvalgte i %(forum)s %(date)s.")
                    % {"forum": current.discussed_forum, "date": _date(current.discussed_on)}
                ),
                style["body"],
            )
        )
    for focus in data["focus"]:
        flow.append(Paragraph(text(focus["name"]), style["h2"]))
        rows = [
            [a.what, a.why, a.owner, _date(a.due_on), a.get_status_display()]
            for a in focus["actions"]
        ]
        if rows:
            flow.append(
                table(
                    [_("Tiltak"), _("Hvorfor"), _("Ansvarlig"), _("Frist"), _("Status")],
                    rows,
                    [52 * mm, 52 * mm, 28 * mm, 20 * mm, 24 * mm],
                    style,
                )
            )
    signed = ", ".join(
        f"{s['name']} ({_date(s['signed_at'])})" for s in data["signatures"] if not s["stale"]
    )
    if signed:
        flow.append(Paragraph(text(_("Medsignert av: %s") % signed), style["body"]))
    return flow
