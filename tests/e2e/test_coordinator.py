"""The kommune coordinator: sign in, join a round, add a unit, hand out open links, printed
codes and e-mail links, and watch responses come in while the report only says when results
come; then, once the round is published, the kommune report with its radar, staff groups, a
dimension page and the PDF/XLSX downloads; and the refusal of another kommune.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.conftest import publish

from .helpers import (
    PASSWORD,
    answer_and_submit,
    assert_accessible,
    assert_no_console_errors,
    pdf_text,
    screenshot,
)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844, "scale": 2, "mobile": True}
REPORT = "/runder/runde-2026/kommuner/4640/"
EXPORTS = ("rapport.pdf", "rapport.xlsx", "rapport-csv.zip")


def _assert_results_pending(page, round_name: str, closes_on) -> None:
    """The results page of an open round: when results come, and no figure from the answers."""
    assert page.locator("h1").inner_text() == round_name
    pending = page.locator("main .alert[role=status]").inner_text()
    assert f"Resultatene publiseres når runden stenger {closes_on:%d.%m.%Y}." in pending
    for figure in ("#respondents", "#chart-radar", "#dimension-table", ".kpi", "table", "svg"):
        assert page.locator(f"main {figure}").count() == 0, figure
    assert not re.search(r"\d+,\d", page.locator("main").inner_text())  # no mean anywhere


def _count(page) -> int:
    page.reload()
    return int(page.locator("#response-count").inner_text())


def test_coordinator_joins_a_round_and_watches_the_responses_come_in(web, open_round, users):
    from assessment import services

    today = timezone.localdate()
    services.create_round(
        slug="haust-2026",
        name="Haustrunde 2026",
        opens_on=today,
        closes_on=today + timedelta(days=30),
    )
    user = users["coordinator_a"]
    user.set_password(PASSWORD)
    user.save()

    # Sign in through the real login page (django-axes is on).
    page = web.page(height=1000)
    page.goto("/")
    page.click("nav >> text=Logg inn")
    page.fill("#id_username", "koord-a")
    page.fill("#id_password", "feil-passord-123")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("main .alert-danger").is_visible()
    assert_accessible(page, "login with error")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Velkommen, koord-a"

    # Join the new round.
    page.click("text=Runder, lenker og svarprosent")
    page.wait_for_url("**/kommune/4640/runder/")
    with page.expect_navigation():
        page.click("button:has-text('Bli med Haustrunde 2026')")
    assert page.url.endswith("/kommune/4640/runder/haust-2026/")
    assert "Kommunen er med i «Haustrunde 2026»." in page.locator(".messages").inner_text()
    assert page.locator("#response-count").inner_text() == "0"
    dashboard = page.url

    # Add a unit.
    page.click("nav[aria-label=Brødsmuler] >> text=Sogndal")
    page.click("text=Enheter i kommunen")
    page.wait_for_url("**/kommune/4640/enheter/")
    page.fill("#id_name", "Sogndal bibliotek")
    page.select_option("#id_sector", label="Kultur")
    with page.expect_navigation():
        page.click("main button:has-text('Legg til')")
    assert "Enheten «Sogndal bibliotek» er lagt til." in page.locator(".messages").inner_text()
    assert page.locator("main li", has_text="Sogndal bibliotek").count() == 1
    assert_accessible(page, "units (after adding one)")

    # An open link for the unit, with its poster and QR code.
    page.goto(dashboard)
    page.select_option("#id_unit", label="Sogndal bibliotek")
    with page.expect_navigation():
        page.click("button:has-text('Lag åpen lenke')")
    assert "/lenker/" in page.url
    open_url = page.locator("#open-link-url").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(web.url)}/apen/[\w-]+/", open_url)
    assert page.locator(".qr svg").count() == 1
    assert "Sogndal bibliotek" in page.locator(".poster").inner_text()
    assert_accessible(page, "poster with QR code")

    # Printable codes: a PDF with two letters, the codes only ever in that PDF.
    page.goto(dashboard)
    page.fill("#id_count", "2")
    with page.expect_download() as download:
        page.click("button:has-text('Lag PDF med koder')")
    assert download.value.suggested_filename == "koder-4640-haust-2026.pdf"
    text, pages = pdf_text(download.value.path())
    codes = re.findall(r"Kode: ([A-Z0-9]{5}(?:-[A-Z0-9]{1,5})+)", text)
    assert len(codes) == 2 and pages == 1
    assert "Sogndal" in text and "Haustrunde 2026" in text

    # Personal links by e-mail.
    page.fill("#id_emails", "ola@example.no; kari@example.no")
    with page.expect_navigation():
        page.click("button:has-text('Send invitasjoner')")
    assert "2 invitasjoner er lagt i kø for sending." in page.locator(".messages").inner_text()
    assert sorted(m.to[0] for m in mail.outbox) == ["kari@example.no", "ola@example.no"]
    invitations = page.locator("main p", has_text="Personlige lenker").inner_text()
    assert "2 sendt, 0 brukt" in invitations and "2 laget, 0 brukt" in invitations
    assert page.locator("main li a", has_text="Sogndal bibliotek").count() == 1
    assert_accessible(page, "coordinator dashboard (new round)")
    assert _count(page) == 0

    # Responses arrive: through the open link and with a printed code.
    respondent = web.page(**PHONE)
    respondent.goto(open_url)
    answer_and_submit(respondent, staff_group="medarbeider")  # unit and sector come from the link
    assert _count(page) == 1
    unit_row = page.locator("tr", has_text="Sogndal bibliotek").inner_text()
    assert "færre enn 5" in unit_row  # one answer is never shown as a number for a unit

    # The round is open, so the report only says when its results come: no figures, and the
    # exports do not exist yet.
    page.click("text=Åpne rapporten")
    page.wait_for_url("**/runder/haust-2026/kommuner/4640/")
    _assert_results_pending(page, "Haustrunde 2026", today + timedelta(days=30))
    assert_accessible(page, "results pending (coordinator report)")
    report = page.url
    for path in EXPORTS:
        assert page.request.get(report + path).status == 404, path
    page.goto(report + "dimensjon/trygghet/")
    _assert_results_pending(page, "Haustrunde 2026", today + timedelta(days=30))
    page.goto(dashboard)

    respondent = web.page(**PHONE)
    respondent.goto("/kode/")
    assert_accessible(respondent, "enter printed code")
    respondent.fill("#id_code", codes[0].lower().replace("-", " "))
    with respondent.expect_navigation():
        respondent.click("main button[type=submit]")
    answer_and_submit(respondent, staff_group="tillitsvalgt", sector="oppvekst")
    assert _count(page) == 2

    invitations = page.locator("main p", has_text="Personlige lenker").inner_text()
    assert "2 sendt, 0 brukt" in invitations and "2 laget, 1 brukt" in invitations

    # The count rose twice, and still no figure from the answers has appeared.
    page.goto(report)
    _assert_results_pending(page, "Haustrunde 2026", today + timedelta(days=30))
    assert_no_console_errors(page)


def _number(text: str) -> float:
    """A number as the page shows it (Norwegian decimal comma)."""
    return float(text.replace(",", ".").replace("\u2212", "-"))


def _radar_traces(page, chart_id):
    page.wait_for_selector(f"#{chart_id} svg.main-svg")
    return page.evaluate(
        """(id) => document.getElementById(id).data.map(t => ({
            type: t.type, name: t.name, r: t.r, theta: t.theta}))""",
        chart_id,
    )


def test_coordinator_reads_the_kommune_report(web, filled_round, spec, users, tmp_path):
    from django.utils import translation
    from openpyxl import load_workbook

    page = web.page(user=users["coordinator_a"], height=1000)
    page.goto("/kommune/4640/runder/runde-2026/")
    assert page.locator("#response-count").inner_text() == "120"
    assert_accessible(page, "coordinator dashboard (120 responses)")
    screenshot(page, "coordinator-dashboard.png")
    page.click("text=Åpne rapporten")
    page.wait_for_url(f"**{REPORT}")
    _assert_results_pending(page, "Runde 2026", filled_round.closes_on)

    # The round closes (KS closing it from /runder/ is test_publication.py): now the figures.
    publish(filled_round)
    page.reload()
    assert page.locator("h1").inner_text().startswith("Innovasjonsradar for Sogndal")
    assert page.locator("#respondents").inner_text() == "120"

    # The radar: an SVG with the kommune, the national and the peer-group traces.
    traces = _radar_traces(page, "chart-radar")
    assert [t["name"] for t in traces] == ["Sogndal", "Landet", "Kommuner i samme størrelsesgruppe"]
    assert {t["type"] for t in traces} == {"scatterpolar"}
    assert page.locator("#chart-radar svg.main-svg .scatterlayer .trace").count() == 3
    legend = page.locator("#chart-radar .legendtext").all_text_contents()
    assert legend == ["Sogndal", "Landet", "Kommuner i samme størrelsesgruppe"]
    rows = page.locator("#dimension-table tbody tr")
    assert rows.count() == 11
    table = {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").first.inner_text()
        for i in range(rows.count())
    }
    radar = dict(zip(traces[0]["theta"], traces[0]["r"], strict=True))  # closed polygon
    for name, mean in table.items():
        assert radar[name] == pytest.approx(_number(mean), abs=0.0051), name
    assert_accessible(page, "kommune report")
    page.locator("#radar-h").scroll_into_view_if_needed()
    screenshot(page, "kommune-report-radar.png")

    # The staff-group view: a radar per group shown, and the groups in the table.
    group_traces = _radar_traces(page, "chart-staff-groups")
    group_rows = page.locator("#staff-group-table tbody tr")
    shown = [
        group_rows.nth(i).locator("th").inner_text()
        for i in range(group_rows.count())
        if not group_rows.nth(i).locator(".suppressed").count()
    ]
    assert len(group_traces) >= 2
    assert [t["name"] for t in group_traces] == [n for n in shown if n]
    assert page.locator("#gap-table tbody tr").count() == 11

    # The downloads open: the PDF and the XLSX.
    with page.expect_download() as download:
        page.click(".btn-group >> text=PDF")
    assert download.value.suggested_filename == "innovasjonsradar-4640-runde-2026.pdf"
    text, pages = pdf_text(download.value.path())
    flat = re.sub(r"\s+", " ", text)
    assert "Sogndal" in flat and pages >= 2
    # The PDF is written for the kommunestyre in the kommune's målform: nynorsk in Sogndal.
    with translation.override("nn"):
        nynorsk = [dimension.label for dimension in spec.dimensions]
    missing = [name for name in nynorsk if name not in flat]
    assert not missing, f"dimension names missing from the PDF: {missing}"

    with page.expect_download() as download:
        page.click(".btn-group >> text=Excel")
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    assert xlsx.name == "innovasjonsradar-4640-runde-2026.xlsx"
    workbook = load_workbook(xlsx, read_only=True)
    sheet = workbook["Dimensjoner"]
    header, *data = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("Kode", "Dimensjon", "Snitt")
    scores = {row[1]: row[2] for row in data}
    assert set(scores) == set(table)
    for name, mean in table.items():
        assert scores[name] == pytest.approx(_number(mean), abs=0.0051), name
    overview = dict(workbook["Oversikt"].iter_rows(min_row=2, values_only=True))
    assert overview["Kommune"] == "Sogndal" and overview["Respondenter"] == 120

    # A dimension page.
    page.click("#dimension-table >> text=Trygghet og rom for å feile")
    page.wait_for_url("**/dimensjon/trygghet/")
    assert page.locator("h1").inner_text() == "Trygghet og rom for å feile"
    page.wait_for_selector("#chart-items svg.main-svg")
    assert page.locator("#item-table tbody tr").count() == 4
    assert page.locator("main .kpi").first.inner_text() == table["Trygghet og rom for å feile"]
    assert page.locator("main h2", has_text="Anbefalte tiltak").count() == 1
    assert_accessible(page, "dimension page")
    screenshot(page, "dimension-page.png")
    page.click("nav[aria-label=Brødsmuler] >> text=Sogndal – Runde 2026")
    page.wait_for_url(f"**{REPORT}")
    assert_no_console_errors(page)


def test_a_coordinator_of_another_kommune_is_refused(web, published_round, users):
    page = web.page(user=users["coordinator_b"])
    response = page.goto(REPORT)
    assert response.status == 404
    assert "Sogndal" not in page.content()
    for path in ("dimensjon/trygghet/", *EXPORTS):
        assert page.request.get(REPORT + path).status == 404, path
    for path in ("/kommune/4640/runder/runde-2026/", "/kommune/4640/enheter/"):
        assert page.request.get(path).status == 404, path
    # Her own kommune is fine.
    response = page.goto("/runder/runde-2026/kommuner/1506/")
    assert response.status == 200
    assert page.locator("h1").inner_text().startswith("Innovasjonsradar for Molde")
    assert page.locator("#respondents").inner_text() == "60"
