"""Instrument 2027.1 (issue 13, items 1 and 2): the new version beside 2026.1, «vet ikke» and
«ikke relevant» apart, one reference point per dimension, the MDI traits, the outcome block and
its index, and how both reach the published report without showing a small group."""

import json
import random
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.instrument_files import DEFAULT_INSTRUMENT, INSTRUMENT_FILES
from assessment.models import Answer, InstrumentVersion, Response, ResponseSource, ScoreKind
from assessment.scoring import NOT_RELEVANT, outcome_score
from assessment.selectors import _published_spec, get_instrument_spec
from assessment.services import ResponseData
from assessment.synthetic import synthetic_rows
from assessment.traits import TRAITS
from municipalities.models import Municipality
from municipalities.national_lists import ensure_national_lists
from reports.models import ItemCell, MunicipalityScore, ScoreCell
from reports.selectors.report import municipality_report
from reports.selectors.trend import comparable_codes
from tests.conftest import make_user, publish
from tests.csv_export import csv_tables

NEW_FILE = INSTRUMENT_FILES[-1]
NEW = yaml.safe_load(NEW_FILE.read_text(encoding="utf-8"))
OLD = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
SEEDS = Path("/work/shared/seeds")
MDI_LINES = {  # seed 001, Strømsvåg (2017): the nine traits as Amundsen et al. describe them
    "engasjement": (828, 836),
    "samarbeidsorientering": (838, 848),
    "stolthet": (850, 856),
    "tillit": (858, 862),
    "toleranse": (864, 872),
    "trygghet": (874, 882),
    "utviklingsorientering": (884, 893),
    "apenhet": (895, 905),
    "autonomi": (907, 915),
}
# Bokmål forms that a nynorsk text must not contain (whole words).
BOKMAAL_FORMS = {
    "ikke", "jeg", "hva", "hvordan", "hvem", "hvorfor", "hvilke", "hvilken", "noen", "noe",
    "mye", "være", "bare", "fra", "ansatte", "gjør", "kommer", "sier", "selv", "mer", "stoler",
    "sparer", "oppmodar", "enhet", "enheten", "enheter", "leder", "lederen", "ledere",
    "hverandre", "deres", "hver",
}  # fmt: skip
BOKMAAL_PHRASES = ("seie fram", "heng på")


