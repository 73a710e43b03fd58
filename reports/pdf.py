"""The kommune report as a PDF, drawn on the server with ReportLab (offline, no browser).

ReportLab's Paragraph reads its text as markup (<b>, <img src>, <a href>), so every piece of text
put into a Paragraph goes through `text` first: a name like `<img src="/etc/...">` is printed, never
followed. Table cells and chart labels are plain strings and are drawn as they are."""

import html
import io
import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from municipalities.models import localized

from .charts import OKABE_ITO


def radar_drawing(
    axes: list[str], series: list[tuple[str, list]], size: float = 150 * mm
) -> Drawing:
    """A radar chart with a fixed 1–5 scale; hidden values leave gaps."""
    drawing = Drawing(size, size + 18 * mm)
    cx, cy, radius = size / 2, size / 2 + 14 * mm, size * 0.33
    n = len(axes)

    def point(i, value):
        angle = math.pi / 2 - 2 * math.pi * i / n
        r = radius * (value - 1) / 4
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for level in (1, 2, 3, 4, 5):
        ring = [c for i in range(n) for c in point(i, level)]
        drawing.add(
            Polygon(ring, strokeColor=colors.HexColor("#cccccc"), fillColor=None, strokeWidth=0.5)
        )
        x, y = point(0, level)
        drawing.add(
            String(x + 2, y + 1, str(level), fontSize=6, fillColor=colors.HexColor("#555555"))
        )
    for i, label in enumerate(axes):
        x, y = point(i, 5)
        drawing.add(Line(cx, cy, x, y, strokeColor=colors.HexColor("#cccccc"), strokeWidth=0.5))
        lx, ly = point(i, 5.9)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        drawing.add(String(lx, ly - 3, label[:34], fontSize=7, textAnchor=anchor))
    for index, (name, values) in enumerate(series):
        colour = colors.HexColor(OKABE_ITO[index % len(OKABE_ITO)])
        segment = []
        for i in range(n + 1):
            value = values[i % n]
            if value is None:
                if len(segment) >= 4:
                    drawing.add(PolyLine(segment, strokeColor=colour, strokeWidth=1.6))
                segment = []
                continue
            segment.extend(point(i % n, value))
        if len(segment) >= 4:
            drawing.add(
                PolyLine(
                    segment,
                    strokeColor=colour,
                    strokeWidth=1.6,
                    strokeDashArray=None if index == 0 else [3, 2],
                )
            )
        drawing.add(
            Line(
                10 * mm + index * 55 * mm,
                6 * mm,
                16 * mm + index * 55 * mm,
                6 * mm,
                strokeColor=colour,
                strokeWidth=2,
            )
        )
        drawing.add(String(18 * mm + index * 55 * mm, 5 * mm, name[:32], fontSize=7))
    return drawing


def _fmt(value, digits=2):
    """Rounded half up from the decimal value, as the pages' floatformat does (3.485 -> 3,49),
    so the PDF shows the same figures as the page."""
    if value is None:
        return "–"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{rounded:.{digits}f}".replace(".", ",")


def text(value) -> str:
    """Plain text for a Paragraph: <, > and & are escaped, so names are printed as typed."""
    return html.escape(str(value), quote=False)


