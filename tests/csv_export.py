"""Reading the CSV export back the way Norwegian Excel does: a zip of CSV files, each UTF-8 with a
byte order mark, semicolons between cells and a decimal comma."""

import csv
import io
import re
import zipfile

from django.utils.text import slugify

BOM = b"\xef\xbb\xbf"


def csv_tables(content: bytes) -> dict[str, list[list[str]]]:
    """{table slug (slugify of the table's title): rows, header first} from the zip's files."""
    tables = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            assert data.startswith(BOM), f"{name} has no byte order mark"
            match = re.fullmatch(r"\d\d-([a-z0-9-]+)\.csv", name)
            assert match, name
            text = data.decode("utf-8-sig")
            tables[match[1]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return tables


def table(tables: dict, title: str) -> list[list[str]]:
    return tables[slugify(title)]


def records(rows: list[list[str]]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def number(cell: str) -> float | None:
    """A cell as Excel with Norwegian settings reads it: «3,412» is 3.412, empty is nothing."""
    return float(cell.replace(",", ".")) if cell else None


TITLES = [
    "Oversikt",
    "Dimensjoner",
    "Ansattgrupper",
    "Sektorer",
    "Enheter",
    "Kulturprofil",
    "Forskjeller",
    "Påstander",
    "Hemmer og fremmer",
]


def as_rows(tables: dict) -> list[list[str]]:
    """All tables as one list of rows, each led by its table's (bokmål) title."""
    titles = {slugify(title): title for title in TITLES}
    return [[titles.get(slug, slug), *row] for slug, rows in tables.items() for row in rows]