def nn_texts(data, path=""):
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "nn" and isinstance(value, str):
                yield path, value
            else:
                yield from nn_texts(value, f"{path}/{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from nn_texts(value, f"{path}/{index}")


def bokmaal_in(text: str) -> set[str]:
    words = set(re.findall(r"[a-zæøå]+", text.lower()))
    return (words & BOKMAAL_FORMS) | {p for p in BOKMAAL_PHRASES if p in text.lower()}


def all_statements(data):
    return [item for dimension in data["dimensions"] for item in dimension["items"]]


@pytest.fixture
def both_versions(db):
    ensure_national_lists()
    call_command("load_instrument", "--publish", stdout=StringIO())
    return {v.version: v for v in InstrumentVersion.objects.all()}


@pytest.fixture
def spec_2027(both_versions):
    return get_instrument_spec(both_versions["2027.1"])


# --- the file ---------------------------------------------------------------------------------


def test_export_instrument_2027_1_shows_traits_outcomes_split_missing_and_new_codes(both_versions):
    out = StringIO()
    call_command("export_instrument", "--version", "2027.1", stdout=out)
    exported = json.loads(out.getvalue())
    codes = {i["code"] for d in exported["dimensions"] for i in d["items"]}

    # every MDI trait has at least three statements
    assert set(exported["traits"]) == set(TRAITS)
    assert all(len(items) >= 3 for items in exported["traits"].values()), exported["traits"]
    # the outcome block: 6 questions, the option questions as choices, the index contract
    outcomes = exported["outcomes"]
    assert [q["code"] for q in outcomes["questions"]] == [f"OUT{n}" for n in range(1, 7)]
    assert {q["code"] for q in outcomes["questions"] if q["select"] == "many"} == {"OUT2", "OUT4"}
    assert outcomes["index"] == {"code": "outcome", "kind": 3, "scale": "1-5", "index": "0-100"}
    # two missing options, both missing for scoring
    assert [o["code"] for o in exported["missing_options"]] == ["x", "na"]
    assert [o["text"]["nb"] for o in exported["missing_options"]] == ["Vet ikke", "Ikke relevant"]
    # rewritten statements have new codes; the old codes are gone
    rewritten = {"RES4": "RES5", "SAM4": "SAM5", "SKA4": "SKA6", "STR3": "STR6", "TRY2": "TRY5"}
    rewritten |= {"HAN2": "HAN5", "TRY3": "TRY6", "MET5": "MET7", "IDE2": "IDE6"}
    rewritten |= {"LED1": "LED7", "HAN4": "HAN6", "TRY4": "TRY7"}
    assert set(rewritten.values()) <= codes
    assert not set(rewritten) & codes
    assert {"HAN7", "RES6", "TRY8"} <= codes  # rules, digital tools, support from colleagues
    # one stated reference point per dimension
    assert {d["reference"] for d in exported["dimensions"]} == {"unit", "municipality"}
    assert exported["changes"] and exported["references"]

    old = StringIO()
    call_command("export_instrument", "--version", "2026.1", stdout=old)
    old_export = json.loads(old.getvalue())
    assert [o["code"] for o in old_export["missing_options"]] == ["x"]
    assert old_export["outcomes"] is None


def test_nynorsk_texts_have_no_bokmaal_forms():
    slips = {path: bokmaal_in(text) for path, text in nn_texts(NEW) if bokmaal_in(text)}
    assert slips == {}
    # The scan finds the slips the issue named in 2026.1, so it would catch new ones.
    found = set().union(*(bokmaal_in(text) for _path, text in nn_texts(OLD)))
    assert {"stoler", "sparer", "oppmodar", "seie fram", "heng på"} <= found


def test_language_slips_are_fixed():
    items = {i["code"]: i for i in all_statements(NEW)}
    assert "stolar" in items["HAN5"]["text"]["nn"]
    assert items["TRY5"]["text"]["nn"].startswith("Eg kan kome med")
    assert "si fram" not in items["TRY5"]["text"]["nb"]
    assert "oppmuntrar" in items["LED7"]["text"]["nn"]
    assert items["TRY7"]["text"]["en"].endswith("publicly blamed.")
    assert "managed" in items["HAN6"]["text"]["en"]
    barrier = {b["code"]: b for b in NEW["barriers"]}["regelverk_tolkning"]
    assert barrier["text"]["nb"] == "Lover og regler, eller streng tolkning av dem"
    names = {d["code"]: d["name"] for d in NEW["dimensions"]}
    assert names["strategi"]["nn"] == "Strategisk forankring"
    assert names["lederstotte"]["nn"] == "Leiarstøtte"


def test_audiences_are_corrected():
    items = {i["code"]: i for i in all_statements(NEW)}
    for code in ("LED7", "LED5", "LAE6"):
        assert "toppleder" not in items[code]["audience"], code
    for code in ("HAN6", "RES3", "MED2"):
        assert "folkevalgt" not in items[code]["audience"], code
    for code in ("STR6", "SAM5", "LAE3", "SKA6", "MED5", "RES2"):
        assert "medarbeider" not in items[code]["audience"], code


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed texts are not on this machine")
def test_every_citation_points_at_lines_that_exist_and_traits_cite_their_definition():
    lengths = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in SEEDS.iterdir()}
    for item in all_statements(NEW):
        for source in item["sources"]:
            first, last = source["lines"]
            assert 1 <= first <= last <= lengths[source["seed"]], item["code"]
    for item in all_statements(NEW):
        if item["code"].startswith("KUL") or item["code"] in ("TRY8", "TRY9", "HAN8", "IDE7"):
            low, high = MDI_LINES[item["trait"]]
            assert any(
                s["seed"].startswith("001_") and low <= s["lines"][0] and s["lines"][1] <= high
                for s in item["sources"]
            ), item["code"]
    cited = {s["seed"] for item in all_statements(NEW) for s in item["sources"]}
    assert cited <= set(NEW["references"])


def test_unchanged_codes_keep_their_text_and_the_trend_compares_only_like_with_like(
    both_versions,
):
    old_items = {i["code"]: i for i in all_statements(OLD)}
    for item in all_statements(NEW):
        if item["code"] in old_items:
            assert item["text"] == old_items[item["code"]]["text"], item["code"]
    old_spec = get_instrument_spec(both_versions["2026.1"])
    new_spec = get_instrument_spec(both_versions["2027.1"])
    # Only «Gjennomføring, læring og spredning» kept every statement word for word.
    assert comparable_codes(new_spec, old_spec) == {"laering"}
    assert comparable_codes(old_spec, old_spec) == {d.code for d in old_spec.dimensions}


