"""Page layout for the PDF report: A4 portrait and landscape page templates, styles, number
formatting that matches the web page, and tables whose cells wrap instead of running off the page.

ReportLab's Paragraph reads its text as markup (<b>, <img src>, <a href>), so every piece of text
put into a Paragraph goes through `text` first: a name like `<img src="/etc/...">` is printed,
never followed."""

import html
from decimal import Decimal

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from ..numbers import half_up

MARGIN = 16 * mm
PORTRAIT_WIDTH = A4[0] - 2 * MARGIN
LANDSCAPE_WIDTH = landscape(A4)[0] - 2 * MARGIN
HEADER_BLUE = colors.HexColor("#e8eef5")
GRID_GREY = colors.HexColor("#bbbbbb")


def text(value) -> str:
    """Plain text for a Paragraph: <, > and & are escaped, so names are printed as typed."""
    return html.escape(str(value), quote=False)


def fmt(value, digits=2) -> str:
    """Rounded half up from the decimal value, as the pages' floatformat does (3.485 -> 3,49),
    so the PDF shows exactly the figures of the page."""
    if value is None:
        return "–"
    return half_up(Decimal(str(value)), digits).replace(".", ",")


def percent(value) -> str:
    """A share as the page shows it: whole percent (`floatformat:0`)."""
    return "–" if value is None else f"{fmt(value, 0)} %"


def styles() -> dict:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontSize=9.5, leading=13)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=26, leading=32),
        "subtitle": ParagraphStyle("subtitle", parent=base["Heading2"], fontSize=15, leading=20),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=16, leading=20),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=12.5, leading=16),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cell_head": ParagraphStyle(
            "cell_head", parent=body, fontName="Helvetica-Bold", fontSize=7.5, leading=9.5
        ),
        "heat_head": ParagraphStyle(
            "heat_head", parent=body, fontName="Helvetica-Bold", fontSize=6.3, leading=7.8
        ),
        "num": ParagraphStyle("num", parent=body, fontSize=8, leading=10, alignment=TA_RIGHT),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=10, bulletIndent=0),
    }


def cell(value, style) -> Paragraph:
    return Paragraph(text(value), style)


def table(
    header: list, rows: list[list], widths: list[float], style: dict, shading=None, head=None
):
    """A table that fits `widths` (which must sum to no more than the frame): every cell is a
    Paragraph, so long names wrap inside their column instead of running into the next one."""
    assert sum(widths) <= LANDSCAPE_WIDTH + 0.1
    head = [cell(h, style[head or "cell_head"]) for h in header]
    body = [
        [
            value
            if isinstance(value, Paragraph)
            else cell(value, style["num"] if i else style["cell"])
            for i, value in enumerate(row)
        ]
        for row in rows
    ]
    result = Table([head, *body], colWidths=widths, repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BLUE),
        ("GRID", (0, 0), (-1, -1), 0.25, GRID_GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    result.setStyle(TableStyle(commands + (shading or [])))
    return result


class ReportDocument(BaseDocTemplate):
    """A4 pages, portrait by default; `NextPageTemplate("landscape")` turns the next page."""

    def __init__(self, buffer, *, title: str, footer: str):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm,
            title=title,
            author="Innovasjonsradar",
        )
        self.footer = footer
        portrait_frame = Frame(MARGIN, MARGIN + 4 * mm, PORTRAIT_WIDTH, A4[1] - 2 * MARGIN - 4 * mm)
        wide = landscape(A4)
        landscape_frame = Frame(
            MARGIN, MARGIN + 4 * mm, LANDSCAPE_WIDTH, wide[1] - 2 * MARGIN - 4 * mm
        )
        self.addPageTemplates(
            [
                PageTemplate("portrait", [portrait_frame], onPage=self._footer, pagesize=A4),
                PageTemplate("landscape", [landscape_frame], onPage=self._footer, pagesize=wide),
            ]
        )

    def _footer(self, canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        width = canvas._pagesize[0]
        canvas.drawString(MARGIN, MARGIN - 2 * mm, self.footer)
        canvas.drawRightString(width - MARGIN, MARGIN - 2 * mm, _("Side %d") % doc.page)
        canvas.restoreState()