def _table(header, rows, widths=None):
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(report: dict, spec) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    name = report["municipality"]["name"]
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Innovasjonsradar – %s") % name,
        author="Innovasjonsradar",
    )
    story = [
        Paragraph(text(_("Innovasjonsradar – %s") % name), styles["Title"]),
        Paragraph(
            text(
                report["round"]["name"] + (f" · {report['unit']['name']}" if report["unit"] else "")
            ),
            styles["Heading3"],
        ),
        Paragraph(_("Laget %s") % timezone.localdate().strftime("%d.%m.%Y"), styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    if report["suppressed"]:
        story.append(
            Paragraph(
                _("For få svar til at resultater kan vises (minst %d trengs).")
                % report["min_size"],
                styles["Normal"],
            )
        )
        doc.build(story)
        return buffer.getvalue()
    overall = report["overall"]
    headline = [
        [
            _("Samlet modenhet"),
            _fmt(overall.mean),
            _("Indeks"),
            _fmt(overall.index, 1),
            _("Nivå"),
            str(overall.level or "–"),
        ],
        [
            _("Respondenter"),
            str(report["respondents"]),
            _("Svarprosent"),
            f"{_fmt(report['response_rate'], 1)} %" if report["response_rate"] is not None else "–",
            "",
            "",
        ],
    ]
    story += [_table(headline[0], headline[1:]), Spacer(1, 4 * mm)]
    axes = [d.label for d in spec.dimensions]
    story.append(
        radar_drawing(
            axes,
            [
                (name, [s.mean for s in report["dimensions"]]),
                (_("Landet"), [s.mean for s in report["national"]]),
                (_("Samme størrelsesgruppe"), [s.mean for s in report["peer"]]),
            ],
        )
    )
    story.append(Paragraph(_("Dimensjoner"), styles["Heading2"]))
    rows = [
        [
            s.name,
            _fmt(s.mean),
            str(s.n) if not s.suppressed else _("skjult"),
            f"{_fmt(s.ci95[0])}–{_fmt(s.ci95[1])}" if s.ci95 else "–",
            str(s.level or "–"),
            _fmt(nat.mean),
            _fmt(peer.mean),
        ]
        for s, nat, peer in zip(
            report["dimensions"], report["national"], report["peer"], strict=True
        )
    ]
    story.append(
        _table(
            [
                _("Dimensjon"),
                _("Snitt"),
                "n",
                _("KI 95 %"),
                _("Nivå"),
                _("Landet"),
                _("Størrelsesgr."),
            ],
            rows,
            widths=[58 * mm, 16 * mm, 14 * mm, 26 * mm, 12 * mm, 16 * mm, 22 * mm],
        )
    )
    story.append(Paragraph(_("Styrker og forbedringsområder"), styles["Heading2"]))
    for title, stats in (
        (_("Styrker"), report["strengths"]),
        (_("Forbedringsområder"), report["improvements"]),
    ):
        items = ", ".join(f"{s.name} ({_fmt(s.mean)})" for s in stats) or "–"
        story.append(Paragraph(f"<b>{text(title)}:</b> {text(items)}", styles["Normal"]))
    story.append(PageBreak())
    story.append(Paragraph(_("Ansattgrupper"), styles["Heading2"]))
    header = [_("Gruppe"), "n"] + [d.code for d in spec.dimensions]
    rows = [
        [
            g.label[:28],
            str(g.respondents) if not g.suppressed else _("skjult"),
            *[_fmt(s.mean) for s in g.dimensions],
        ]
        for g in report["staff_groups"]
    ]
    story.append(_table(header, rows))
    if report["gaps"]:
        story.append(
            Paragraph(
                _("Ledere sammenlignet med medarbeidere og tillitsvalgte"), styles["Heading3"]
            )
        )
        story.append(
            _table(
                [_("Dimensjon"), _("Ledere"), _("Medarb./tillitsv."), _("Forskjell")],
                [
                    [g["name"], _fmt(g["leaders"]), _fmt(g["staff"]), _fmt(g["gap"])]
                    for g in report["gaps"]
                ],
            )
        )
    story.append(Paragraph(_("Sektorer og enheter"), styles["Heading2"]))
    for groups in (report["sectors"], report["units"]):
        if groups:
            rows = [
                [
                    g.label[:28],
                    str(g.respondents) if not g.suppressed else _("skjult"),
                    *[_fmt(s.mean) for s in g.dimensions],
                ]
                for g in groups
            ]
            story += [_table(header, rows), Spacer(1, 3 * mm)]
    story.append(
        Paragraph(
            text(
                _("Dimensjonskoder: ") + "; ".join(f"{d.code} = {d.label}" for d in spec.dimensions)
            ),
            styles["Normal"],
        )
    )
    story.append(Paragraph(_("Hva hemmer og fremmer"), styles["Heading2"]))
    for kind, title in (("barriers", _("Hemmer")), ("promoters", _("Fremmer"))):
        entries = report["choices"].get(kind, [])[:6]
        chosen = ", ".join(f"{e['label']} ({_fmt(e['percent'], 0)} %)" for e in entries) or "–"
        story.append(Paragraph(f"<b>{text(title)}:</b> {text(chosen)}", styles["Normal"]))
    story.append(Paragraph(_("Anbefalte tiltak"), styles["Heading2"]))
    for dimension in spec.dimensions:
        actions = "; ".join(
            localized(a["text"]) + (f" ({a['ks_tool']})" if a.get("ks_tool") else "")
            for a in dimension.actions
        )
        story.append(
            Paragraph(f"<b>{text(dimension.label)}:</b> {text(actions)}", styles["Normal"])
        )
    story.append(Paragraph(_("Om tallene"), styles["Heading2"]))
    hidden = report["hidden_summary"]
    story.append(
        Paragraph(
            _(
                "Skala 1–5 (helt uenig – helt enig). Snittet for en dimensjon er snittet av respondentenes "
                "dimensjonsskårer; en respondent får skår når minst halvparten av påstandene er besvart. "
                "KI 95 %% er konfidensintervallet (t-fordeling). Grupper med færre enn %(n)d svar vises ikke, "
                "og flere grupper skjules når det trengs for at små grupper ikke skal kunne regnes ut. "
                "Skjult: %(sg)d ansattgrupper, %(se)d sektorer, %(u)d enheter."
            )
            % {
                "n": report["min_size"],
                "sg": hidden["staff_groups"],
                "se": hidden["sectors"],
                "u": hidden["units"],
            },
            styles["Normal"],
        )
    )
    doc.build(story)
    return buffer.getvalue()