# --- scoring ----------------------------------------------------------------------------------


def test_outcome_score_by_hand(spec_2027):
    def score(**chosen):
        return outcome_score(spec_2027, staff_group="medarbeider", chosen=chosen)

    # ja, spread, a benefit, evaluated informally, not suggested: (1 + 1 + 1 + 0.5 + 0) / 5
    full = score(
        OUT1=["adopted_yes"],
        OUT3=["spread_yes"],
        OUT4=["benefit_users", "benefit_none_yet"],
        OUT5=["evaluated_informal"],
        OUT6=["suggested_no"],
    )
    assert full == pytest.approx(1 + 4 * 0.7)
    # «nei»: the questions about the change count 0; suggested something: 1 of 5
    assert score(OUT1=["adopted_no"], OUT6=["suggested_yes"]) == pytest.approx(1 + 4 * 0.2)
    # «vet ikke» on the gate: no index; «vet ikke» elsewhere is left out
    assert score(OUT1=["adopted_dont_know"], OUT6=["suggested_yes"]) is None
    assert score(OUT1=["adopted_yes"], OUT3=["spread_dont_know"]) == pytest.approx(5.0)
    assert (
        outcome_score(spec_2027, staff_group="folkevalgt", chosen={"OUT1": ["adopted_yes"]}) is None
    )


@pytest.fixture
def round_2027(municipalities, both_versions):
    today = timezone.localdate()
    return services.create_round(
        slug="runde-2027",
        name="Runde 2027",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20),
        instrument=both_versions["2027.1"],
        municipality_numbers=["4640", "1506"],
    )


def test_not_relevant_and_outcomes_are_stored_apart_and_published_apart(round_2027, spec_2027):
    sogndal = Municipality.objects.get(number="4640")
    visible = [i.code for i in spec_2027.items_for("medarbeider")]
    rows = []
    for n in range(6):
        answers = {code: 4 for code in visible}
        answers[visible[0]] = None  # vet ikke
        answers[visible[1]] = NOT_RELEVANT
        rows.append(
            ResponseData(
                municipality_id=sogndal.pk,
                staff_group="medarbeider",
                sector="helse_omsorg",
                unit_id=None,
                tenure="",
                answers=answers,
                outcomes={
                    "OUT1": ["adopted_yes" if n < 4 else "adopted_no"],
                    "OUT2": ["source_staff"],  # dropped for «nei»
                    "OUT6": ["suggested_yes"],
                },
                language="nn",
            )
        )
    services.record_responses(round_=round_2027, rows=rows, source=ResponseSource.IMPORT)
    first, second = (spec_2027.items[code].id for code in visible[:2])
    assert Answer.objects.filter(item_id=first, value__isnull=True, not_relevant=False).count() == 6
    assert Answer.objects.filter(item_id=second, value__isnull=True, not_relevant=True).count() == 6
    assert set(Response.objects.values_list("language", flat=True)) == {"nn"}
    assert (
        Response.objects.filter(choices__option__code="source_staff").count() == 4
    )  # only those who said «ja»
    publish(round_2027)
    cells = ItemCell.objects.filter(round=round_2027)
    assert sum(c.dont_know for c in cells.filter(item_id=first)) == 6
    assert sum(c.not_relevant for c in cells.filter(item_id=first)) == 0
    assert sum(c.not_relevant for c in cells.filter(item_id=second)) == 6
    assert sum(c.dont_know for c in cells.filter(item_id=second)) == 0
    outcome = ScoreCell.objects.get(round=round_2027, kind=ScoreKind.OUTCOME, code="outcome")
    assert outcome.n == 6
    # «ja» + suggested: (1 + 1) / 2 → 5; «nei»: (0 + 0 + 0 + 0 + 1) / 5 → 1.8
    assert outcome.total == pytest.approx(4 * 5 + 2 * 1.8)
    assert (
        MunicipalityScore.objects.get(round=round_2027, kind=ScoreKind.OUTCOME, code="outcome").n
        == 6
    )


# --- the report -------------------------------------------------------------------------------


def _fill(round_, spec, counts, seed=3, units=None):
    rng = random.Random(seed)
    rows = []
    for number, count in counts.items():
        municipality = Municipality.objects.get(number=number)
        rows += synthetic_rows(
            spec=spec,
            municipality_id=municipality.pk,
            count=count,
            rng=rng,
            units_by_sector=units if number == "4640" else None,
        )
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


