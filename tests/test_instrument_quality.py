"""Quality of the questionnaire itself, checked on the data file: unique codes, counts, reverse
keying without «ikke», the MDI traits, three complete languages, readability (LIX), sources that
point at existing seed lines, levels and actions, barriers and promoters, and a score for every
staff group in every dimension.

Each check collects every offender and fails with the full list, so one run shows everything that
must be rewritten."""

import math
import re
import statistics
from pathlib import Path

import pytest
from django.conf import settings

from assessment.instrument_files import (
    KS_TOOLS,
    expand_audience,
)
from assessment.scoring import score_response
from assessment.traits import TRAITS
from municipalities.models import StaffGroup
from tests.helpers import STAFF_GROUPS
from tests.instrument_data import DATA, DIMENSIONS, ITEMS, LANGUAGES

SEEDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "seeds"
NEGATION = re.compile(r"\b(ikke|ikkje)\b", re.IGNORECASE)


def _texts(node, path="$"):
    """Every three-language text {nb, nn, en} in the data file, with where it is."""
    if isinstance(node, dict):
        if set(node) == set(LANGUAGES):
            yield path, node
        else:
            for key, value in node.items():
                yield from _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{path}[{index}]")


# --- Readability: LIX ------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?:]+")


def lix(text: str) -> float:
    """LIX = words / sentences + 100 × long words (more than 6 letters) / words."""
    words = WORD.findall(text)
    sentences = max(1, len(SENTENCE_END.findall(text)))
    long_words = sum(1 for word in words if sum(ch.isalpha() for ch in word) > 6)
    return len(words) / sentences + 100 * long_words / len(words)


def test_lix_helper_matches_hand_computation():
    # 4 words, 1 sentence, no long words.
    assert lix("Vi har en plan.") == pytest.approx(4.0)
    # 5 words, 2 sentences, 3 long words ("tester" has exactly 6 letters: not long).
    assert lix("Kommunedirektøren prioriterer innovasjonsarbeid. Vi tester.") == pytest.approx(
        5 / 2 + 100 * 3 / 5
    )
    # A hyphenated compound is one word; its letters decide whether it is long.
    assert lix("KS-verktøy hjelper.") == pytest.approx(2 + 100 * 2 / 2)


# --- Quality checks on the data file ---------------------------------------------------------


def test_codes_are_unique():
    dimension_codes = [d["code"] for d in DIMENSIONS]
    item_codes = [i["code"] for i in ITEMS]
    assert len(dimension_codes) == len(set(dimension_codes)), dimension_codes
    duplicates = sorted({c for c in item_codes if item_codes.count(c) > 1})
    assert duplicates == []
    for kind in ("barriers", "promoters"):
        codes = [o["code"] for o in DATA[kind]]
        assert len(codes) == len(set(codes)), (kind, codes)


def test_counts_per_dimension_and_in_all():
    assert 10 <= len(DIMENSIONS) <= 12
    wrong = {d["code"]: len(d["items"]) for d in DIMENSIONS if not 3 <= len(d["items"]) <= 6}
    assert wrong == {}, "dimensions need 3-6 statements"
    assert 45 <= len(ITEMS) <= 55


def test_reverse_keyed_items_are_sparing_and_never_an_ikke_negation():
    too_many = {
        d["code"]: [i["code"] for i in d["items"] if i["reverse"]]
        for d in DIMENSIONS
        if sum(i["reverse"] for i in d["items"]) > 1
    }
    assert too_many == {}, "at most one reverse-keyed statement per dimension"
    negations = [
        (i["code"], lang, i["text"][lang])
        for i in ITEMS
        if i["reverse"]
        for lang in ("nb", "nn")
        if NEGATION.search(i["text"][lang])
    ]
    assert negations == []
    # The instrument does use reverse keying somewhere, so the check above has something to check.
    assert any(i["reverse"] for i in ITEMS)


def test_statements_are_positively_worded_without_ikke():
    """domain.md §3: statements are positively worded; a negation is never the way to reverse."""
    offenders = [
        (i["code"], lang, i["text"][lang])
        for i in ITEMS
        for lang in ("nb", "nn")
        if NEGATION.search(i["text"][lang])
    ]
    assert offenders == []


def test_each_mdi_trait_is_on_at_least_two_statements():
    assert len(TRAITS) == 9
    counts = {trait: 0 for trait in TRAITS}
    unknown = []
    for item in ITEMS:
        trait = item.get("trait")
        if trait is None:
            continue
        if trait in counts:
            counts[trait] += 1
        else:
            unknown.append((item["code"], trait))
    assert unknown == []
    assert {t: n for t, n in counts.items() if n < 2} == {}


