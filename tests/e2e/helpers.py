"""Shared steps for the browser tests: axe-core, screenshots, reflow checks, answering pages."""

import re
from pathlib import Path
from urllib.parse import urlparse

from django.core import mail

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tests" / "vendor" / "axe" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
MAX_SCREENSHOT_BYTES = 400 * 1024
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
PASSWORD = "et-langt-passord-1"  # long enough for the password validators

# What every axe run found; conftest prints it at the end of the session.
AXE_RESULTS: list[dict] = []

_AXE_SOURCE = None


def axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        _AXE_SOURCE = AXE_JS.read_text(encoding="utf-8")
    return _AXE_SOURCE


def run_axe(page, name: str) -> list[dict]:
    """Run axe-core on the page as it is now and return the serious or critical violations.

    The site's CSP forbids inline scripts, so axe is evaluated through the DevTools protocol
    (page.evaluate) instead of an injected <script> tag; the CSP stays on for the page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return {
                passes: r.passes.length,
                incomplete: r.incomplete.length,
                violations: r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                    targets: v.nodes.map(n => n.target.join(" ")),
                    summaries: v.nodes.slice(0, 3).map(n => n.failureSummary),
                })),
            };
        }""",
        AXE_TAGS,
    )
    by_impact: dict[str, int] = {}
    for violation in result["violations"]:
        by_impact[violation["impact"]] = by_impact.get(violation["impact"], 0) + 1
    AXE_RESULTS.append(
        {
            "name": name,
            "url": urlparse(page.url).path,
            "passes": result["passes"],
            "incomplete": result["incomplete"],
            "violations": result["violations"],
            "by_impact": by_impact,
        }
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def assert_accessible(page, name: str) -> None:
    blocking = run_axe(page, name)
    assert not blocking, f"axe on {name} ({page.url}): " + "; ".join(
        f"{v['impact']} {v['id']}: {v['help']} at {v['targets'][:3]} {v['summaries'][:1]}"
        for v in blocking
    )


def screenshot(page, filename: str, *, full_page: bool = False) -> Path:
    """Save a PNG for the README under docs/screenshots/, kept under ~400 KB."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / filename
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    if path.stat().st_size > MAX_SCREENSHOT_BYTES:
        page.screenshot(path=str(path), full_page=False, scale="css", animations="disabled")
    assert path.stat().st_size <= MAX_SCREENSHOT_BYTES, f"{filename} is {path.stat().st_size} B"
    return path


def assert_no_horizontal_scroll(page, what: str = "") -> None:
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)]"
    )
    scroll_width, inner_width, wide = sizes
    assert scroll_width <= inner_width, (
        f"horizontal scroll on {what or page.url}: scrollWidth {scroll_width} > {inner_width}; "
        f"too wide: {wide}"
    )


def assert_no_console_errors(page) -> None:
    assert page.console_errors == [], page.console_errors


def mailed_link_path(participation, email: str) -> str:
    """Invite one address through the service and return the path of the personal link mailed."""
    from assessment import services

    before = len(mail.outbox)
    services.invite_by_email(participation=participation, emails=[email])
    assert len(mail.outbox) == before + 1
    (url,) = re.findall(r"https?://\S+?/svar/[^\s/]+/", mail.outbox[-1].body)
    return urlparse(url).path


def page_number(page) -> tuple[int, int]:
    """(n, total) from the «Side n av total» line under the progress bar (any language)."""
    text = page.locator("main div.progress + p").inner_text()
    match = re.search(r"(\d+)\D+(\d+)", text)
    assert match, f"no page counter on {page.url}"
    return int(match.group(1)), int(match.group(2))


def translated(page, msgid: str) -> str:
    """The text of a (bokmål) msgid in the language the page is shown in (<html lang>)."""
    from django.utils import translation

    with translation.override(page.locator("html").get_attribute("lang")):
        return translation.gettext(msgid)


def fill_background(page, *, staff_group="medarbeider", sector="helse_omsorg") -> None:
    page.check(f"input[name=staff_group][value={staff_group}]")
    page.check(f"input[name=sector][value={sector}]")


def answer_statements(page, value: str = "4") -> list[str]:
    """Click (tap) the label of the chosen option in every statement on a dimension page."""
    names = page.eval_on_selector_all(
        "form.likert fieldset",
        "sets => sets.map(s => s.querySelector('input[type=radio]').name)",
    )
    index = "12345x".index(value)
    for name in names:
        page.click(f"label[for=id_{name}_{index}]")
    checked = page.eval_on_selector_all(
        "form.likert input:checked", "els => els.map(e => [e.name, e.value])"
    )
    assert sorted(checked) == sorted([name, value] for name in names)
    return names


def next_page(page) -> None:
    with page.expect_navigation():
        page.click("button[name=nav][value=next]")


def tab_to(page, selector: str, limit: int = 60) -> str:
    """Press Tab until the focused element matches the selector; return its id."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return page.evaluate("() => document.activeElement.id")
    raise AssertionError(f"Tab never reached {selector}")


def answer_and_submit(page, *, staff_group="medarbeider", sector=None, value="3") -> None:
    """From the welcome page of a link: answer every statement page (a response counts only
    when at least half is answered) and send."""
    if page.locator("main button.btn-primary").count():  # open link: a form that starts a draft
        with page.expect_navigation():
            page.click("main button.btn-primary")
    else:
        page.click("main a.btn-primary")
    page.check(f"input[name=staff_group][value={staff_group}]")
    if sector:
        page.check(f"input[name=sector][value={sector}]")
    next_page(page)
    answer_statements(page, value)
    n, total = page_number(page)
    while n < total:
        next_page(page)
        n, total = page_number(page)
        if page.locator("form.likert fieldset").count():
            answer_statements(page, value)
    with page.expect_navigation():
        page.click("button.btn-success")
    assert page.url.endswith("/skjema/takk/"), page.url


def pdf_text(path) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(p.extract_text() or "" for p in reader.pages), len(reader.pages)
