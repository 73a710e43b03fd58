"""Helpers shared by the tests (and bench/agreement.py): the respondent answering a
questionnaire through the real views, a signed-in client per staff user, what the database holds,
the text of a PDF and one HTML table parser. Importing this module needs no configured Django; the models are imported on use."""

import io
import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlparse

from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

# --- The respondent ---------------------------------------------------------------------------

LINK_RE = re.compile(r"https?://\S+?/svar/[^\s/]+/")
ITEM_RADIO_RE = re.compile(r'<input type="radio" name="([A-Z]{3}\d+)" value="([^"]*)"')
PAGE_RE = re.compile(r"Side (\d+) av (\d+)")
PROGRESS_RE = re.compile(r'role="progressbar"[^>]*aria-valuenow="(\d+)"')
RESUME_CODE_RE = re.compile(r'<p class="resume-code[^"]*">([A-Z0-9-]+)</p>')
SUBMIT = "/skjema/send/"


def page_url(number: int) -> str:
    return reverse("assessment:page", args=[number])


def links_in(message) -> list[str]:
    """The paths of the personal links in an e-mail."""
    return [urlparse(url).path for url in LINK_RE.findall(message.body)]


def participation(round_, number: str):
    from assessment.models import Participation

    return Participation.objects.select_related("round", "municipality").get(
        round=round_, municipality__number=number
    )


def invite(participation_, email, capture) -> str:
    """Invite one address the way the service does, and return the path of the mailed link."""
    from assessment import services

    before = len(mail.outbox)
    with capture(execute=True):
        services.invite_by_email(participation=participation_, emails=[email])
    assert len(mail.outbox) == before + 1
    (path,) = links_in(mail.outbox[-1])
    return path


class Respondent:
    """A person answering in one browser (one test client = one device)."""

    def __init__(self, client: Client | None = None):
        self.client = client or Client()
        self.r = None

    @property
    def html(self) -> str:
        return self.r.content.decode()

    @property
    def path(self) -> str:
        return self.r.wsgi_request.path

    @property
    def page(self) -> tuple[int, int] | None:
        match = PAGE_RE.search(self.html)
        return (int(match[1]), int(match[2])) if match else None

    @property
    def progress(self) -> int:
        return int(PROGRESS_RE.search(self.html)[1])

    @property
    def item_codes(self) -> list[str]:
        return list(dict.fromkeys(code for code, _value in ITEM_RADIO_RE.findall(self.html)))

    # pages are recognised by their form, not their wording (the wording follows the language)
    @property
    def on_dimension_page(self) -> bool:
        return ITEM_RADIO_RE.search(self.html) is not None

    @property
    def on_choices_page(self) -> bool:
        return 'name="barriers"' in self.html and 'name="promoters"' in self.html

    @property
    def on_review_page(self) -> bool:
        return f'action="{SUBMIT}"' in self.html

    def get(self, path):
        self.r = self.client.get(path, follow=True)
        return self.r

    def post(self, path, data):
        self.r = self.client.post(path, data, follow=True)
        return self.r

    def post_here(self, data, nav="next"):
        return self.post(self.path, {**data, "nav": nav})

    def background(self, staff_group="medarbeider", sector="helse_omsorg", **extra):
        return self.post(
            page_url(1), {"staff_group": staff_group, "sector": sector, "nav": "next", **extra}
        )

    def answer_page(self, value="4", nav="next"):
        assert self.on_dimension_page, self.path
        return self.post_here({code: value for code in self.item_codes}, nav=nav)

    def answer_dimensions(self, value="4", pages: int | None = None):
        done = 0
        while self.on_dimension_page and (pages is None or done < pages):
            self.answer_page(value)
            done += 1
        return self.r

    def choices(self, barriers=(), promoters=()):
        assert self.on_choices_page, self.path
        return self.post_here({"barriers": list(barriers), "promoters": list(promoters)})

    def submit(self):
        return self.post(SUBMIT, {})

    def complete(self, value="4", barriers=(), promoters=(), **background):
        """From any start: background, every dimension page, choices, review, submit."""
        self.background(**background)
        self.answer_dimensions(value)
        self.choices(barriers, promoters)
        assert self.on_review_page
        return self.submit()


def resume_code_in(html: str) -> str:
    return RESUME_CODE_RE.search(html)[1]


# --- The fixed national lists and recorded answers ----------------------------------------------

# The staff groups every kommune has, in their agreed order; «folkevalgt» is the optional one.
STAFF_GROUPS = (
    "toppleder",
    "mellomleder",
    "forstelinjeleder",
    "medarbeider",
    "tillitsvalgt",
    "stab",
)
ALL_STAFF_GROUPS = (*STAFF_GROUPS, "folkevalgt")
SECTORS = (
    "helse_omsorg",
    "oppvekst",
    "kultur",
    "teknisk",
    "nav_sosial",
    "administrasjon",
    "annet",
)


def medarbeider_row(municipality_id, answers, outcomes, **fields):
    """One import row: a medarbeider in helse og omsorg, no unit, no tenure."""
    from assessment.services import ResponseData

    return ResponseData(
        municipality_id=municipality_id,
        staff_group="medarbeider",
        sector="helse_omsorg",
        unit_id=None,
        tenure="",
        answers=answers,
        outcomes=outcomes,
        **fields,
    )