def test_report_shows_the_outcome_section_and_both_missing_rates(
    round_2027, spec_2027, django_assert_max_num_queries
):
    _fill(round_2027, spec_2027, {"4640": 80, "1506": 40})
    publish(round_2027)
    client = Client()
    client.force_login(make_user("koord", "coordinator", municipality_number="4640"))
    args = {"slug": round_2027.slug, "number": "4640"}
    _published_spec.cache_clear()
    with django_assert_max_num_queries(16):
        page = client.get(reverse("reports:municipality_report", kwargs=args))
    html = page.content.decode()
    assert "Resultater: hva er tatt i bruk?" in html
    assert 'id="outcome-index-table"' in html and 'id="outcome-OUT2"' in html
    report = page.context["report"]
    index = report.outcomes["index"]
    assert not index.suppressed and 0 <= index.index <= 100
    # the radar and the overall maturity carry the twelve dimensions, never the outcome
    assert [s.code for s in report.dimensions] == [d.code for d in spec_2027.dimensions]
    dimension = client.get(
        reverse("reports:dimension", kwargs={**args, "code": "trygghet"})
    ).content.decode()
    assert "Ikke relevant" in dimension
    items = report.items["trygghet"]
    assert all(i["not_relevant_rate"] is not None for i in items)
    assert sum(i["not_relevant"] for i in items) > 0
    tables = csv_tables(client.get(reverse("reports:export_csv", kwargs=args)).content)
    export = "\n".join(";".join(row) for rows in tables.values() for row in rows)
    assert "Ikke relevant (%)" in export and "Resultatindeks (0–100)" in export
    pdf = client.get(reverse("reports:export_pdf", kwargs=args))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_outcome_index_hidden_below_the_minimum(round_2027, spec_2027):
    _fill(round_2027, spec_2027, {"4640": 40, "1506": 4})
    publish(round_2027)
    from municipalities.selectors import ReportScope

    report = municipality_report(
        round_2027, ReportScope(municipality=Municipality.objects.get(number="4640"), unit=None)
    )
    assert not report.outcomes["index"].suppressed
    # Molde has 4: the national figure minus Sogndal's would be Molde's, so it is hidden
    assert report.outcomes["national"].suppressed


def test_attack_unit_leader_cannot_get_the_rest_of_the_kommune_by_subtraction(
    round_2027, spec_2027, sogndal_units
):
    """A unit leader sees the subtree's outcome index, the coordinator sees the kommune's. Where
    the kommune minus the subtree is fewer than the minimum, the subtree's index is hidden."""
    from municipalities.selectors import ReportScope

    sogndal = Municipality.objects.get(number="4640")
    heim = sogndal_units["heim"]
    rows = []
    for n in range(12):
        rows.append(
            ResponseData(
                municipality_id=sogndal.pk,
                staff_group="medarbeider",
                sector="helse_omsorg" if n < 10 else "oppvekst",
                unit_id=heim.pk if n < 10 else None,
                tenure="",
                answers={i.code: 3 for i in spec_2027.items_for("medarbeider")},
                outcomes={
                    "OUT1": ["adopted_no"],
                    "OUT6": ["suggested_yes" if n < 10 else "suggested_no"],
                },
            )
        )
    services.record_responses(round_=round_2027, rows=rows, source=ResponseSource.IMPORT)
    publish(round_2027)
    kommune = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=None))
    subtree = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=heim))
    assert not kommune.outcomes["index"].suppressed  # 12 people
    # 12 − 10 = 2 people: the subtree's index would give away the two others' answers
    assert subtree.suppressed or subtree.outcomes["index"].suppressed


