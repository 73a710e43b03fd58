"""The CSV export opens in Norwegian Excel (issue 15): one CSV per table in a zip, each UTF-8 with a
byte order mark, semicolons between cells and a decimal comma. Read back as Excel would: the csv
module with ';' after the BOM."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from municipalities.models import OrgUnit
from reports import exports
from tests import csv_export
from tests.conftest import publish

SOGNDAL = "4640"


def _export(client, round_):
    return client.get(
        reverse("reports:export_csv", kwargs={"slug": round_.slug, "number": SOGNDAL})
    )


def test_one_semicolon_csv_per_table_with_bom_and_decimal_comma(
    client, users, filled_round, sogndal_units
):
    OrgUnit.objects.filter(pk=sogndal_units["heim"].pk).update(name="Drift; vedlikehold, «heim»")
    published_round = publish(filled_round)
    client.force_login(users["coordinator_a"])
    response = _export(client, published_round)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith(f'-{SOGNDAL}-{published_round.slug}-csv.zip"')
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names[:3] == ["01-oversikt.csv", "02-dimensjoner.csv", "03-ansattgrupper.csv"]
    assert "08-pastander.csv" in names and "09-hemmer-og-fremmer.csv" in names

    tables = csv_export.csv_tables(response.content)
    # Every row of a table has as many cells as its header: no table runs into one column.
    for slug, rows in tables.items():
        assert len(rows[0]) > 1, slug
        assert {len(row) for row in rows} == {len(rows[0])}, slug

    overview = dict(csv_export.table(tables, "Oversikt")[1:])
    assert overview["Kommune"] == "Sogndal"
    assert overview["Respondenter"] == "120"

    dimensions = csv_export.records(csv_export.table(tables, "Dimensjoner"))
    assert len(dimensions) == 11
    for row in dimensions:
        for column in ("Snitt", "Standardavvik", "Landet"):
            assert "." not in row[column], (column, row[column])
        assert "," in row["Snitt"]
        assert 1 <= csv_export.number(row["Snitt"]) <= 5
        assert row["n"].isdigit()

    # A unit name with the delimiter in it stays one cell.
    units = csv_export.records(csv_export.table(tables, "Enheter"))
    assert {"Drift; vedlikehold, «heim»"} <= {row["Gruppe"] for row in units}


def test_the_same_report_gives_the_same_bytes(client, users, published_round):
    client.force_login(users["coordinator_a"])
    assert _export(client, published_round).content == _export(client, published_round).content


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (3.412, "3,412"),
        (-0.25, "-0,25"),
        (120, "120"),
        (1e-05, "0,00001"),
        (Decimal("10"), "10"),
        (Decimal("2.50"), "2,50"),
        (None, ""),
        ("=SUM(A1)", "'=SUM(A1)"),
        ("-tekst", "'-tekst"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("Hjemmetjenesten", "Hjemmetjenesten"),
    ],
)
def test_cells_numbers_with_decimal_comma_and_formula_like_text_as_text(value, cell):
    assert exports.csv_value(value) == cell


def test_the_export_while_the_round_is_open_is_withheld(client, users, filled_round):
    client.force_login(users["coordinator_a"])
    response = _export(client, filled_round)
    assert response.status_code == 404
    assert not response.content.startswith(b"PK")
