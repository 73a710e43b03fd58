"""XLSX and CSV of the report's numbers - only what the page may show (hidden cells are empty).
The CSV export is a zip with one CSV per table, made for Norwegian Excel (see `report_csv_zip`).

Cells carry data, never formulas: text that a spreadsheet would read as a formula (it starts with
= + - @, a tab or a carriage return) is written as text. Numbers stay numbers."""

import csv
import io
import zipfile
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .anonymity import reason_label
from .selectors import Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A CSV cell a spreadsheet opens as text: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    return "'" + value if is_formula_like(value) else value


def report_tables(report: Report) -> list[tuple[str, list[str], list[list]]]:
    """The report as tables: (sheet name, header, rows). Hidden numbers are None."""

    def stat_cells(s):
        return [
            s.mean,
            s.n if not s.suppressed else None,
            s.sd,
            s.ci95[0] if s.ci95 else None,
            s.ci95[1] if s.ci95 else None,
            s.index,
            s.level,
            _("skjult") if s.suppressed else "",
            reason_label(s.reason) if s.suppressed else "",
        ]

    stat_header = [
        _("Snitt"),
        "n",
        _("Standardavvik"),
        _("KI 95 % fra"),
        _("KI 95 % til"),
        _("Indeks 0–100"),
        _("Nivå"),
        _("Merknad"),
        _("Hvorfor skjult"),
    ]
    overall = report.overall
    tables: list[tuple[str, list[str], list[list]]] = [
        (
            _("Oversikt"),
            [_("Felt"), _("Verdi")],
            [
                [_("Kommune"), report.municipality.name],
                [_("Kommunenummer"), report.municipality.number],
                [_("Runde"), report.round.name],
                [_("Enhet"), report.unit.name if report.unit else _("Hele kommunen")],
                [_("Respondenter"), report.respondents],
                [_("Hvorfor skjult"), reason_label(report.reason)],
                [_("Svarprosent"), report.response_rate],
                [_("Samlet modenhet (snitt)"), overall.mean],
                [_("Samlet indeks"), overall.index],
                [_("Samlet nivå"), overall.level],
                [_("Minste gruppestørrelse"), report.min_size],
            ],
        )
    ]
    if report.suppressed:
        return tables
    rows = []
    for own, national, peer in zip(report.dimensions, report.national, report.peer, strict=True):
        rows.append([own.code, own.name, *stat_cells(own), national.mean, peer.mean])
    tables.append(
        (
            _("Dimensjoner"),
            [_("Kode"), _("Dimensjon"), *stat_header, _("Landet"), _("Samme størrelsesgruppe")],
            rows,
        )
    )
    for title, groups in (
        (_("Ansattgrupper"), report.staff_groups),
        (_("Sektorer"), report.sectors),
        (_("Enheter"), report.units),
    ):
        rows = []
        for group in groups:
            for s in group.dimensions:
                rows.append([group.label, group.respondents, s.code, s.name, *stat_cells(s)])
        tables.append(
            (title, [_("Gruppe"), _("Respondenter"), _("Kode"), _("Dimensjon"), *stat_header], rows)
        )
    tables.append(
        (
            _("Kulturprofil"),
            [_("Kode"), _("Trekk"), *stat_header],
            [[s.code, s.name, *stat_cells(s)] for s in report.traits],
        )
    )
    tables.append(
        (
            _("Forskjeller"),
            [
                _("Kode"),
                _("Dimensjon"),
                _("Ledere"),
                _("Medarbeidere og tillitsvalgte"),
                _("Forskjell"),
            ],
            [[g["code"], g["name"], g["leaders"], g["staff"], g["gap"]] for g in report.gaps],
        )
    )
    rows = []
    for code, items in report.items.items():
        for item in items:
            counts = item["counts"] or [None] * 5
            rows.append(
                [
                    code,
                    item["code"],
                    item["text"],
                    *counts,
                    item["dont_know"],
                    item.get("not_relevant"),
                    item.get("dont_know_rate"),
                    item.get("not_relevant_rate"),
                    item["answered"],
                    reason_label(item["reason"]),
                ]
            )
    tables.append(
        (
            _("Påstander"),
            [
                _("Dimensjon"),
                _("Kode"),
                _("Påstand"),
                "1",
                "2",
                "3",
                "4",
                "5",
                _("Vet ikke"),
                _("Ikke relevant"),
                _("Vet ikke (%)"),
                _("Ikke relevant (%)"),
                _("Antall svar"),
                _("Hvorfor skjult"),
            ],
            rows,
        )
    )
    rows = []
    for kind, label in (("barriers", _("Hemmer")), ("promoters", _("Fremmer"))):
        for entry in report.choices.get(kind, []):
            rows.append([label, entry["code"], entry["label"], entry["count"], entry["percent"]])
    tables.append(
        (
            _("Hemmer og fremmer"),
            [_("Type"), _("Kode"), _("Alternativ"), _("Antall"), _("Prosent")],
            rows,
        )
    )
    outcomes = report.outcomes
    if outcomes:
        rows = [
            [_("Resultatindeks (0–100)"), "", name, None if s.suppressed else s.index, s.n]
            for name, s in (
                (_("Denne rapporten"), outcomes["index"]),
                (_("Landet"), outcomes["national"]),
                (_("Kommuner av samme størrelse"), outcomes["peer"]),
            )
        ]
        for question in outcomes["questions"]:
            for option in question["options"]:
                rows.append(
                    [question["code"], option["code"], option["label"], option["percent"], None]
                )
        tables.append(
            (
                _("Resultater"),
                [_("Spørsmål"), _("Kode"), _("Svar"), _("Indeks eller prosent"), "n"],
                rows,
            )
        )
    return tables


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in report_tables(report):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if is_formula_like(cell.value):
                    cell.data_type = "s"  # openpyxl took it for a formula; store it as text
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        for column in sheet.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Norwegian Excel reads a CSV with semicolons between cells and a decimal comma, and UTF-8 when
# the file starts with a byte order mark.
CSV_DELIMITER = ";"
# A fixed time in the zip's entries: the same report gives the same bytes, with no time of export.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def csv_number(value) -> str:
    """A number as Norwegian Excel reads it: decimal comma, no exponent, no thousands separator."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if "e" in text.lower():  # 1e-05: written out
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def csv_value(value):
    """One cell: numbers with a decimal comma, text with the formula escaping of `csv_cell`."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return csv_number(value)
    return csv_cell(value)


def table_csv(header: list, rows: list[list]) -> bytes:
    """One table as a CSV file for Norwegian Excel: UTF-8 with BOM, semicolons, decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_file_names(tables) -> list[str]:
    """01-oversikt.csv, 02-dimensjoner.csv, …: the tables' order, ASCII names."""
    return [
        f"{index:02d}-{slugify(title) or 'tabell'}.csv"
        for index, (title, _header, _rows) in enumerate(tables, start=1)
    ]


def report_csv_zip(report: Report) -> bytes:
    """The report's tables as one CSV file each, in a zip (a CSV holds one table)."""
    tables = report_tables(report)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (_title, header, rows) in zip(csv_file_names(tables), tables, strict=True):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, table_csv(header, rows))
    return buffer.getvalue()