def kommune_rows(spec, number, count, rng, **options):
    """`count` synthetic import rows of kommune `number` (options go to synthetic_rows)."""
    from assessment.synthetic import synthetic_rows
    from municipalities.models import Municipality

    municipality = Municipality.objects.get(number=number)
    return synthetic_rows(
        spec=spec, municipality_id=municipality.pk, count=count, rng=rng, **options
    )


def closed_round(slug, days_ago, numbers):
    """A round named after its slug that opened `days_ago` days ago and closed 20 days later."""
    from django.utils import timezone

    from assessment import services

    today = timezone.localdate()
    return services.create_round(
        slug=slug,
        name=slug.replace("runde-", "Runde "),
        opens_on=today - timedelta(days=days_ago),
        closes_on=today - timedelta(days=days_ago - 20),
        municipality_numbers=list(numbers),
    )


# --- Staff ------------------------------------------------------------------------------------


def staff_client(user) -> Client:
    """A client signed in as `user` (one per role: `staff_client(users["coordinator_a"])`)."""
    client = Client()
    client.force_login(user)
    return client


def open_link_path(coordinator, round_, number="4640", unit=None) -> str:
    """The coordinator makes an open link in the dashboard; its address is read off the poster."""
    client = staff_client(coordinator)
    url = reverse("assessment:open_link_create", args=[number, round_.slug])
    poster = client.post(url, {"unit": unit.pk if unit else ""}, follow=True)
    assert poster.status_code == 200
    match = re.search(r'id="open-link-url">([^<]+)<', poster.content.decode())
    return urlparse(unescape(match[1])).path


# --- Staff pages and what the database holds ---------------------------------------------------


def dashboard_url(round_, number="4640"):
    return reverse("reports:dashboard", args=[number, round_.slug])


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def db_contains(text: str) -> list[str]:
    """Every model (and decoded session) whose stored values contain `text`."""
    from django.apps import apps
    from django.contrib.sessions.models import Session

    hits = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields]
        for row in model._base_manager.values_list(*names).iterator():
            if any(text in str(value) for value in row):
                hits.append(model._meta.label)
                break
    for session in Session.objects.all():
        if text in str(session.get_decoded()):
            hits.append("sessions.Session (decoded)")
    return hits


# --- PDF text ------------------------------------------------------------------------------------


def pdf_pages(content: bytes) -> list[str]:
    """The text of every page of a PDF, read with pypdf: it puts each table cell on a line of its
    own, which tests/test_report.py relies on (pypdfium2 lays the table's lines out differently).
    Geometry (margins, page sizes) is read with pypdfium2 in tests/test_pdf_report.py."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text(content: bytes) -> str:
    """The text of a whole PDF, page after page."""
    return "\n".join(pdf_pages(content))


# --- HTML tables --------------------------------------------------------------------------------


class Table:
    """One <table>: its id, caption and rows. Each row is a list of (tag, scope, text) cells,
    text with whitespace collapsed; `head` tells which rows were in <thead>."""

    def __init__(self, table_id: str, caption: str = ""):
        self.id, self.caption = table_id, caption
        self.rows: list[list[tuple[str, str, str]]] = []
        self.head: list[bool] = []

    def texts(self) -> list[list[str]]:
        """Every row's cell texts, header rows included (the rows of a nested table, too)."""
        return [[text for _tag, _scope, text in row] for row in self.rows if row]

    def body_rows(self) -> list[tuple[str, list[str]]]:
        """(row header text, [data cell texts]) for every row outside <thead>."""
        return [
            (
                next((text for tag, scope, text in row if tag == "th" and scope == "row"), ""),
                [text for tag, _scope, text in row if tag == "td"],
            )
            for row, in_head in zip(self.rows, self.head, strict=True)
            if not in_head and row
        ]


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[Table] = []
        self._open: list[Table] = []  # nested tables: rows go to every open table
        self._cell: list[str] | None = None
        self._cell_tag = self._scope = ""
        self._caption: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            table = Table(attrs.get("id") or "")
            self.tables.append(table)
            self._open.append(table)
        elif not self._open:
            return
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._in_head = True
        elif tag in ("tbody", "tfoot"):
            self._in_head = False
        elif tag == "tr":
            for table in self._open:
                table.rows.append([])
                table.head.append(self._in_head)
        elif tag in ("td", "th"):
            self._cell, self._cell_tag, self._scope = [], tag, attrs.get("scope") or ""

    def handle_endtag(self, tag):
        if tag == "table" and self._open:
            self._open.pop()
            self._in_head = False
        elif tag == "caption" and self._caption is not None:
            self._open[-1].caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            cell = (self._cell_tag, self._scope, " ".join("".join(self._cell).split()))
            for table in self._open:
                if table.rows:
                    table.rows[-1].append(cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def html_tables(html: str) -> list[Table]:
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    return parser.tables


def table_by_id(html: str, table_id: str) -> Table:
    found = [t for t in html_tables(html) if t.id == table_id]
    assert found, f"#{table_id} is missing"
    return found[0]


def tables_by_caption(html: str) -> dict[str, list[list[str]]]:
    """Every table as {caption: [[cell text, ...], ...]}."""
    return {t.caption: t.texts() for t in html_tables(html)}


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """Cell texts of every row of the table with this id (header row first)."""
    return table_by_id(html, table_id).texts()