def test_all_three_languages_present_and_translated():
    texts = list(_texts(DATA))
    assert len(texts) > 200  # titles, names, definitions, levels, actions, statements, options
    missing = [
        (path, lang) for path, text in texts for lang in LANGUAGES if not str(text[lang]).strip()
    ]
    assert missing == []
    untranslated = [path for path, text in texts if text["en"] in (text["nb"], text["nn"])]
    assert untranslated == [], "English text identical to a Norwegian one"
    # Statements and why-texts are whole sentences: a nynorsk copy of the bokmål is a mistake.
    same_nn = [
        (i["code"], part)
        for i in ITEMS
        for part in ("text", "why")
        if i[part]["nb"] == i[part]["nn"]
    ]
    assert same_nn == []


def test_bokmal_statements_are_easy_to_read():
    scores = {i["code"]: lix(i["text"]["nb"]) for i in ITEMS}
    hard = {code: round(score, 1) for code, score in scores.items() if score > 45}
    assert hard == {}, "LIX above 45"
    assert statistics.median(scores.values()) <= 35


def test_sources_point_at_existing_lines_in_the_seeds():
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"{SEEDS_DIR} is not available here")
    line_counts = {}
    lines_of = {}
    for path in SEEDS_DIR.glob("*.txt"):
        lines_of[path.name] = path.read_text(encoding="utf-8").splitlines()
        line_counts[path.name] = len(lines_of[path.name])
    cited = [(i["code"], s) for i in ITEMS for s in i["sources"]]
    cited += [
        (o["code"], s)
        for k in ("barriers", "promoters")
        for o in DATA[k]
        for s in o.get("sources", [])
    ]
    assert len(cited) >= len(ITEMS)
    problems = []
    for code, source in cited:
        first, last = source["lines"]
        if source["seed"] not in line_counts:
            problems.append((code, source["seed"], "no such seed"))
        elif not 1 <= first <= last <= line_counts[source["seed"]]:
            problems.append((code, source["seed"], first, last, line_counts[source["seed"]]))
        elif not any(line.strip() for line in lines_of[source["seed"]][first - 1 : last]):
            problems.append((code, source["seed"], first, last, "only blank lines"))
    assert problems == []


def test_every_statement_has_a_why_text_and_a_source():
    missing = [i["code"] for i in ITEMS if not i["sources"] or not i["why"]["nb"].strip()]
    assert missing == []


def test_levels_and_actions_of_every_dimension():
    problems = []
    for d in DIMENSIONS:
        if len(d["levels"]) != 5:
            problems.append((d["code"], "levels", len(d["levels"])))
        if not 2 <= len(d["actions"]) <= 4:
            problems.append((d["code"], "actions", len(d["actions"])))
        for action in d["actions"]:
            if action.get("ks_tool") not in (*KS_TOOLS, None):
                problems.append((d["code"], "ks_tool", action.get("ks_tool")))
    assert problems == []
    assert set(KS_TOOLS) == {"BLT/N3", "Veikart for tjenesteinnovasjon", "SLIK"}


def test_barriers_and_promoters():
    for kind in ("barriers", "promoters"):
        options = DATA[kind]
        assert 8 <= len(options) <= 12, kind
        codes = [o["code"] for o in options]
        assert len(codes) == len(set(codes)), kind
    # A barrier and a promoter are different questions: no option is both, word for word.
    assert not {o["text"]["nb"] for o in DATA["barriers"]} & {
        o["text"]["nb"] for o in DATA["promoters"]
    }


@pytest.mark.django_db
def test_every_staff_group_can_get_a_score_in_every_dimension(spec):
    """A respondent gets a dimension score only after answering at least half (rounded up) of the
    statements their group sees; every non-optional group must see at least half of each
    dimension, and answering what they see must give them a score everywhere."""
    groups = list(StaffGroup.objects.filter(is_optional=False).values_list("code", flat=True))
    assert set(groups) >= set(STAFF_GROUPS)
    all_codes = list(StaffGroup.objects.values_list("code", flat=True))
    too_few = []
    for d in DIMENSIONS:
        for group in groups:
            seen = [i for i in d["items"] if group in expand_audience(i["audience"], all_codes)]
            if len(seen) < math.ceil(len(d["items"]) / 2):
                too_few.append((d["code"], group, len(seen), len(d["items"])))
    assert too_few == []

    dimension_codes = {d.code for d in spec.dimensions}
    for group in groups:
        visible = spec.items_for(group)
        everything = {i.code: 4 for i in visible}
        scored = {
            code
            for kind, code in score_response(spec, staff_group=group, answers=everything)
            if kind == "dimension"
        }
        assert scored == dimension_codes, group
        # Answering exactly half (rounded up) of each dimension still gives a score.
        half = {}
        for d in spec.dimensions:
            mine = d.items_for(group)
            half.update({i.code: 3 for i in mine[: math.ceil(len(mine) / 2)]})
        scored = {
            code
            for kind, code in score_response(spec, staff_group=group, answers=half)
            if kind == "dimension"
        }
        assert scored == dimension_codes, group
