"""The printable sheet of invitation letters (two per A4 page), each with a QR code."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .tokens import format_code


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def letters_pdf(*, participation, codes: list[str], base_url: str, code_url: str) -> bytes:
    """The letters in the kommune's målform (nynorsk for a nynorsk kommune), like the e-mails."""
    with translation.override(participation.municipality.default_language):
        return _letters_pdf(participation, codes, base_url, code_url)


def _letters_pdf(participation, codes: list[str], base_url: str, code_url: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Invitasjoner – %s") % participation.municipality.name)
    width, height = A4
    round_ = participation.round
    for index, code in enumerate(codes):
        top = height - (index % 2) * height / 2
        y = top - 25 * mm
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(20 * mm, y, participation.municipality.name)
        pdf.setFont("Helvetica", 12)
        pdf.drawString(20 * mm, y - 8 * mm, round_.name)
        lines = [
            _("Du er invitert til å svare på en kort, anonym undersøkelse om hvordan"),
            _("kommunen legger til rette for nye og bedre måter å jobbe på."),
            _("Det tar om lag 10 minutter. Skann QR-koden med mobilen,"),
            _("eller gå til adressen under og skriv inn koden."),
            _("Koden kan brukes én gang. Svaret ditt kan ikke kobles til koden."),
        ]
        text = pdf.beginText(20 * mm, y - 20 * mm)
        text.setFont("Helvetica", 11)
        for line in lines:
            text.textLine(line)
        pdf.drawText(text)
        pdf.setFont("Helvetica", 10)
        pdf.drawString(20 * mm, y - 58 * mm, _("Adresse: %s") % code_url)
        pdf.setFont("Courier-Bold", 15)
        pdf.drawString(20 * mm, y - 68 * mm, _("Kode: %s") % format_code(code))
        pdf.setFont("Helvetica", 9)
        pdf.drawString(
            20 * mm, y - 78 * mm, _("Svarfrist: %s") % round_.closes_on.strftime("%d.%m.%Y")
        )
        renderPDF.draw(_qr(f"{base_url}{code}/", 55 * mm), pdf, width - 75 * mm, y - 75 * mm)
        if index % 2 == 0:
            pdf.setDash(3, 3)
            pdf.line(10 * mm, height / 2, width - 10 * mm, height / 2)
            pdf.setDash()
        if index % 2 == 1 or index == len(codes) - 1:
            pdf.showPage()
    pdf.save()
    return buffer.getvalue()
