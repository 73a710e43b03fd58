"""The instrument: quality of the questionnaire itself, loading/export, the freeze of published
versions (models, querysets, admin), copying to a new version, the method page and reliability.

The quality checks read the data file (assessment/instrument/innovasjonsradar.yaml) directly, so
they test what the editors wrote, not what the database happens to accept. Each check collects
every offender and fails with the full list, so one run shows everything that must be rewritten.
"""

import copy
import html
import json
import math
import re
import statistics
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assessment import services
from assessment.instrument_files import (
    DEFAULT_INSTRUMENT,
    KS_TOOLS,
    expand_audience,
    validate_instrument_data,
)
from assessment.models import (
    Dimension,
    FrozenInstrumentError,
    InstrumentVersion,
    Item,
    Option,
    OptionKind,
    ResponseSource,
)
from assessment.scoring import score_response
from assessment.selectors import get_instrument_spec
from assessment.traits import LEADER_GROUPS, TRAITS
from municipalities.models import Municipality, StaffGroup
from reports.publication import publish_due_rounds
from reports.reliability import compute_alphas as cronbach_alphas
from tests.factories import RoundFactory
from tests.properties import examples

DATA = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
DIMENSIONS = DATA["dimensions"]
ITEMS = [item for dimension in DIMENSIONS for item in dimension["items"]]
LANGUAGES = ("nb", "nn", "en")
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
    assert set(groups) >= {
        "toppleder",
        "mellomleder",
        "forstelinjeleder",
        "medarbeider",
        "tillitsvalgt",
        "stab",
    }
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


# --- Loading and exporting -------------------------------------------------------------------


