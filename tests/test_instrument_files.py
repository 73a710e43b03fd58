"""Loading and exporting the instrument: `load_instrument` (publish or draft, reloading the same
file, a changed file under a published version number, schema errors and the rules beyond the
schema, reported in Norwegian at their place) and `export_instrument` (the documented JSON shape,
a named draft, an unknown version)."""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assessment import services
from assessment.instrument_files import (
    KS_TOOLS,
    validate_instrument_data,
)
from assessment.models import (
    InstrumentVersion,
    Item,
    OptionKind,
)
from assessment.traits import LEADER_GROUPS
from municipalities.models import StaffGroup
from tests.instrument_data import DATA, DIMENSIONS, ITEMS, LANGUAGES
from tests.properties import examples

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
