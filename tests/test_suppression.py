"""Anonymity rules of domain.md §6: reports.anonymity.suppress on its own (examples and
hypothesis properties), then the whole chain - selectors, page, XLSX, CSV and PDF - on small
kommuner where a careless report would give a small group away."""

import io
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment import services as assessment_services
from assessment.models import Participation, Response, ResponseSource
from assessment.services import ResponseData
from municipalities.models import Municipality, Sector, StaffGroup
from municipalities.selectors import ReportScope
from municipalities.services import create_org_unit
from reports.anonymity import is_visible, suppress
from reports.selectors import benchmark, municipality_report
from tests import csv_export
from tests.conftest import publish, unpublish
from tests.properties import examples

MIN = 5

# --- suppress(): examples ----------------------------------------------------------------------


def test_nothing_hidden_when_every_category_is_large_enough():
    assert suppress({"a": 5, "b": 12, "c": 40}, MIN) == set()


def test_small_category_is_hidden_with_the_next_smallest_as_complement():
    # Hiding only «a» (3) would let anyone compute it as total - b - c.
    assert suppress({"a": 3, "b": 10, "c": 6}, MIN) == {"a", "c"}


def test_complement_is_repeated_until_the_hidden_total_reaches_the_minimum():
    assert suppress({"a": 1, "b": 1, "c": 2, "d": 9}, 10) == {"a", "b", "c", "d"}
    assert suppress({"a": 1, "b": 2, "c": 2, "d": 20}, MIN) == {"a", "b", "c"}


def test_two_small_categories_that_together_reach_the_minimum_need_no_complement():
    assert suppress({"a": 2, "b": 3, "c": 10, "d": 7}, MIN) == {"a", "b"}


def test_empty_categories_are_hidden_but_need_no_complement():
    assert suppress({"a": 0, "b": 6, "c": 7}, MIN) == {"a"}


def test_never_shown_keys_are_hidden_and_count_towards_the_hidden_total():
    # «no unit given» (2) is never shown, so the smallest unit must go with it
    assert suppress({None: 2, "u1": 8, "u2": 20}, MIN, never_shown=frozenset({None})) == {
        None,
        "u1",
    }
    assert suppress({None: 6, "u1": 8}, MIN, never_shown=frozenset({None})) == {None}
    assert suppress({None: 0, "u1": 8}, MIN, never_shown=frozenset({None})) == {None}


def test_is_visible():
    assert is_visible(5, 5) and not is_visible(4, 5) and not is_visible(None, 5)


# --- suppress(): properties ----------------------------------------------------------------------

counts_strategy = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=2), st.integers(0, 30), max_size=8
)


@given(counts_strategy, st.integers(3, 10), st.data())
def test_suppress_properties(counts, min_size, data):
    never = (
        frozenset(data.draw(st.sets(st.sampled_from(sorted(counts))))) if counts else frozenset()
    )
    hidden = suppress(counts, min_size, never_shown=never)
    shown = set(counts) - hidden
    hidden_total = sum(counts[k] for k in hidden)
    assert hidden <= set(counts)
    assert never <= hidden
    assert all(counts[k] >= min_size for k in shown)
    # Either the hidden ones cannot be worked out (nobody, or at least the minimum) - or the
    # whole breakdown is too small to show anything at all.
    assert hidden_total == 0 or hidden_total >= min_size or not shown
    # Complements are taken smallest first: none is larger than a category still shown.
    complements = [counts[k] for k in hidden if k not in never and counts[k] >= min_size]
    if complements and shown:
        assert max(complements) <= min(counts[k] for k in shown)


@given(counts_strategy, st.integers(3, 10))
def test_suppress_shows_everything_when_everything_is_large_enough(counts, min_size):
    large = {k: n + min_size for k, n in counts.items()}
    assert suppress(large, min_size) == set()


# --- helpers for report-level tests ----------------------------------------------------------


def kommune(number):
    return Municipality.objects.get(number=number)


def answers_scoring(spec, staff_group, score, skip=()):
    """Every statement the group sees, answered so each item scores `score` (dimensions in
    `skip` left unanswered)."""
    return {
        item.code: (6 - score if item.reverse else score)
        for item in spec.items_for(staff_group)
        if item.dimension_code not in skip
    }


