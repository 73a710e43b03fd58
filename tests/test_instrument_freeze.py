"""The freeze of published instrument versions in the models and querysets (save, move, add,
bulk update and delete all refused with a clear error; a draft stays editable), and copying a
published version to an editable draft with the same codes."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from assessment import services
from assessment.models import (
    Dimension,
    FrozenInstrumentError,
    InstrumentVersion,
    Item,
    Option,
    OptionKind,
)
from assessment.selectors import get_instrument_spec
from tests.instrument_data import DATA, DIMENSIONS, ITEMS

# --- The freeze of published versions --------------------------------------------------------


FROZEN_MESSAGE = "er publisert og kan ikke endres"


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
