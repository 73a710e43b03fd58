"""The documents a coordinator takes out of the app: the PDF for the kommunestyre (every page
rendered to PNG to look at), the saksframlegg draft, and the printable meeting kit."""

import io

import pypdfium2 as pdfium
import pytest
from docx import Document

from tests.conftest import publish

from .helpers import SCREENSHOTS, assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.e2e

REPORT = "/runder/runde-2026/kommuner/4640/"


def test_coordinator_downloads_the_pdf_and_the_draft_and_prints_a_meeting_kit(
    web, filled_round, users
):
    publish(filled_round)
    page = web.page(user=users["coordinator_a"], width=1366, height=900)
    page.set_default_timeout(60_000)  # the PDF is drawn on the request
    page.goto(REPORT)

    with page.expect_download() as download:
        page.click("a:has-text('PDF')")
    document = pdfium.PdfDocument(download.value.path())
    try:
        assert len(document) >= 6
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, pdf_page in enumerate(document, start=1):
            image = pdf_page.render(scale=1.2).to_pil()
            # every page has ink: no empty page in the middle of the report
            assert image.convert("L").getextrema()[0] < 128, number
            if number <= 4:
                image.save(SCREENSHOTS / f"report-pdf-page-{number}.png", optimize=True)
        first = document[0].get_textpage().get_text_bounded()
        assert "Sogndal" in first and "Runde 2026" in first
    finally:
        document.close()

    with page.expect_download() as download:
        page.click("a:has-text('Saksframlegg')")
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as docx:
        draft = Document(io.BytesIO(docx.read()))
    assert any("Sogndal" in p.text for p in draft.paragraphs)

    page.goto(REPORT + "dimensjon/lederstotte/")
    page.click("#meeting-kit-link")
    assert "motepakke/lederstotte/" in page.url
    assert page.locator("#kit-questions li").count() >= 3
    assert page.locator("#kit-blt li").count() == 3
    assert_accessible(page, "meeting kit")
    unit = page.locator("#id_enhet option").nth(1)
    if unit.count():
        page.select_option("#id_enhet", index=1)
        with page.expect_navigation():
            page.click("#unit-form button")
        assert "enhet=" in page.url
    screenshot(page, "meeting-kit.png", full_page=True)
    # printed on A4, the navigation stays off the paper and the kit fits on two pages
    page.emulate_media(media="print")
    assert page.locator("nav.breadcrumb, .d-print-none").first.is_hidden()
    printed = pdfium.PdfDocument(page.pdf(format="A4"))
    try:
        assert len(printed) <= 2
    finally:
        printed.close()

    phone = web.page(user=users["coordinator_a"], width=390, height=844)
    phone.set_default_timeout(60_000)
    phone.goto(REPORT + "motepakke/samarbeid/")
    assert_no_horizontal_scroll(phone, "meeting kit on a phone")