def _write(tmp_path, data, name="instrument.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_load_instrument_publish_on_a_fresh_database(no_instrument):
    assert not InstrumentVersion.objects.exists()
    out = StringIO()
    call_command("load_instrument", "--publish", stdout=out)
    assert set(InstrumentVersion.objects.values_list("version", flat=True)) == {"2026.1", "2027.1"}
    version = InstrumentVersion.objects.get(version=DATA["version"])
    assert version.version == DATA["version"]
    assert version.is_published
    assert version.dimensions.count() == len(DIMENSIONS)
    assert version.items.count() == len(ITEMS)
    assert version.options.filter(kind=OptionKind.BARRIER).count() == len(DATA["barriers"])
    assert version.options.filter(kind=OptionKind.PROMOTER).count() == len(DATA["promoters"])
    assert "publisert" in out.getvalue()
    assert f"{len(ITEMS)} påstander" in out.getvalue()


@pytest.mark.django_db
def test_load_without_publish_gives_an_editable_draft(no_instrument):
    call_command("load_instrument", stdout=StringIO())
    version = InstrumentVersion.objects.get(version=DATA["version"])
    assert not version.is_published
    item = version.items.first()
    item.text = {**item.text, "nb": "Endret i utkastet."}
    item.save()  # a draft can be edited
    assert Item.objects.get(pk=item.pk).text["nb"] == "Endret i utkastet."


@pytest.mark.django_db
def test_export_instrument_prints_the_documented_json_shape(instrument):
    out = StringIO()
    call_command("export_instrument", stdout=out)
    exported = json.loads(out.getvalue())

    assert set(exported) == {
        "version",
        "published",
        "dimensions",
        "barriers",
        "promoters",
        "missing_options",
        "traits",
        "outcomes",
        "references",
        "changes",
        "staff_groups",
        "sectors",
    }
    assert exported["version"] == DATA["version"]
    assert exported["published"] is True
    assert [d["code"] for d in exported["dimensions"]] == [d["code"] for d in DIMENSIONS]
    all_groups = [g["code"] for g in exported["staff_groups"]]
    assert all_groups == list(StaffGroup.objects.values_list("code", flat=True))
    for dimension, source in zip(exported["dimensions"], DIMENSIONS, strict=True):
        assert set(dimension) == {
            "code",
            "name",
            "definition",
            "levels",
            "actions",
            "reference",
            "items",
        }
        assert set(dimension["name"]) == set(LANGUAGES)
        assert dimension["name"] == source["name"]
        assert dimension["definition"] == source["definition"]
        assert dimension["levels"] == [
            {"level": n, "text": text} for n, text in enumerate(source["levels"], start=1)
        ]
        for action in dimension["actions"]:
            assert set(action) == {"text", "ks_tool"}
            assert action["ks_tool"] in (*KS_TOOLS, None)
        assert [a["text"] for a in dimension["actions"]] == [a["text"] for a in source["actions"]]
        assert [i["code"] for i in dimension["items"]] == [i["code"] for i in source["items"]]
        for item, source_item in zip(dimension["items"], source["items"], strict=True):
            assert set(item) == {"code", "text", "reverse", "audience", "trait", "why", "sources"}
            assert item["text"] == source_item["text"]
            assert item["why"] == source_item["why"]
            assert item["reverse"] is source_item["reverse"]
            assert item["trait"] == source_item.get("trait")
            assert item["sources"] == source_item["sources"]
            for src in item["sources"]:
                assert set(src) == {"seed", "lines"}
            expected = (
                all_groups
                if source_item["audience"] == "all"
                else list(LEADER_GROUPS)
                if source_item["audience"] == "leaders"
                else source_item["audience"]
            )
            assert item["audience"] == [g for g in all_groups if g in expected]
    for kind in ("barriers", "promoters"):
        assert exported[kind] == [{"code": o["code"], "text": o["text"]} for o in DATA[kind]]
    assert len(exported["sectors"]) == 7
    for row in exported["staff_groups"] + exported["sectors"]:
        assert set(row) == {"code", "name"}
        assert set(row["name"]) == set(LANGUAGES)


@pytest.mark.django_db
def test_export_of_a_named_draft_and_of_an_unknown_version(instrument):
    services.copy_version(source=instrument, new_version="2027.1")
    out = StringIO()
    call_command("export_instrument", "--version", "2027.1", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["version"] == "2027.1"
    assert exported["published"] is False
    # Without --version the published one is exported, not the newer draft.
    out = StringIO()
    call_command("export_instrument", stdout=out)
    assert json.loads(out.getvalue())["version"] == DATA["version"]
    with pytest.raises(CommandError, match="Fant ingen versjon 9999"):
        call_command("export_instrument", "--version", "9999", stdout=StringIO())


@pytest.mark.django_db
def test_reloading_the_same_published_file_changes_nothing(instrument):
    before = (
        instrument.published_at,
        instrument.source_sha256,
        list(instrument.items.order_by("pk").values_list("pk", "code", "text")),
    )
    again = services.load_instrument(publish=True)
    call_command("load_instrument", "--publish", stdout=StringIO())
    call_command("load_instrument", stdout=StringIO())
    assert again.pk == instrument.pk
    # The command without a path loads every shipped version: 2026.1 (unchanged) and 2027.1.
    assert set(InstrumentVersion.objects.values_list("version", flat=True)) == {"2026.1", "2027.1"}
    instrument.refresh_from_db()
    after = (
        instrument.published_at,
        instrument.source_sha256,
        list(instrument.items.order_by("pk").values_list("pk", "code", "text")),
    )
    assert after == before


@pytest.mark.django_db
def test_a_modified_file_with_the_same_version_number_is_refused_in_norwegian(instrument, tmp_path):
    data = copy.deepcopy(DATA)
    data["dimensions"][0]["items"][0]["text"]["nb"] = "En ny formulering av påstanden."
    path = _write(tmp_path, data)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_instrument", str(path), "--publish", stdout=StringIO())
    message = str(excinfo.value)
    assert f"Versjon {DATA['version']} er allerede publisert" in message
    assert "nytt versjonsnummer" in message
    first = DATA["dimensions"][0]["items"][0]
    assert Item.objects.get(version=instrument, code=first["code"]).text == first["text"]
    assert InstrumentVersion.objects.count() == 1

    # The same change under a new version number is how a change is made.
    data["version"] = "2027.1"
    path = _write(tmp_path, data, "ny.yaml")
    call_command("load_instrument", str(path), "--publish", stdout=StringIO())
    new = InstrumentVersion.objects.get(version="2027.1")
    assert new.is_published
    assert new.items.get(code=first["code"]).text["nb"] == "En ny formulering av påstanden."
    assert Item.objects.get(version=instrument, code=first["code"]).text == first["text"]


def _remove(data, dimension, item, key):
    data = copy.deepcopy(data)
    del data["dimensions"][dimension]["items"][item][key]
    return data


@pytest.mark.django_db
def test_a_file_failing_the_schema_names_the_place_and_loads_nothing(no_instrument, tmp_path):
    path = _write(tmp_path, _remove(DATA, 1, 2, "why"))
    with pytest.raises(CommandError) as excinfo:
        call_command("load_instrument", str(path), "--publish", stdout=StringIO())
    message = str(excinfo.value)
    assert "følger ikke skjemaet" in message
    assert "dimensions/1/items/2" in message
    assert "why" in message
    assert not InstrumentVersion.objects.exists()

    data = copy.deepcopy(DATA)
    data["dimensions"][3]["levels"].pop()
    with pytest.raises(CommandError, match="dimensions/3/levels"):
        call_command("load_instrument", str(_write(tmp_path, data)), stdout=StringIO())

    (tmp_path / "broken.yaml").write_text("version: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match="ikke gyldig YAML"):
        call_command("load_instrument", str(tmp_path / "broken.yaml"), stdout=StringIO())
    with pytest.raises(CommandError, match="Kan ikke lese fila"):
        call_command("load_instrument", str(tmp_path / "finnes-ikke.yaml"), stdout=StringIO())
    assert not InstrumentVersion.objects.exists()


REQUIRED_ITEM_KEYS = ["code", "text", "reverse", "audience", "why", "sources"]


@given(
    dimension=st.integers(min_value=0, max_value=len(DIMENSIONS) - 1),
    position=st.integers(min_value=0, max_value=5),
    key=st.sampled_from(REQUIRED_ITEM_KEYS),
)
@hsettings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_missing_statement_field_is_reported_at_its_statement(dimension, position, key):
    item = position % len(DIMENSIONS[dimension]["items"])
    with pytest.raises(ValidationError) as excinfo:
        validate_instrument_data(_remove(DATA, dimension, item, key))
    message = " ".join(excinfo.value.messages)
    assert f"dimensions/{dimension}/items/{item}:" in message
    assert repr(key) in message


@pytest.mark.django_db
def test_rules_beyond_the_schema_are_reported_clearly(no_instrument, tmp_path):
    data = copy.deepcopy(DATA)
    first_code = data["dimensions"][0]["items"][0]["code"]
    data["dimensions"][1]["items"][0]["code"] = first_code
    data["dimensions"][2]["actions"][0]["ks_tool"] = "Lean"
    data["dimensions"][3]["items"][0]["trait"] = "humor"
    data["dimensions"][4]["items"][0]["audience"] = ["medarbeider", "rektor"]
    with pytest.raises(CommandError) as excinfo:
        call_command("load_instrument", str(_write(tmp_path, data)), stdout=StringIO())
    message = str(excinfo.value)
    assert f"Påstandskoden {first_code} er brukt to ganger" in message
    assert "Ukjent KS-verktøy «Lean»" in message
    assert "ukjent kulturtrekk «humor»" in message
    assert "ukjente ansattgrupper: rektor" in message
    assert not InstrumentVersion.objects.exists()


# --- The freeze of published versions --------------------------------------------------------


FROZEN_MESSAGE = "er publisert og kan ikke endres"


@pytest.fixture
def draft(instrument):
    return services.copy_version(source=instrument, new_version="2027.1")


@pytest.mark.django_db
def test_saving_a_published_statement_fails_with_a_clear_error(instrument):
    item = instrument.items.get(code="STR1")
    original = dict(item.text)
    item.text = {**item.text, "nb": "Noe helt annet."}
    with pytest.raises(FrozenInstrumentError, match=FROZEN_MESSAGE) as excinfo:
        item.save()
    assert "Lag en ny versjon ved å kopiere den" in " ".join(excinfo.value.messages)
    assert Item.objects.get(pk=item.pk).text == original

    dimension = instrument.dimensions.get(code="strategi")
    dimension.levels = dimension.levels[:4]
    with pytest.raises(FrozenInstrumentError):
        dimension.save()
    option = instrument.options.first()
    option.text = {"nb": "x", "nn": "x", "en": "x"}
    with pytest.raises(FrozenInstrumentError):
        option.save()
    instrument.title = {"nb": "Ny tittel", "nn": "Ny tittel", "en": "New title"}
    with pytest.raises(FrozenInstrumentError):
        instrument.save()
    instrument.refresh_from_db()
    assert instrument.title == DATA["title"]
    assert len(Dimension.objects.get(pk=dimension.pk).levels) == 5


@pytest.mark.django_db
def test_a_published_statement_cannot_be_moved_out_of_its_version(instrument, draft):
    """Moving a statement to a draft would silently remove it from the published version."""
    item = instrument.items.get(code="STR1")
    item.version = draft
    item.dimension = draft.dimensions.get(code="strategi")
    item.code = "STR9"
    with pytest.raises(FrozenInstrumentError):
        item.save()
    assert instrument.items.filter(code="STR1").exists()

    dimension = instrument.dimensions.get(code="strategi")
    dimension.version = draft
    dimension.code = "flyttet"
    with pytest.raises(FrozenInstrumentError):
        dimension.save()
    assert instrument.dimensions.filter(code="strategi").exists()

    moved = instrument.items.get(code="STR2")
    moved.version = draft
    with pytest.raises(FrozenInstrumentError):
        moved.delete()
    assert instrument.items.filter(code="STR2").exists()


@pytest.mark.django_db
def test_new_parts_cannot_be_added_to_a_published_version(instrument):
    dimension = instrument.dimensions.first()
    new_item = dict(
        version=instrument,
        dimension=dimension,
        code="NY1",
        text=DATA["title"],
        audience=["medarbeider"],
        why=DATA["title"],
        sources=[],
    )
    with pytest.raises(FrozenInstrumentError):
        Item.objects.create(**new_item)
    with pytest.raises(FrozenInstrumentError):
        Item.objects.bulk_create([Item(**new_item)])
    with pytest.raises(FrozenInstrumentError):
        Option.objects.bulk_create(
            [Option(version=instrument, kind=OptionKind.BARRIER, code="ny", text=DATA["title"])]
        )
    with pytest.raises(FrozenInstrumentError):
        Dimension.objects.create(
            version=instrument,
            code="ny",
            name=DATA["title"],
            definition=DATA["title"],
            levels=[],
            actions=[],
        )
    assert instrument.items.count() == len(ITEMS)
    assert instrument.dimensions.count() == len(DIMENSIONS)


@pytest.mark.django_db
def test_bulk_update_and_delete_of_published_rows_fail(instrument, draft):
    with pytest.raises(FrozenInstrumentError):
        Item.objects.filter(version=instrument).update(reverse=True)
    with pytest.raises(FrozenInstrumentError):
        instrument.items.filter(code="STR1").update(text=DATA["title"])
    # A queryset that touches both a draft and the published version is refused as a whole.
    with pytest.raises(FrozenInstrumentError):
        Item.objects.filter(code="STR1").update(trait="")
    item = instrument.items.get(code="STR2")
    item.reverse = True
    with pytest.raises(FrozenInstrumentError), transaction.atomic():
        Item.objects.bulk_update([item], ["reverse"])
    with pytest.raises(FrozenInstrumentError):
        Dimension.objects.filter(version=instrument).update(order=0)
    with pytest.raises(FrozenInstrumentError):
        InstrumentVersion.objects.filter(pk=instrument.pk).update(published_at=None)
    with pytest.raises(FrozenInstrumentError):
        instrument.options.all().update(code="x")

    with pytest.raises(FrozenInstrumentError):
        instrument.items.get(code="STR1").delete()
    with pytest.raises(FrozenInstrumentError):
        Item.objects.filter(code="STR3").delete()
    with pytest.raises(FrozenInstrumentError):
        instrument.dimensions.get(code="strategi").delete()
    with pytest.raises(FrozenInstrumentError):
        instrument.delete()
    with pytest.raises(FrozenInstrumentError):
        InstrumentVersion.objects.all().delete()

    instrument.refresh_from_db()
    assert instrument.is_published
    assert instrument.items.count() == len(ITEMS)
    assert (
        not instrument.items.filter(reverse=True)
        .exclude(code__in=[i["code"] for i in ITEMS if i["reverse"]])
        .exists()
    )
    # The draft alone is not frozen: the same operations work there.
    assert draft.items.filter(code="STR1").update(trait="") == 1
    draft.items.get(code="STR3").delete()
    assert not draft.items.filter(code="STR3").exists()
    draft.delete()
    assert not InstrumentVersion.objects.filter(version="2027.1").exists()


@pytest.mark.django_db
def test_copy_version_keeps_codes_and_gives_an_editable_draft(instrument):
    copy_ = services.copy_version(source=instrument, new_version="2027.1")
    assert copy_.pk != instrument.pk
    assert not copy_.is_published
    assert copy_.title == instrument.title

    def content(version):
        return (
            list(
                version.dimensions.values_list(
                    "code", "order", "name", "definition", "levels", "actions"
                )
            ),
            list(
                version.items.values_list(
                    "code",
                    "dimension__code",
                    "order",
                    "text",
                    "reverse",
                    "audience",
                    "trait",
                    "why",
                    "sources",
                )
            ),
            list(version.options.values_list("kind", "code", "order", "text", "sources")),
        )

    assert content(copy_) == content(instrument)
    # Every copied statement belongs to a dimension of the copy, not of the original.
    assert not copy_.items.exclude(dimension__version=copy_).exists()

    item = copy_.items.get(code="STR1")
    item.text = {**item.text, "nb": "Vi har en plan for fornyelse."}
    item.save()
    services.publish_version(version=copy_)
    copy_.refresh_from_db()
    assert copy_.is_published
    assert (
        instrument.items.get(code="STR1").text["nb"]
        == DATA["dimensions"][0]["items"][0]["text"]["nb"]
    )
    new_spec = get_instrument_spec(copy_)
    assert new_spec.items["STR1"].text["nb"] == "Vi har en plan for fornyelse."
    with pytest.raises(ValidationError, match="finnes allerede"):
        services.copy_version(source=instrument, new_version="2027.1")
    with pytest.raises(ValidationError, match="allerede publisert"):
        services.publish_version(version=copy_)


# --- The admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model, instrument):
    superuser = django_user_model.objects.create_superuser(username="super", password="x")
    client.force_login(superuser)
    return client


def _admin_url(obj, action):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["item", "dimension", "version", "option"])
def test_admin_shows_published_parts_read_only(admin_client, instrument, model):
    obj = {
        "item": lambda: instrument.items.get(code="STR1"),
        "dimension": lambda: instrument.dimensions.get(code="strategi"),
        "version": lambda: instrument,
        "option": lambda: instrument.options.first(),
    }[model]()
    response = admin_client.get(_admin_url(obj, "change"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_save"' not in page
    assert _admin_url(obj, "delete") not in page
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False

    # Neither a crafted POST to the change page nor to the delete page changes anything.
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    response = admin_client.post(_admin_url(obj, "change"), {"code": "X1", "version": "9"})
    assert response.status_code == 403
    response = admin_client.post(_admin_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


@pytest.mark.django_db
def test_admin_bulk_delete_of_published_statements_is_refused(admin_client, instrument):
    pks = list(instrument.items.values_list("pk", flat=True)[:3])
    response = admin_client.post(
        reverse("admin:assessment_item_changelist"),
        {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
    )
    assert response.status_code == 403
    assert instrument.items.count() == len(ITEMS)


@pytest.mark.django_db
def test_admin_cannot_add_a_statement_to_a_published_version(admin_client, instrument):
    dimension = instrument.dimensions.get(code="strategi")
    response = admin_client.post(
        reverse("admin:assessment_item_add"),
        {
            "version": instrument.pk,
            "dimension": dimension.pk,
            "code": "STR9",
            "order": 99,
            "text": json.dumps({"nb": "a", "nn": "b", "en": "c"}),
            "audience": '["medarbeider"]',
            "trait": "",
            "why": json.dumps({"nb": "a", "nn": "b", "en": "c"}),
            "sources": json.dumps([{"seed": "001_8209b2b4c9d22621.txt", "lines": [917, 943]}]),
        },
    )
    assert response.status_code == 200  # the form again, with an error - not a crash
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"version", "dimension"}
    assert not instrument.items.filter(code="STR9").exists()


@pytest.mark.django_db
def test_admin_copy_action_makes_an_editable_draft_with_the_same_codes(admin_client, instrument):
    response = admin_client.post(
        reverse("admin:assessment_instrumentversion_changelist"),
        {"action": "copy_to_new_version", "_selected_action": [instrument.pk]},
        follow=True,
    )
    assert response.status_code == 200
    copy_ = InstrumentVersion.objects.get(version=f"{instrument.version}-kopi")
    assert not copy_.is_published
    assert set(copy_.items.values_list("code", flat=True)) == {i["code"] for i in ITEMS}
    item = copy_.items.get(code="STR1")
    response = admin_client.get(_admin_url(item, "change"))
    assert response.context["has_change_permission"] is True
    assert 'name="_save"' in response.content.decode()


# --- The method page -------------------------------------------------------------------------


def _page_text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.django_db
def test_method_page_is_public_and_shows_the_whole_instrument(client, instrument):
    response = client.get("/om-metoden/")
    assert response.status_code == 200
    page = _page_text(response)
    missing = []
    for d in DIMENSIONS:
        for text in (d["name"]["nb"], d["definition"]["nb"], *[lvl["nb"] for lvl in d["levels"]]):
            if _norm(text) not in page:
                missing.append((d["code"], text))
        for item in d["items"]:
            if f"{item['code']}: {_norm(item['text']['nb'])}" not in page:
                missing.append((item["code"], "text"))
            if _norm(item["why"]["nb"]) not in page:
                missing.append((item["code"], "why"))
            for source in item["sources"]:
                first, last = source["lines"]
                if f"{source['seed']} l. {first}–{last}" not in page:
                    missing.append((item["code"], source["seed"], first, last))
    for kind in ("barriers", "promoters"):
        missing += [o["code"] for o in DATA[kind] if _norm(o["text"]["nb"]) not in page]
    assert missing == []


@pytest.mark.django_db
def test_method_page_explains_scoring_and_anonymity(client, instrument):
    page = _page_text(client.get("/om-metoden/"))
    assert "Slik regner vi ut skårene" in page
    assert "minst halvparten" in page
    assert "omvendt skåret" in page
    assert "Indeks 0–100 = (skår − 1) / 4 × 100" in page
    assert "1,0–1,79 = 1" in page and "4,2–5,0 = 5" in page
    assert "Slik beskytter vi anonymiteten" in page
    assert f"færre enn {settings.MIN_GROUP_SIZE} svar" in page
    assert "IP-adresse" in page


@pytest.mark.django_db
def test_method_page_shows_the_published_version_not_a_newer_draft(client, instrument, draft):
    item = draft.items.get(code="STR1")
    item.text = {**item.text, "nb": "Utkast som ingen skal se ennå."}
    item.save()
    page = _page_text(client.get("/om-metoden/"))
    assert "Utkast som ingen skal se ennå." not in page
    assert _norm(DATA["dimensions"][0]["items"][0]["text"]["nb"]) in page


@pytest.mark.django_db
def test_method_page_without_a_published_version(no_instrument, client):
    response = client.get("/om-metoden/")
    assert response.status_code == 200
    assert "Spørreskjemaet er ikke publisert ennå." in _page_text(response)


# --- Reliability: Cronbach's alpha -----------------------------------------------------------

# Ten respondents (medarbeider) on the four statements of «trygghet»; TRY4 is reverse-keyed, so
# its raw answers are stored and scored 6 − answer.
TRYGGHET_ANSWERS = [
    # TRY1 TRY2 TRY3 TRY4(raw)
    (5, 4, 5, 1),
    (4, 4, 4, 2),
    (2, 3, 2, 4),
    (3, 3, 4, 3),
    (1, 2, 1, 5),
    (4, 5, 4, 2),
    (5, 5, 4, 1),
    (2, 2, 3, 4),
    (3, 4, 3, 3),
    (4, 3, 5, 2),
]


def _alpha_by_hand(rows):
    columns = list(zip(*rows, strict=True))
    k = len(columns)
    totals = [sum(row) for row in rows]
    return (
        k
        / (k - 1)
        * (1 - sum(statistics.variance(c) for c in columns) / statistics.variance(totals))
    )


@pytest.fixture
def closed_round(municipalities, instrument):
    return RoundFactory(
        slug="runde-2025", name="Runde 2025", opens_in=-60, days=30, municipality_numbers=["1506"]
    )


def _record(round_, answer_rows, *, codes, staff_group="medarbeider"):
    molde = Municipality.objects.get(number="1506")
    rows = [
        services.ResponseData(
            municipality_id=molde.pk,
            staff_group=staff_group,
            sector="helse_omsorg",
            unit_id=None,
            tenure="",
            answers=dict(zip(codes, answers, strict=True)),
        )
        for answers in answer_rows
    ]
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


@pytest.mark.django_db
def test_cronbach_alpha_matches_a_hand_computation(closed_round, spec):
    codes = [i.code for i in spec.dimension("trygghet").items]
    assert codes == ["TRY1", "TRY2", "TRY3", "TRY4"]
    assert [i.reverse for i in spec.dimension("trygghet").items] == [False, False, False, True]
    _record(closed_round, TRYGGHET_ANSWERS, codes=codes)
    # Two more respondents with a «vet ikke» are not complete cases and do not count.
    _record(closed_round, [(5, None, 5, 1), (1, 1, None, 5)], codes=codes)

    scored = [(a, b, c, 6 - d) for a, b, c, d in TRYGGHET_ANSWERS]
    expected = _alpha_by_hand(scored)
    # On paper: item variances 16.1/9, 10.5/9, 14.5/9, 16.1/9 (sum 57.2/9); total variance
    # 198.4/9; alpha = 4/3 × (1 − 57.2/198.4) = 353/372 ≈ 0.949.
    assert expected == pytest.approx(353 / 372)
    result = cronbach_alphas(closed_round)["trygghet"]
    assert result["n"] == 10
    assert result["items"] == 4
    assert result["alpha"] == pytest.approx(expected, abs=0.005)
    # Scoring the reverse-keyed statement the wrong way round would give a very different alpha.
    assert _alpha_by_hand(TRYGGHET_ANSWERS) < 0


@pytest.mark.django_db
def test_cronbach_alpha_is_none_with_fewer_than_ten_complete_respondents(closed_round, spec):
    codes = [i.code for i in spec.dimension("trygghet").items]
    _record(closed_round, TRYGGHET_ANSWERS[:9], codes=codes)
    result = cronbach_alphas(closed_round)
    assert result["trygghet"]["alpha"] is None
    assert result["trygghet"]["n"] == 9
    # A dimension nobody answered has no alpha either.
    assert (result.get("strategi") or {"alpha": None})["alpha"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cronbach_alpha_agrees_with_the_formula_on_random_data(closed_round, spec, seed):
    import random

    rng = random.Random(seed)
    dimension = spec.dimension("strategi")
    codes = [i.code for i in dimension.items]
    rows = []
    for _ in range(rng.randint(10, 40)):
        level = rng.randint(1, 5)
        rows.append(tuple(min(5, max(1, level + rng.choice([-1, 0, 0, 1]))) for _ in codes))
    _record(closed_round, rows, codes=codes)
    scored = [
        tuple(6 - v if item.reverse else v for v, item in zip(row, dimension.items, strict=True))
        for row in rows
    ]
    alpha = cronbach_alphas(closed_round)["strategi"]["alpha"]
    assert alpha == pytest.approx(_alpha_by_hand(scored), abs=0.005)
    assert -1 <= alpha <= 1


@pytest.mark.django_db
def test_method_page_shows_alpha_for_closed_rounds_only(client, closed_round, spec):
    codes = [i.code for i in spec.dimension("trygghet").items]
    _record(closed_round, TRYGGHET_ANSWERS, codes=codes)
    today = timezone.localdate()
    services.create_round(
        slug="apen", name="Åpen runde 2026", opens_on=today, closes_on=today + timedelta(days=10)
    )
    # Figures come from publications: the closed round is published by the nightly job.
    assert "Runde 2025" not in _page_text(client.get("/om-metoden/"))
    publish_due_rounds()
    response = client.get("/om-metoden/")
    page = _page_text(response)
    markup = re.sub(r"\s+", "", html.unescape(response.content.decode()))
    assert "Reliabilitet (Cronbachs alfa)" in page
    assert "Runde 2025" in page
    assert "Åpen runde 2026" not in page
    name = re.sub(r"\s+", "", spec.dimension("trygghet").label)
    # The row for «trygghet»: alpha 0,95 (Norwegian decimal comma) from 10 complete answers.
    assert f'<thscope="row">{name}</th><td>0,95</td><td>10</td>' in markup


@pytest.mark.django_db
def test_cronbach_alpha_counts_respondents_who_answered_every_statement_they_see(
    closed_round, spec
):
    """«medvirkning» has one statement only tillitsvalgte see (MED3). Alpha is computed on the
    statements every (non-optional) staff group answers, so medarbeidere and tillitsvalgte who
    answered all of those are complete cases - not just the tillitsvalgte."""
    dimension = spec.dimension("medvirkning")
    core = set(StaffGroup.objects.filter(is_optional=False).values_list("code", flat=True))
    common = [i for i in dimension.items if core <= i.audience]
    restricted = [i for i in dimension.items if not core <= i.audience]
    assert [i.code for i in restricted] == ["MED3"] and len(common) == 5
    codes = [i.code for i in common]
    rows = [
        (5, 4, 2, 5, 4),
        (4, 4, 2, 4, 4),
        (2, 3, 4, 2, 2),
        (3, 3, 3, 4, 3),
        (1, 2, 5, 1, 2),
        (4, 5, 2, 4, 5),
        (5, 5, 1, 4, 4),
        (2, 2, 4, 3, 2),
        (3, 4, 3, 3, 3),
        (4, 3, 2, 5, 4),
    ]
    _record(closed_round, rows, codes=codes)
    # Two tillitsvalgte who also answered MED3: complete cases as well, on the same statements.
    _record(
        closed_round,
        [(2, 2, 4, 2, 1, 5), (5, 4, 1, 5, 5, 1)],
        codes=[*codes, "MED3"],
        staff_group="tillitsvalgt",
    )
    all_rows = rows + [(2, 2, 4, 2, 1), (5, 4, 1, 5, 5)]
    scored = [
        tuple(6 - v if item.reverse else v for v, item in zip(row, common, strict=True))
        for row in all_rows
    ]
    result = cronbach_alphas(closed_round)["medvirkning"]
    assert result["n"] == 12
    assert result["items"] == 5
    assert result["alpha"] == pytest.approx(_alpha_by_hand(scored), abs=0.005)
