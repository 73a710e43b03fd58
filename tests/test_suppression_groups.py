"""Anonymity through the whole chain (selectors, page, XLSX, CSV and PDF): a staff group of three
is hidden with a complement everywhere, and sectors and units get complementary suppression so
that no unit gives a hidden sector away (domain.md §6)."""

import re

import pytest

from municipalities.models import StaffGroup
from tests.suppression_helpers import (
    cells,
    charts,
    decimals,
    get_all_outputs,
    group,
    label,
    person,
    record,
    report_for,
    stat,
    table_row,
    visible_text,
)

# --- a staff group of three ---------------------------------------------------------------------


@pytest.fixture
def small_staff_group(open_round, spec, sogndal_units):
    """Sogndal: 10 medarbeidere at 3, 6 mellomledere at 4.667 (four 5s, two 4s) and
    3 tillitsvalgte at 1.667 (2, 2, 1) - all in the same sector and unit."""
    heim = sogndal_units["heim"]
    rows = [person(spec, "4640", 3, unit=heim) for _ in range(10)]
    rows += [person(spec, "4640", s, "mellomleder", unit=heim) for s in (5, 5, 5, 5, 4, 4)]
    rows += [
        person(spec, "4640", s, "tillitsvalgt", unit=heim, barriers=["silo"]) for s in (2, 2, 1)
    ]
    record(open_round, rows)
    return open_round


def test_staff_group_of_three_is_hidden_with_a_complement_in_the_report_data(small_staff_group):
    report = report_for(small_staff_group)
    assert report.respondents == 19
    tillitsvalgt = group(report.staff_groups, "tillitsvalgt")
    assert tillitsvalgt.suppressed and tillitsvalgt.below_min
    assert tillitsvalgt.respondents is None
    assert all(s.suppressed and s.mean is None and s.ci95 is None for s in tillitsvalgt.dimensions)
    assert tillitsvalgt.overall.mean is None
    # Shown alone, the medarbeidere (10) and mellomledere (6) would give the 3 away by subtraction
    mellomleder = group(report.staff_groups, "mellomleder")
    assert mellomleder.suppressed and not mellomleder.below_min and mellomleder.respondents is None
    assert all(s.mean is None for s in mellomleder.dimensions)
    medarbeider = group(report.staff_groups, "medarbeider")
    assert (medarbeider.suppressed, medarbeider.respondents) == (False, 10)
    assert stat(medarbeider.dimensions, "strategi").mean == 3.0
    assert stat(report.dimensions, "strategi").mean == pytest.approx(63 / 19, abs=1e-3)
    assert report.hidden_summary.staff_groups == 2
    # Leaders are all hidden: no leaders-vs-staff comparison can be made
    assert report.gaps == []
    # Barrier counts per staff group only for the shown group
    silo = next(e for e in report.choices["barriers"] if e["code"] == "silo")
    assert silo["count"] == 3
    assert [g["staff_group"] for g in silo["by_staff_group"]] == ["medarbeider"]
    assert silo["by_staff_group"][0]["count"] == 0


def test_staff_group_of_three_is_hidden_in_page_xlsx_csv_and_pdf(client, users, small_staff_group):
    client.force_login(users["coordinator_a"])
    out = get_all_outputs(client, small_staff_group)
    hidden_means = decimals(5 / 3) + decimals(28 / 6)
    kommune_mean = decimals(63 / 19)

    # page: the rows are there, every number in them is replaced
    for page in (out["page"], out["dimension"]):
        text = visible_text(page)
        assert not any(v in text for v in hidden_means), "a hidden group's mean is on the page"
    assert any(v in visible_text(out["page"]) for v in kommune_mean)
    for key in ("tillitsvalgt", "mellomleder"):
        row = table_row(out["page"], "staff-group-table", label(StaffGroup, key))
        assert all('class="suppressed"' in c for c in cells(row)), row
    medarbeider = cells(
        table_row(out["page"], "staff-group-table", label(StaffGroup, "medarbeider"))
    )
    assert medarbeider[0].strip() == "10"
    figures = charts(out["page"])
    names = [trace["name"] for trace in figures["chart-staff-groups"]["data"]]
    assert names == [label(StaffGroup, "medarbeider")]
    for figure in figures.values():
        for trace in figure["data"]:
            values = [v for v in (trace.get("r") or trace.get("z") or []) if v is not None]
            flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
            assert not any(
                x is not None and abs(x - 5 / 3) < 0.01 or x is not None and abs(x - 28 / 6) < 0.01
                for x in flat
            )
    # barrier table has no column for the hidden groups
    barrier_table = re.search(r'<table[^>]*id="barrier-table".*?</table>', out["page"], re.S).group(
        0
    )
    assert label(StaffGroup, "tillitsvalgt") not in barrier_table

    # XLSX: the group rows are kept, their numbers are empty
    staff_sheet = out["xlsx"]["Ansattgrupper"]
    header = staff_sheet[0]
    assert {r[0] for r in staff_sheet[1:]} >= {label(StaffGroup, "tillitsvalgt")}
    for row in staff_sheet[1:]:
        record_ = dict(zip(header, row, strict=True))
        if record_["Gruppe"] in (
            label(StaffGroup, "tillitsvalgt"),
            label(StaffGroup, "mellomleder"),
        ):
            assert record_["Respondenter"] is None
            assert (
                record_["Snitt"] is None
                and record_["n"] is None
                and record_["Standardavvik"] is None
            )
            assert record_["Merknad"] == "skjult"
    numbers = [v for rows in out["xlsx"].values() for r in rows for v in r if isinstance(v, float)]
    assert not any(abs(v - 5 / 3) < 0.001 or abs(v - 28 / 6) < 0.001 for v in numbers)
    assert any(abs(v - 63 / 19) < 0.001 for v in numbers)

    # CSV: same tables
    csv_text = "\n".join(",".join(r) for r in out["csv"])
    assert not any(v in csv_text for v in hidden_means)
    hidden_rows = [
        row
        for row in out["csv"]
        if row[0] == "Ansattgrupper" and row[1] == label(StaffGroup, "tillitsvalgt")
    ]
    assert len(hidden_rows) == len(report_for(small_staff_group).dimensions)
    assert all(row[2] == "" and row[5] == "" for row in hidden_rows)

    # PDF
    assert not any(v in out["pdf"] for v in hidden_means)
    assert any(v in out["pdf"] for v in kommune_mean)
    assert "skjult" in out["pdf"]


