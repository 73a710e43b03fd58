"""`import_responses`: CSV per the docstring of assessment/importing.py, all or nothing, with
Norwegian errors that name the line and the column."""

import csv
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessment.importing import import_responses
from assessment.models import Answer, Response, ResponseChoice, ResponseScore
from municipalities.models import Municipality, Sector
from municipalities.services import create_org_unit
from tests.properties import examples

GROUPS = ["toppleder", "mellomleder", "forstelinjeleder", "medarbeider", "tillitsvalgt", "stab"]
SECTORS = ["helse_omsorg", "oppvekst", "kultur", "teknisk", "nav_sosial", "administrasjon", "annet"]
HEADER = ["municipality", "staff_group", "sector", "unit", "tenure"]


def build_rows(spec, count, seed=1):
    """`count` valid rows as dicts: every statement the staff group sees, 1-5, x or empty."""
    rng = random.Random(seed)
    barriers = [o.code for o in spec.barriers]
    promoters = [o.code for o in spec.promoters]
    rows = []
    for _ in range(count):
        group = rng.choice(GROUPS)
        row = {
            "municipality": rng.choice(["4640", "1506"]),
            "staff_group": group,
            "sector": rng.choice(SECTORS),
            "unit": "",
            "tenure": rng.choice(["", "under_2", "2_10", "over_10"]),
            "barriers": ";".join(rng.sample(barriers, rng.randint(0, 3))),
            "promoters": ";".join(rng.sample(promoters, rng.randint(0, 3))),
        }
        for code, item in spec.items.items():
            row[code] = (
                rng.choice(["1", "2", "3", "4", "5", "x", ""]) if group in item.audience else ""
            )
        # a row counts only when half of what the staff group sees is answered (1-5)
        visible = [code for code, item in spec.items.items() if group in item.audience]
        missing = [code for code in visible if row[code] in ("x", "")]
        while len(visible) - len(missing) < (len(visible) + 1) // 2:
            row[missing.pop()] = "3"
        rows.append(row)
    return rows