def test_attack_shares_about_the_change_are_hidden_where_few_said_yes(round_2027, spec_2027):
    """Only those who said «ja» answer where the idea came from. A staff group with fewer than
    the minimum «ja» answers shows no shares (they would describe those few people), and the
    next-smallest group is hidden with it so the kommune's share minus the shown groups' does
    not give them away."""
    from municipalities.selectors import ReportScope

    sogndal = Municipality.objects.get(number="4640")
    rows = []
    for group, count, yes in (("medarbeider", 20, 12), ("stab", 8, 2), ("mellomleder", 8, 6)):
        for n in range(count):
            rows.append(
                ResponseData(
                    municipality_id=sogndal.pk,
                    staff_group=group,
                    sector="helse_omsorg",
                    unit_id=None,
                    tenure="",
                    answers={i.code: 3 for i in spec_2027.items_for(group)},
                    outcomes={
                        "OUT1": ["adopted_yes" if n < yes else "adopted_no"],
                        "OUT2": ["source_users" if group == "stab" else "source_staff"],
                    },
                )
            )
    services.record_responses(round_=round_2027, rows=rows, source=ResponseSource.IMPORT)
    publish(round_2027)
    report = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=None))
    question = next(q for q in report.outcomes["questions"] if q["code"] == "OUT2")
    users = next(o for o in question["options"] if o["code"] == "source_users")
    by_group = {g["staff_group"]: g["percent"] for g in users["by_staff_group"]}
    assert by_group["stab"] is None  # 2 said «ja»
    assert by_group["mellomleder"] is None  # 6, hidden with stab: 2 alone would be derivable
    assert by_group["medarbeider"] == 0.0
    assert users["percent"] == pytest.approx(100 * 2 / 20, abs=0.1)  # the kommune's 20 «ja»


# --- answering --------------------------------------------------------------------------------


def test_respondent_sees_the_reference_point_both_missing_options_and_the_outcome_page(
    round_2027, spec_2027
):
    participation = round_2027.participations.get(municipality__number="4640")
    link = services.create_open_link(participation=participation)
    from assessment.tokens import open_link_token

    client = Client()
    start = reverse("assessment:open_link", args=[open_link_token(link.salt)])
    client.post(start, {"language": "nn"}, follow=True)
    page = lambda n: reverse("assessment:page", args=[n])  # noqa: E731
    client.post(page(1), {"staff_group": "medarbeider", "sector": "helse_omsorg", "nav": "next"})
    html = client.get(page(2)).content.decode()
    assert "<h1" in html and "Strategisk forankring" in html  # the theme is the heading
    assert "Tenk på kommunen." in html or "Tenk på kommunen" in html
    assert 'value="na"' in html and 'value="x"' in html
    pages = [p for p in range(2, 40)]
    number = 2
    for number in pages:
        html = client.get(page(number)).content.decode()
        codes = list(
            dict.fromkeys(re.findall(r'name="([A-Z]{2,4}[0-9]{1,2})" value="[1-5xna]+"', html))
        )
        if not codes:
            break
        answers = {code: "4" for code in codes}
        answers[codes[0]] = "na"
        client.post(page(number), {**answers, "nav": "next"})
    client.post(page(number), {"barriers": ["regelverk_tolkning"], "nav": "next"})
    html = client.get(page(number + 1)).content.decode()
    assert 'name="OUT1"' in html and 'name="OUT6"' in html
    client.post(
        page(number + 1),
        {"OUT1": "adopted_yes", "OUT2": ["source_staff"], "OUT6": "suggested_yes", "nav": "next"},
    )
    client.post(reverse("assessment:submit"))
    response = Response.objects.get()
    assert response.language == "nn"
    assert Answer.objects.filter(response=response, not_relevant=True).count() >= 10
    assert set(response.choices.values_list("option__code", flat=True)) == {
        "regelverk_tolkning",
        "adopted_yes",
        "source_staff",
        "suggested_yes",
    }
    outcome = response.scores.get(kind=ScoreKind.OUTCOME, code="outcome")
    assert outcome.value == pytest.approx(5.0)  # ja and suggested; nothing else answered


# --- the method page --------------------------------------------------------------------------


def test_method_page_cites_author_year_and_title_and_lists_what_changed(
    both_versions, client, django_assert_max_num_queries
):
    _published_spec.cache_clear()
    with django_assert_max_num_queries(10):
        html = client.get(reverse("reports:method")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # a trait statement cites the work readably; file and lines stay beside it
    assert "Olav Strømsvåg (2017), En studie av medarbeiderdrevet innovasjon" in text
    assert "linje 880–882 [001_8209b2b4c9d22621.txt]" in text
    assert "Kjersti Sandvik (2023). Det er som å snu et tankskip." in text
    # what changed from 2026.1, from the `changes` section and from the two files
    assert "Hva er endret fra versjon 2026.1 til 2027.1" in text
    assert "RES4 → RES5" in text
    added = re.search(r"Nye påstandskoder: ([^.]+)\.", text)[1]
    assert "KUL1" in added and "RES4" not in added
    assert "MED6" in re.search(r"Tatt ut: ([^.]+)\.", text)[1]
    assert "Resultater: hva er tatt i bruk?" in text
    assert "«vet ikke» eller «ikke relevant»" in text