# --- complementary suppression in sectors and units ---------------------------------------------


def test_sectors_get_complementary_suppression_and_units_cannot_reveal_a_hidden_sector(
    open_round, spec, sogndal_units
):
    heim, skule = sogndal_units["heim"], sogndal_units["skule"]
    rows = [person(spec, "4640", 3, sector="helse_omsorg", unit=heim) for _ in range(10)]
    rows += [person(spec, "4640", s, sector="oppvekst", unit=skule) for s in (5, 5, 5, 5, 4, 4)]
    rows += [person(spec, "4640", s, sector="kultur") for s in (2, 2, 1)]
    record(open_round, rows)
    report = report_for(open_round)
    kultur, oppvekst, helse = (
        group(report.sectors, k) for k in ("kultur", "oppvekst", "helse_omsorg")
    )
    assert kultur.suppressed and kultur.below_min
    assert oppvekst.suppressed and not oppvekst.below_min
    assert (helse.suppressed, helse.respondents) == (False, 10)
    # Skule holds all of oppvekst: showing it would show the hidden sector (and with it kultur)
    units = {g.key: g for g in report.units}
    assert units[skule.pk].suppressed and units[skule.pk].respondents is None
    assert (units[heim.pk].suppressed, units[heim.pk].respondents) == (False, 10)


def test_a_unit_is_hidden_when_only_respondents_without_unit_would_stay_hidden_in_its_sector(
    open_round, spec, sogndal_units
):
    """Sector helse (10) is shown; Heimetenesta has 8 of them, 2 gave no unit. Showing
    Heimetenesta would give those two away as sector minus unit."""
    heim, skule = sogndal_units["heim"], sogndal_units["skule"]
    rows = [person(spec, "4640", 3, sector="helse_omsorg", unit=heim) for _ in range(8)]
    rows += [person(spec, "4640", 1, sector="helse_omsorg") for _ in range(2)]
    rows += [person(spec, "4640", 4, sector="oppvekst", unit=skule) for _ in range(7)]
    record(open_round, rows)
    report = report_for(open_round)
    helse = group(report.sectors, "helse_omsorg")
    assert (helse.suppressed, helse.respondents) == (False, 10)
    assert stat(helse.dimensions, "strategi").mean == pytest.approx(2.6)
    units = {g.key: g for g in report.units}
    assert units[heim.pk].suppressed and not units[heim.pk].below_min
    assert all(s.mean is None for s in units[heim.pk].dimensions)
    assert (units[skule.pk].suppressed, units[skule.pk].respondents) == (False, 7)


def test_units_get_complementary_suppression_across_the_kommune(open_round, spec, sogndal_units):
    """Two kultur respondents without a unit are hidden; across the whole kommune the smallest
    unit must be hidden with them, or kommune minus units would give them away."""
    heim, skule = sogndal_units["heim"], sogndal_units["skule"]
    rows = [person(spec, "4640", 1, sector="kultur") for _ in range(2)]
    rows += [person(spec, "4640", 3, sector="helse_omsorg", unit=heim) for _ in range(8)]
    rows += [person(spec, "4640", 4, sector="oppvekst", unit=skule) for _ in range(12)]
    record(open_round, rows)
    report = report_for(open_round)
    units = {g.key: g for g in report.units}
    assert units[heim.pk].suppressed and units[heim.pk].respondents is None
    assert (units[skule.pk].suppressed, units[skule.pk].respondents) == (False, 12)
    assert report.hidden_summary.units == 1