def to_csv(rows, columns=None) -> str:
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def write(tmp_path):
    def _write(content, name="svar.csv"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return str(path)

    return _write


def run_import(path, round_):
    out = io.StringIO()
    call_command("import_responses", path, "--round", round_.slug, stdout=out)
    return out.getvalue()


def refused(path, round_) -> str:
    with pytest.raises(CommandError) as info:
        run_import(path, round_)
    assert Response.objects.count() == 0
    assert (
        Answer.objects.count()
        == ResponseScore.objects.count()
        == ResponseChoice.objects.count()
        == 0
    )
    message = str(info.value)
    assert message.startswith("Ingenting ble importert.")
    return message


def test_thousand_rows_import_in_one_go(open_round, spec, write, sogndal_units):
    rows = build_rows(spec, 1000)
    rows[0].update(municipality="4640", sector="helse_omsorg", unit="heimetenesta")  # any case
    rows[1].update(municipality="4640", sector="oppvekst", unit="Sogndal skule")
    output = run_import(write(to_csv(rows)), open_round)

    assert output.strip() == "1000 svar importert til «Runde 2026»."
    assert Response.objects.filter(round=open_round, source="import").count() == 1000
    for number in ("4640", "1506"):
        stored = Response.objects.filter(municipality__number=number).count()
        assert stored == sum(r["municipality"] == number for r in rows)
    cells = [(code, r[code]) for r in rows for code in spec.items if r[code] != ""]
    assert Answer.objects.count() == len(cells)
    assert Answer.objects.filter(value__isnull=True).count() == sum(v == "x" for _c, v in cells)
    assert Answer.objects.filter(value=5).count() == sum(v == "5" for _c, v in cells)
    chosen = sum(
        len([c for c in (r["barriers"] + ";" + r["promoters"]).split(";") if c]) for r in rows
    )
    assert ResponseChoice.objects.count() == chosen
    assert Response.objects.filter(unit=sogndal_units["heim"]).count() == 1
    assert Response.objects.filter(unit=sogndal_units["skule"]).count() == 1
    assert Response.objects.filter(tenure="over_10").count() == sum(
        r["tenure"] == "over_10" for r in rows
    )


def test_one_bad_cell_imports_nothing_and_names_line_and_column(open_round, spec, write):
    rows = build_rows(spec, 1000)
    rows[498]["LED2"] = "7"  # the header is line 1, so row 499 is on line 500
    message = refused(write(to_csv(rows)), open_round)
    assert "Linje 500, kolonne «LED2»: «7» er ikke et gyldig svar (1–5, x eller tomt)." in message


BAD_FILES = [
    (lambda rows, cols: cols.append("LED99"), "Linje 1, kolonne «LED99»: ukjent kolonne"),
    (
        lambda rows, cols: cols.remove("sector"),
        "Linje 1, kolonne «sector»: kolonnen mangler i overskriftsraden.",
    ),
    (
        lambda rows, cols: rows[2].update(municipality="9999"),
        "Linje 4, kolonne «municipality»: kommunen «9999» deltar ikke i runden.",
    ),
    (
        lambda rows, cols: rows[2].update(municipality="0301"),
        "Linje 4, kolonne «municipality»: kommunen «0301» deltar ikke i runden.",
    ),
    (
        lambda rows, cols: rows[1].update(staff_group="folkevalgt"),
        "Linje 3, kolonne «staff_group»: ukjent ansattgruppe «folkevalgt».",
    ),
    (
        lambda rows, cols: rows[1].update(sector="helse"),
        "Linje 3, kolonne «sector»: ukjent sektor «helse».",
    ),
    (
        lambda rows, cols: rows[0].update(
            {c: "" for c in cols if c[:3].isupper()}, staff_group="medarbeider", MED3="3"
        ),
        "Linje 2, kolonne «MED3»: påstanden gjelder ikke ansattgruppen medarbeider.",
    ),
    (
        lambda rows, cols: rows[0].update(barriers="tidspress;silo;okonomi;regelverk"),
        "Linje 2, kolonne «barriers»: velg inntil tre ulike alternativer.",
    ),
    (
        lambda rows, cols: rows[0].update(promoters="tillit;penger"),
        "Linje 2, kolonne «promoters»: ukjent kode «penger».",
    ),
    (
        lambda rows, cols: rows[0].update(unit="Finst ikkje"),
        "Linje 2, kolonne «unit»: kommunen har ingen enhet som heter «Finst ikkje».",
    ),
]


def test_bad_files_are_refused_in_norwegian_and_nothing_is_stored(open_round, spec, write):
    for change, message in BAD_FILES:
        rows = build_rows(spec, 5, seed=3)
        columns = list(rows[0])
        change(rows, columns)
        for row in rows:
            row.setdefault("LED99", "3")
            for key in [k for k in row if k not in columns]:
                del row[key]
        assert message in refused(write(to_csv(rows, columns)), open_round), message


def test_a_nul_byte_is_refused_with_line_and_column(open_round, spec, write, sogndal_units):
    """PostgreSQL text cannot hold NUL: the cell is named, in Norwegian, and nothing is stored."""
    nul = "cellen inneholder et null-tegn (NUL), som ikke kan lagres."
    rows = build_rows(spec, 5, seed=3)
    rows[3].update(municipality="4640", sector="helse_omsorg", unit="Heime\x00tenesta")
    assert f"Linje 5, kolonne «unit»: {nul}" in refused(write(to_csv(rows)), open_round)
    text = to_csv(build_rows(spec, 5, seed=3)).replace("sector", "sec\x00tor", 1)
    assert f"Linje 1, kolonne «sector»: {nul}" in refused(write(text), open_round)


def test_non_utf8_file_is_refused(open_round, spec, write, municipalities):
    sogndal = Municipality.objects.get(number="4640")
    create_org_unit(
        municipality=sogndal, sector=Sector.objects.get(code="oppvekst"), name="Fjærland skule"
    )
    rows = build_rows(spec, 3)
    rows[0].update(municipality="4640", sector="oppvekst", unit="Fjærland skule")
    text = to_csv(rows)
    assert run_import(write(text.encode("utf-8-sig"), "excel.csv"), open_round).startswith(
        "3 svar importert"
    )
    Response.objects.all().delete()

    message = refused(write(text.encode("cp1252")), open_round)
    assert "Fila er ikke UTF-8" in message
    assert "Lagre den som «CSV UTF-8» og prøv igjen." in message


def test_unknown_round_and_empty_file(open_round, write):
    with pytest.raises(CommandError, match="Fant ingen runde med kortnavnet «finst-ikkje»."):
        call_command("import_responses", write("municipality\n"), "--round", "finst-ikkje")
    assert "Fila er tom." in refused(write(""), open_round)
    assert "Fila har ingen svar." in refused(
        write("municipality,staff_group,sector\r\n,,\r\n"), open_round
    )


# --- fuzzing ------------------------------------------------------------------------------------

OK, BAD = True, False


def _pool(valid, invalid):
    return st.one_of(
        st.sampled_from(valid).map(lambda v: (v, OK)),
        st.sampled_from(invalid).map(lambda v: (v, BAD)),
    )


ANSWER = _pool(
    ["1", "2", "3", "4", "5", "x", "X", "", " 4 "],
    ["0", "6", "7", "-1", "3.0", "ja", "xx", "٣", "1,5", "\x00", "5;"],
)
ROW = st.fixed_dictionaries(
    {
        "municipality": _pool(["4640", "1506", " 4640 "], ["9999", "0301", "46 40", "4640.0"]),
        "staff_group": _pool(
            ["medarbeider", "toppleder", "stab"], ["folkevalgt", "Medarbeider", "sjef"]
        ),
        "sector": _pool(["helse_omsorg", "kultur"], ["helse", "Kultur", "x"]),
        "STR1": ANSWER,
        "LED2": ANSWER,
        "LED5": ANSWER,  # leaders only
        "barriers": _pool(
            ["", "tidspress", "silo;okonomi", "tidspress; silo ;regelverk"],
            ["tidspress;tidspress", "tidspress;silo;okonomi;regelverk", "penger"],
        ),
    }
)


def _row_valid(row) -> bool:
    if not all(ok for _value, ok in row.values()):
        return False
    leader = row["staff_group"][0] in ("toppleder", "mellomleder", "forstelinjeleder")
    return leader or row["LED5"][0].strip() == ""


def _with_other_statements(spec, row) -> dict:
    """The fuzzed cells, and "3" for every other statement the staff group sees, so a row is
    refused for its fuzzed cells and not for answering too little."""
    values = {k: v for k, (v, _ok) in row.items()}
    for code, item in spec.items.items():
        if code not in values:
            values[code] = "3" if values["staff_group"] in item.audience else ""
    return values


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(ROW, min_size=1, max_size=4))
@example(
    rows=[
        {
            "municipality": ("4640", OK),
            "staff_group": ("medarbeider", OK),
            "sector": ("kultur", OK),
            "STR1": ("4", OK),
            "LED2": ("7", BAD),
            "LED5": ("", OK),
            "barriers": ("", OK),
        }
    ]
)
def test_fuzzed_csv_imports_all_or_nothing(open_round, spec, rows):
    before = Response.objects.count()
    text = to_csv([_with_other_statements(spec, row) for row in rows])
    expected_ok = all(_row_valid(row) for row in rows)
    try:
        count = import_responses(round_=open_round, raw=text.encode("utf-8"))
    except ValidationError as exc:
        assert not expected_ok, exc.messages
        assert exc.messages[0].startswith(("Linje ", "Fila kan ikke leses som CSV"))
        assert Response.objects.count() == before
    else:
        assert expected_ok
        assert count == len(rows)
        assert Response.objects.count() == before + len(rows)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
        st.lists(st.lists(st.text(max_size=8), max_size=6), max_size=5).map(
            lambda rows: (
                "municipality,staff_group,sector,STR1\r\n" + "\r\n".join(",".join(r) for r in rows)
            ).encode("utf-8")
        ),
    )
)
def test_fuzzed_bytes_never_crash_the_import(open_round, raw):
    before = Response.objects.count()
    try:
        import_responses(round_=open_round, raw=raw)
    except ValidationError:
        assert Response.objects.count() == before
