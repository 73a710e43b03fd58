"""Writes for the instrument: load the data file, publish a version, copy a version to a new draft."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import StaffGroup

from ..instrument_files import DEFAULT_INSTRUMENT, expand_audience, read_instrument_file
from ..models import (
    Dimension,
    InstrumentVersion,
    Item,
    Option,
    OptionKind,
)


@transaction.atomic
def load_instrument(*, path: Path = DEFAULT_INSTRUMENT, publish: bool = False) -> InstrumentVersion:
    """Load the data file as a draft version (replacing an earlier draft of the same version),
    and publish it if asked. Re-loading an identical published file changes nothing."""
    data, sha = read_instrument_file(path)
    version = InstrumentVersion.objects.filter(version=data["version"]).first()
    if version is not None and version.is_published:
        if version.source_sha256 != sha:
            raise ValidationError(
                _(
                    "Versjon %s er allerede publisert og kan ikke endres. "
                    "Gi fila et nytt versjonsnummer."
                )
                % version.version
            )
        return version
    metadata = {
        key: data[key] for key in ("missing", "outcomes", "references", "changes") if key in data
    }
    if version is None:
        version = InstrumentVersion.objects.create(
            version=data["version"], title=data["title"], source_sha256=sha, metadata=metadata
        )
    else:
        version.dimensions.all().delete()
        version.options.all().delete()
        version.title, version.source_sha256, version.metadata = data["title"], sha, metadata
        version.save()
    _create_parts(version, data)
    if publish:
        publish_version(version=version)
    return version


def _create_parts(version: InstrumentVersion, data: dict) -> None:
    staff_group_codes = list(StaffGroup.objects.values_list("code", flat=True))
    item_order = 0
    items = []
    for order, dim in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            version=version,
            code=dim["code"],
            order=order,
            name=dim["name"],
            definition=dim["definition"],
            levels=dim["levels"],
            actions=[{"text": a["text"], "ks_tool": a.get("ks_tool")} for a in dim["actions"]],
            reference=dim.get("reference", ""),
        )
        for item in dim["items"]:
            items.append(
                Item(
                    version=version,
                    dimension=dimension,
                    code=item["code"],
                    order=item_order,
                    text=item["text"],
                    reverse=item["reverse"],
                    audience=expand_audience(item["audience"], staff_group_codes),
                    trait=item.get("trait") or "",
                    why=item["why"],
                    sources=item["sources"],
                )
            )
            item_order += 1
    Item.objects.bulk_create(items)
    options = [
        Option(
            version=version,
            kind=kind,
            code=option["code"],
            order=order,
            text=option["text"],
            sources=option.get("sources", []),
        )
        for kind, key in ((OptionKind.BARRIER, "barriers"), (OptionKind.PROMOTER, "promoters"))
        for order, option in enumerate(data[key])
    ]
    questions = data.get("outcomes", {}).get("questions", [])
    options += [
        Option(
            version=version,
            kind=OptionKind.OUTCOME,
            code=option["code"],
            order=order,
            text=option["text"],
            sources=question["sources"],
            question=question["code"],
            points=option.get("points"),
        )
        for order, (question, option) in enumerate((q, o) for q in questions for o in q["options"])
    ]
    Option.objects.bulk_create(options)


@transaction.atomic
def publish_version(*, version: InstrumentVersion) -> InstrumentVersion:
    if version.is_published:
        raise ValidationError(_("Versjon %s er allerede publisert.") % version.version)
    if not version.items.exists():
        raise ValidationError(_("En versjon uten påstander kan ikke publiseres."))
    version.published_at = timezone.now()
    version.save()
    return version


@transaction.atomic
def copy_version(*, source: InstrumentVersion, new_version: str) -> InstrumentVersion:
    """Start a new draft from an existing version. Codes are kept so trends stay comparable."""
    if InstrumentVersion.objects.filter(version=new_version).exists():
        raise ValidationError(_("Versjon %s finnes allerede.") % new_version)
    copy = InstrumentVersion.objects.create(
        version=new_version, title=source.title, metadata=source.metadata
    )
    dimension_map = {}
    for dimension in source.dimensions.all():
        dimension_map[dimension.pk] = Dimension.objects.create(
            version=copy,
            code=dimension.code,
            order=dimension.order,
            name=dimension.name,
            definition=dimension.definition,
            levels=dimension.levels,
            actions=dimension.actions,
            reference=dimension.reference,
        )
    Item.objects.bulk_create(
        Item(
            version=copy,
            dimension=dimension_map[item.dimension_id],
            code=item.code,
            order=item.order,
            text=item.text,
            reverse=item.reverse,
            audience=item.audience,
            trait=item.trait,
            why=item.why,
            sources=item.sources,
        )
        for item in source.items.all()
    )
    Option.objects.bulk_create(
        Option(
            version=copy,
            kind=o.kind,
            code=o.code,
            order=o.order,
            text=o.text,
            sources=o.sources,
            question=o.question,
            points=o.points,
        )
        for o in source.options.all()
    )
    return copy
