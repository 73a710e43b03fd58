"""Instrument 2027.1 (issue 13, items 1 and 2), the file beside 2026.1: the export with traits,
outcomes, both missing options and new codes; nynorsk without bokmål forms; language slips and
audiences corrected; citations that point at existing lines; unchanged codes keeping their
text; and the method page citing its sources and listing what changed. Scoring, the report and
answering are in tests/test_instrument_2027_results.py."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from assessment.instrument_files import DEFAULT_INSTRUMENT, INSTRUMENT_FILES
from assessment.selectors import _published_spec, get_instrument_spec
from assessment.traits import TRAITS
from reports.selectors.trend import comparable_codes

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