def person(
    spec,
    number,
    score,
    staff_group="medarbeider",
    sector="helse_omsorg",
    unit=None,
    skip=(),
    barriers=(),
):
    return ResponseData(
        municipality_id=kommune(number).pk,
        staff_group=staff_group,
        sector=sector,
        unit_id=unit.pk if unit else None,
        tenure="",
        answers=answers_scoring(spec, staff_group, score, skip),
        barriers=list(barriers),
    )


def record(round_, rows):
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


def report_for(round_, number="4640", unit=None):
    publish(round_)
    return municipality_report(round_, ReportScope(municipality=kommune(number), unit=unit))


def group(groups, key):
    return next(g for g in groups if g.key == key)


def stat(stats, code):
    return next(s for s in stats if s.code == code)


def label(model, key):
    return model.objects.get(pk=key).label


def visible_text(html: str) -> str:
    """The page as a reader sees it: no scripts (chart JSON is checked separately), no tags."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def charts(html: str) -> dict:
    import json

    return {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(
            r'<script type="application/json" data-chart-for="([^"]+)">(.*?)</script>',
            html,
            flags=re.S,
        )
    }


def table_row(html: str, table_id: str, row_label: str) -> str:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S).group(0)
    for row in re.findall(r"<tr.*?</tr>", table, flags=re.S):
        if re.search(rf'<th scope="row">\s*{re.escape(row_label)}', row):
            return row
    raise AssertionError(f"no row {row_label!r} in #{table_id}")


def cells(row_html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row_html, flags=re.S)


def decimals(value: float) -> list[str]:
    """How a mean may be written: 1.67 / 1,67 (2 decimals), 1.667 / 1,667 (3 decimals)."""
    two, three = f"{value:.2f}", f"{value:.3f}"
    return [two, two.replace(".", ","), three, three.replace(".", ",")]


def all_xlsx_values(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in workbook}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def get_all_outputs(client, round_, number="4640"):
    publish(round_)
    kwargs = {"slug": round_.slug, "number": number}
    page = client.get(reverse("reports:municipality_report", kwargs=kwargs))
    dimension = client.get(reverse("reports:dimension", kwargs={**kwargs, "code": "strategi"}))
    xlsx = client.get(reverse("reports:export_xlsx", kwargs=kwargs))
    csv_ = client.get(reverse("reports:export_csv", kwargs=kwargs))
    pdf = client.get(reverse("reports:export_pdf", kwargs=kwargs))
    for response in (page, dimension, xlsx, csv_, pdf):
        assert response.status_code == 200
    return {
        "page": page.content.decode(),
        "dimension": dimension.content.decode(),
        "xlsx": all_xlsx_values(xlsx.content),
        "csv": csv_export.as_rows(csv_export.csv_tables(csv_.content)),
        "pdf": pdf_text(pdf.content),
    }


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


# --- single numbers below the minimum inside shown groups ---------------------------------------


def test_dimension_mean_with_too_few_scores_is_hidden_inside_a_shown_group(open_round, spec):
    # 10 medarbeidere, only 4 of them answer «samskaping»; 6 mellomledere answer everything
    rows = [person(spec, "4640", 4) for _ in range(4)]
    rows += [person(spec, "4640", 2, skip=("samskaping",)) for _ in range(6)]
    rows += [person(spec, "4640", 5, "mellomleder") for _ in range(6)]
    record(open_round, rows)
    report = report_for(open_round)
    medarbeider = group(report.staff_groups, "medarbeider")
    assert not medarbeider.suppressed and medarbeider.respondents == 10
    samskaping = stat(medarbeider.dimensions, "samskaping")
    assert samskaping.suppressed and samskaping.mean is None and not samskaping.n
    assert stat(medarbeider.dimensions, "strategi").mean == pytest.approx(2.8)
    assert medarbeider.overall.mean is None  # not every dimension is shown
    assert stat(report.dimensions, "samskaping").n == 10


def test_a_hidden_dimension_mean_cannot_be_derived_from_the_kommune_figure(open_round, spec):
    """Same data: kommune «samskaping» (n=10) minus mellomledere (n=6) would give the four
    medarbeidere's mean, so the mellomledere's «samskaping» must be hidden as well."""
    rows = [person(spec, "4640", 4) for _ in range(4)]
    rows += [person(spec, "4640", 2, skip=("samskaping",)) for _ in range(6)]
    rows += [person(spec, "4640", 5, "mellomleder") for _ in range(6)]
    record(open_round, rows)
    report = report_for(open_round)
    mellomleder = group(report.staff_groups, "mellomleder")
    assert not mellomleder.suppressed
    assert stat(mellomleder.dimensions, "samskaping").mean is None
    assert stat(mellomleder.dimensions, "strategi").mean == 5.0


def test_leader_staff_gap_cannot_give_away_a_hidden_leader_mean(open_round, spec):
    """Toppledere (6, only 3 answer «samskaping») and stab (6, 4 answer it) have that mean
    hidden; mellomledere show theirs. A «leaders» figure for samskaping (toppledere +
    mellomledere) minus the mellomledere would give the three toppledere away."""
    rows = [person(spec, "4640", 5, "toppleder") for _ in range(3)]
    rows += [person(spec, "4640", 5, "toppleder", skip=("samskaping",)) for _ in range(3)]
    rows += [person(spec, "4640", 3, "stab") for _ in range(4)]
    rows += [person(spec, "4640", 3, "stab", skip=("samskaping",)) for _ in range(2)]
    rows += [person(spec, "4640", 4, "mellomleder") for _ in range(6)]
    rows += [person(spec, "4640", 2) for _ in range(10)]
    record(open_round, rows)
    report = report_for(open_round)
    groups = {g.key: g for g in report.staff_groups}
    assert not any(g.suppressed for g in groups.values())
    assert stat(groups["toppleder"].dimensions, "samskaping").suppressed
    assert stat(groups["stab"].dimensions, "samskaping").suppressed
    assert stat(groups["mellomleder"].dimensions, "samskaping").mean == 4.0
    gaps = {g["code"]: g for g in report.gaps}
    assert gaps["samskaping"]["leaders"] is None and gaps["samskaping"]["gap"] is None
    # other dimensions compare as usual: leaders (6 at 5, 6 at 4) against medarbeidere at 2
    assert gaps["strategi"]["leaders"] == pytest.approx(4.5)
    assert gaps["strategi"]["staff"] == 2.0
    assert gaps["strategi"]["gap"] == pytest.approx(2.5)


def test_item_distributions_below_the_minimum_are_hidden(client, users, open_round, spec):
    rows = []
    for k in range(7):
        answers = answers_scoring(spec, "medarbeider", 4)
        if k < 3:
            answers["STR1"] = None  # vet ikke: STR1 answered by 4
        if k < 2:
            answers["STR2"] = None  # STR2 answered by exactly 5
        rows.append(
            ResponseData(
                municipality_id=kommune("4640").pk,
                staff_group="medarbeider",
                sector="helse_omsorg",
                unit_id=None,
                tenure="",
                answers=answers,
            )
        )
    record(open_round, rows)
    report = report_for(open_round)
    items = {i["code"]: i for i in report.items["strategi"]}
    assert items["STR1"]["suppressed"]
    assert items["STR1"]["counts"] is None and items["STR1"]["dont_know"] is None
    assert items["STR1"]["answered"] is None
    assert not items["STR2"]["suppressed"]
    assert items["STR2"]["counts"] == [0, 0, 0, 5, 0] and items["STR2"]["dont_know"] == 2

    client.force_login(users["coordinator_a"])
    out = get_all_outputs(client, open_round)
    item_table = re.search(r'<table[^>]*id="item-table".*?</table>', out["dimension"], re.S).group(
        0
    )
    rows_html = re.findall(r"<tr.*?</tr>", item_table, re.S)[1:]
    str1 = next(r for r in rows_html if "omvendt" not in r and items["STR1"]["text"] in r)
    assert "suppressed" in str1 and not re.search(r"<td>\d+</td>", str1)
    str2 = next(r for r in rows_html if items["STR2"]["text"] in r)
    assert "<td>5</td>" in str2
    sheet = out["xlsx"]["Påstander"]
    str1_row = next(r for r in sheet if r[1] == "STR1")
    # ten empty numbers (1–5, «vet ikke», «ikke relevant», their rates, answered), then why
    assert str1_row[3:13] == [None] * 10 and str1_row[13] == "for få svar"
    # 1–5, «vet ikke», «ikke relevant», their rates (of 7 who saw it) and the answered count
    assert next(r for r in sheet if r[1] == "STR2")[3:13] == [0, 0, 0, 5, 0, 2, 0, 28.6, 0, 5]


# --- a kommune below the minimum ----------------------------------------------------------------


def test_kommune_below_the_minimum_shows_too_few_answers_and_nothing_else(
    client, users, open_round, spec
):
    record(open_round, [person(spec, "4640", s) for s in (2, 2, 1, 1)])
    report = report_for(open_round)
    assert report.suppressed and report.below_min and report.respondents is None
    assert report.dimensions == [] and report.staff_groups == [] and report.items == {}
    assert report.overall.mean is None

    client.force_login(users["coordinator_a"])
    out = get_all_outputs(client, open_round)
    for page in (out["page"], out["dimension"]):
        text = visible_text(page)
        assert "For få svar" in text or "for få svar" in text
        assert "data-chart-for" not in page
        for table in (
            "dimension-table",
            "staff-group-table",
            "sector-table",
            "item-table",
            "unit-table",
        ):
            assert f'id="{table}"' not in page
        assert not any(v in text for v in decimals(1.5))
    assert 'id="respondents"' not in out["page"]
    assert list(out["xlsx"]) == ["Oversikt"]
    overview = dict(r for r in out["xlsx"]["Oversikt"][1:])
    assert overview["Respondenter"] is None
    assert overview["Samlet modenhet (snitt)"] is None
    assert {r[0] for r in out["csv"][1:]} == {"Oversikt"}
    assert "For få svar" in out["pdf"]
    assert not any(v in out["pdf"] for v in decimals(1.5))


# --- the benchmark across kommuner ----------------------------------------------------------------


def test_benchmark_hides_small_kommuner_with_a_complement(client, users, open_round, spec):
    for number in ("4641", "1101"):  # Aurland (3 answers) and Eigersund (none)
        Participation.objects.create(round=open_round, municipality=kommune(number))
    rows = [person(spec, "4640", 3) for _ in range(10)]
    rows += [person(spec, "1506", s) for s in (5, 5, 5, 5, 4, 4)]
    rows += [person(spec, "4641", s) for s in (2, 2, 1)]
    record(open_round, rows)
    data = benchmark(publish(open_round))
    by_number = {m["number"]: m for m in data["municipalities"]}
    assert by_number["4641"]["suppressed"] and by_number["4641"]["below_min"]
    assert by_number["1506"]["suppressed"] and not by_number["1506"]["below_min"]
    assert by_number["1506"]["respondents"] is None
    assert all(s.mean is None for s in by_number["1506"]["dimensions"])
    assert by_number["1101"]["suppressed"] and by_number["1101"]["respondents"] is None
    assert not by_number["4640"]["suppressed"] and by_number["4640"]["respondents"] == 10
    assert data["respondents"] == 19

    client.force_login(users["ks"])
    page = client.get(
        reverse("reports:benchmark", kwargs={"slug": open_round.slug})
    ).content.decode()
    text = visible_text(page)
    assert not any(v in text for v in decimals(5 / 3) + decimals(28 / 6))
    for figure in charts(page).values():
        for trace in figure["data"]:
            xs = [
                v for key in ("x", "y", "r") for v in (trace.get(key) or []) if isinstance(v, float)
            ]
            assert not any(abs(v - 5 / 3) < 0.01 or abs(v - 28 / 6) < 0.01 for v in xs)
    molde = cells(
        table_row(
            page,
            "benchmark-table",
            '<a href="'
            + reverse(
                "reports:municipality_report", kwargs={"slug": open_round.slug, "number": "1506"}
            ),
        )
    )
    assert all("suppressed" in c for c in molde[2:])
    # the distributions count only the one kommune that is shown
    quartiles = cells(table_row(page, "quartile-table", stat(data["national"], "strategi").name))
    assert quartiles[0].strip() == "1"


# --- random small kommuner -------------------------------------------------------------------------

STAFF = ["mellomleder", "medarbeider", "tillitsvalgt"]
SECTORS = ["helse_omsorg", "oppvekst", "kultur"]

person_strategy = st.tuples(
    st.sampled_from(STAFF),
    st.sampled_from(SECTORS),
    st.integers(0, 2),  # 0 = no unit, 1 or 2 = one of the sector's two units
    st.integers(1, 5),
    # dimensions left unanswered: often none, sometimes one or two
    st.sampled_from([(), (), (), ("samskaping",), ("samskaping", "metoder"), ("metoder",)]),
)


class RandomSetup:
    def __init__(self, round_, spec, units):
        self.round, self.spec, self.units = round_, spec, units
        self.closes_on = round_.closes_on

    def __repr__(self):
        return "RandomSetup()"


@pytest.fixture
def random_setup(open_round, spec):
    sogndal = kommune("4640")
    sectors = {s.code: s for s in Sector.objects.all()}
    units = {
        code: [
            create_org_unit(municipality=sogndal, sector=sectors[code], name=f"{code}-{i}")
            for i in (1, 2)
        ]
        for code in SECTORS
    }
    return RandomSetup(open_round, spec, units)


def _check_breakdown(groups, true_counts, min_size, kommune_total, dimension_totals, per_dim):
    """No shown group below the minimum; the hidden ones together hold nobody or at least the
    minimum (on respondents, and on each dimension's scored respondents)."""
    shown = [g for g in groups if not g.suppressed]
    for g in shown:
        assert g.respondents == true_counts[g.key]
        assert g.respondents >= min_size
        for s in g.dimensions:
            assert s.suppressed or s.n >= min_size
    hidden_total = kommune_total - sum(g.respondents for g in shown)
    assert hidden_total == 0 or hidden_total >= min_size, (hidden_total, true_counts)
    for code, total_n in dimension_totals.items():
        if total_n is None:
            continue
        shown_n = sum(
            s.n for g in shown for s in g.dimensions if s.code == code and not s.suppressed
        )
        left = total_n - shown_n
        assert left == 0 or left >= min_size, (code, left, per_dim)


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(people=st.lists(person_strategy, min_size=5, max_size=24))
def test_random_kommuner_never_show_a_small_group_in_any_breakdown(random_setup, people):
    round_, spec, units = random_setup.round, random_setup.spec, random_setup.units
    unpublish(round_, random_setup.closes_on)
    Response.objects.filter(round=round_).delete()
    rows = []
    for staff_group, sector, unit_index, score, skip in people:
        unit = units[sector][unit_index - 1] if unit_index else None
        rows.append(person(spec, "4640", score, staff_group, sector, unit, skip=tuple(skip)))
    record(round_, rows)
    report = report_for(round_)
    total = len(people)
    if total < MIN:
        assert report.suppressed
        return
    assert report.respondents == total

    scored = {d.code: sum(1 for p in people if d.code not in p[4]) for d in spec.dimensions}
    dimension_totals = {s.code: s.n for s in report.dimensions if not s.suppressed}
    for s in report.dimensions:
        assert s.suppressed == (scored[s.code] < MIN)

    def count(key_of):
        counts = {}
        for p in people:
            counts[key_of(p)] = counts.get(key_of(p), 0) + 1
        return counts

    _check_breakdown(
        report.staff_groups, count(lambda p: p[0]), MIN, total, dimension_totals, people
    )
    _check_breakdown(report.sectors, count(lambda p: p[1]), MIN, total, dimension_totals, people)
    unit_of = {(code, i + 1): u.pk for code, us in units.items() for i, u in enumerate(us)}
    unit_counts = count(lambda p: unit_of.get((p[1], p[2])))
    _check_breakdown(report.units, unit_counts, MIN, total, dimension_totals, people)
    # sector -> units, for every sector that is shown
    for sector_group in report.sectors:
        if sector_group.suppressed:
            continue
        in_sector = [p for p in people if p[1] == sector_group.key]
        sector_units = [g for g in report.units if g.key in {u.pk for u in units[sector_group.key]}]
        sector_dims = {s.code: s.n for s in sector_group.dimensions if not s.suppressed}
        _check_breakdown(sector_units, unit_counts, MIN, len(in_sector), sector_dims, in_sector)


@pytest.mark.parametrize("others, hidden", [(3, True), (6, False)])
def test_peer_and_national_figures_hide_when_only_a_few_others_are_left(
    open_round, spec, others, hidden
):
    """Sogndal (10) next to one more kommune of its size class: with 3 others the peer and
    national figures minus Sogndal's own would give those 3 away, so both are hidden."""
    neighbour = (
        Municipality.objects.filter(size_class=kommune("4640").size_class)
        .exclude(number="4640")
        .order_by("number")
        .first()
    )
    Participation.objects.create(round=open_round, municipality=neighbour)
    rows = [person(spec, "4640", 4) for _ in range(10)]
    rows += [person(spec, neighbour.number, 1) for _ in range(others)]
    record(open_round, rows)
    report = report_for(open_round)
    assert all(s.suppressed for s in report.peer) is hidden
    assert all(s.suppressed for s in report.national) is hidden
    if not hidden:
        assert stat(report.peer, "strategi").n == 10 + others
