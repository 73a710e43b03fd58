"""`export_research` (issue 13, item 7): a coarsened CSV of a published round for analysis, in
which no combination below the minimum appears and nothing identifies a kommune."""

import csv
import random
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessment import services
from assessment.models import InstrumentVersion, Response, ResponseSource
from assessment.selectors import get_instrument_spec
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality
from municipalities.national_lists import ensure_national_lists
from reports.models import PublishedMunicipality
from tests.conftest import publish


@pytest.fixture
def research_round(municipalities):
    ensure_national_lists()
    call_command("load_instrument", "--publish", stdout=StringIO())
    version = InstrumentVersion.objects.get(version="2027.1")
    by_cell = defaultdict(list)
    for m in Municipality.objects.order_by("number"):
        by_cell[(m.size_class, m.county_number)].append(m)
    shared = next(ms for ms in by_cell.values() if len(ms) >= 4)[:4]  # four in one cell
    alone = Municipality.objects.get(number="0301")  # Oslo: the only one of its size in Oslo
    today = timezone.localdate()
    round_ = services.create_round(
        slug="forskning-2027",
        name="Forskning 2027",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20),
        instrument=version,
        municipality_numbers=[m.number for m in [*shared, alone]],
    )
    spec = get_instrument_spec(version)
    rng = random.Random(11)
    rows = []
    for m in [*shared, alone]:
        rows += synthetic_rows(spec=spec, municipality_id=m.pk, count=30, rng=rng)
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return round_


def export(round_, tmp_path) -> tuple[list[str], list[dict], str]:
    path = tmp_path / "forskning.csv"
    out = StringIO()
    call_command("export_research", "--round", round_.slug, "--output", str(path), stdout=out)
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(StringIO(text))
    return reader.fieldnames, list(reader), out.getvalue()


def test_only_published_rounds_are_exported(research_round, tmp_path):
    with pytest.raises(CommandError, match="ikke publisert"):
        call_command(
            "export_research", "--round", research_round.slug, "--output", str(tmp_path / "x.csv")
        )
    assert not (tmp_path / "x.csv").exists()


def test_no_combination_below_the_minimum_and_nothing_identifies_a_kommune(
    research_round, tmp_path
):
    publish(research_round)
    header, rows, message = export(research_round, tmp_path)
    minimum = research_round.min_group_size

    # no column that points at a kommune, unit, sector, tenure or date
    assert header[:4] == ["size_class", "county", "staff_group", "language"]
    for forbidden in ("municipality", "unit", "sector", "tenure", "submitted_on", "date"):
        assert forbidden not in header
    text = (tmp_path / "forskning.csv").read_text(encoding="utf-8")
    for m in Municipality.objects.filter(participations__round=research_round):
        assert m.number not in text and m.name not in text

    # every size class × fylke in the file stands for at least three participating kommuner
    published = PublishedMunicipality.objects.filter(round=research_round, respondents__gt=0)
    cell_kommuner = Counter((p.size_class, p.county_number) for p in published)
    for row in rows:
        if row["county"]:
            assert cell_kommuner[(row["size_class"], row["county"])] >= 3, row["county"]
    # Oslo is alone in its size class and fylke, and alone in what is left when the others
    # are grouped: its rows are left out rather than be the only kommune behind a value
    oslo = published.get(municipality__number="0301")
    assert (oslo.size_class, oslo.county_number) not in {
        (r["size_class"], r["county"]) for r in rows
    }
    assert {(r["size_class"], r["county"]) for r in rows} == {
        (p.size_class, p.county_number) for p in published if p.municipality.number != "0301"
    }
    assert len(rows) <= 4 * 30

    # no combination (size class × fylke × staff group) below the minimum, and no language
    # group below it inside a combination
    combinations = Counter((r["size_class"], r["county"], r["staff_group"]) for r in rows)
    assert min(combinations.values()) >= minimum
    languages = Counter(
        (r["size_class"], r["county"], r["staff_group"], r["language"]) for r in rows
    )
    assert all(n >= minimum for key, n in languages.items() if key[3])

    # what was left out is said, and the rest is there with answers and scores
    left_out = Response.objects.filter(round=research_round).count() - len(rows)
    assert f"Skrev {len(rows)} svar" in message and f"{left_out} svar ble utelatt" in message
    assert left_out >= 30  # Oslo's 30 answers, and any small staff group of the others
    assert {"outcome", "dim_kultur", "trait_stolthet", "OUT1", "barriers"} <= set(header)
    assert any(r["outcome"] for r in rows)
    assert {v for r in rows for k, v in r.items() if k == "STR1"} >= {"x", "4"}


def test_a_kommunes_staff_group_below_the_minimum_is_left_out(research_round, tmp_path):
    """Found in review: kommuner X (6 leaders) and Y (1 leader) share a combination of 7 rows.
    X's report shows its 6 leaders' means; the row left over would be Y's one leader, with
    every answer. So a kommune's staff group below the minimum is never in the file: each
    combination holds exactly the kommune groups that have at least the minimum."""
    from django.db.models import Count

    publish(research_round)
    _header, rows, _message = export(research_round, tmp_path)
    minimum = research_round.min_group_size
    published = {
        p.municipality_id: p for p in PublishedMunicipality.objects.filter(round=research_round)
    }
    groups = (
        Response.objects.filter(round=research_round)
        .exclude(municipality__number="0301")
        .values("municipality_id", "staff_group_id")
        .annotate(n=Count("id"))
    )
    assert any(g["n"] < minimum for g in groups)  # the data has small groups to leave out
    expected = Counter()
    for g in groups:
        if g["n"] >= minimum:
            p = published[g["municipality_id"]]
            expected[(p.size_class, p.county_number, g["staff_group_id"])] += g["n"]
    got = Counter((r["size_class"], r["county"], r["staff_group"]) for r in rows)
    assert got == +expected
