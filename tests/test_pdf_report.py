"""The PDF report as a kommunestyre reads it: A4 pages whose text stays inside the margins (no
clipped column), names instead of codes, words never cut, the kommune's målform, and numbers
rounded exactly as on the web page."""

import re

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import translation
from reportlab.lib.pagesizes import A4, landscape

from reports.pdf.layout import MARGIN
from tests.conftest import publish
from tests.helpers import pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(filled_round):
    return publish(filled_round)


def _url(name, round_, number="4640"):
    return reverse(f"reports:{name}", kwargs={"slug": round_.slug, "number": number})


@pytest.fixture
def pdf(client, users, published):
    client.force_login(users["coordinator_a"])
    response = client.get(_url("export_pdf", published))
    assert response.status_code == 200
    return response.content


def test_every_character_lies_inside_the_margins_of_its_page(pdf):
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 6
    tolerance = 1.0
    for number, page in enumerate(document, start=1):
        width, height = page.get_size()
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left <= 0:  # spaces and line ends
                continue
            assert left >= MARGIN - tolerance, (number, textpage.get_text_range(i, 20))
            assert right <= width - MARGIN + tolerance, (number, textpage.get_text_range(i, 20))
            assert bottom > 0 and top < height, number


def test_pages_are_a4_and_the_heatmap_page_is_landscape(pdf):
    document = pdfium.PdfDocument(pdf)
    sizes = [tuple(round(v) for v in page.get_size()) for page in document]
    portrait, wide = tuple(round(v) for v in A4), tuple(round(v) for v in landscape(A4))
    assert set(sizes) == {portrait, wide}
    texts = pdf_pages(pdf)
    heat_pages = [i for i, t in enumerate(texts) if "Varmekart" in t or "Varmekart" in t]
    assert heat_pages and all(sizes[i] == wide for i in heat_pages)


def test_columns_have_names_not_codes_and_no_word_is_cut(pdf, spec):
    text = "\n".join(pdf_pages(pdf))
    words = set(re.findall(r"[\wæøåÆØÅ]+", text))
    with translation.override("nn"):
        labels = [d.label for d in spec.dimensions]
    for label in labels:
        for word in re.findall(r"[\wæøåÆØÅ]+", label):
            assert word in words, f"«{word}» from «{label}» is cut or missing"
    all_labels = " ".join(labels).lower()
    for dimension in spec.dimensions:
        if dimension.code not in all_labels:
            assert not re.search(rf"\b{dimension.code}\b", text), dimension.code


def test_the_pdf_is_in_the_kommunes_malform_whatever_the_readers_language(client, users, published):
    client.force_login(users["coordinator_a"])
    client.cookies.load({"django_language": "en"})
    text = "\n".join(pdf_pages(client.get(_url("export_pdf", published)).content))
    assert "Samandrag" in text  # Sogndal writes nynorsk
    assert "Sammendrag" not in text and "Summary" not in text


def test_numbers_are_rounded_as_on_the_page(client, users, published, pdf):
    page = client.get(_url("municipality_report", published)).content.decode()
    mean = re.search(r'<div class="kpi" id="overall-mean">(.*?)</div>', page).group(1).strip()
    texts = pdf_pages(pdf)
    assert mean in texts[0]  # the cover
    first_barrier = re.search(
        r'<table[^>]*id="barriers-table".*?<tbody><tr><th scope="row">(.*?)</th><td>(.*?)</td>',
        page,
        re.S,
    )
    if first_barrier:
        share = first_barrier.group(2).replace("\xa0", " ").strip()
        assert re.fullmatch(r"\d+ %", share)
        assert share in "\n".join(texts).replace("\u00a0", " ")
    # no one-decimal percentages anywhere (the page shows whole percent)
    assert not re.search(r"\d+,\d %", "\n".join(texts))


def test_hidden_groups_say_hidden_in_the_heatmap_and_never_show_a_number(pdf, published):
    text = "\n".join(pdf_pages(pdf))
    heat = text[text.index("Varmekart") :]
    assert "løynd" in heat or "skjult" in heat
