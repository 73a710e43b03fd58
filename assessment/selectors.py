"""Reads for the assessment app: the instrument, rounds, participations and response counts."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from municipalities.models import Sector, StaffGroup, localized
from municipalities.selectors import get_access_for_user

from .models import (
    Dimension,
    InstrumentVersion,
    Invitation,
    Item,
    OpenLink,
    Option,
    OptionKind,
    Participation,
    Response,
    Round,
)

# --- The instrument -------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    id: int
    code: str
    dimension_code: str
    reverse: bool
    audience: frozenset[str]
    trait: str
    text: dict
    why: dict


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    name: dict
    definition: dict
    levels: list
    actions: list
    items: tuple[ItemSpec, ...]

    def items_for(self, staff_group: str) -> tuple[ItemSpec, ...]:
        return tuple(item for item in self.items if staff_group in item.audience)

    @property
    def label(self) -> str:
        return localized(self.name)


@dataclass(frozen=True)
class OptionSpec:
    id: int
    kind: str
    code: str
    text: dict

    @property
    def label(self) -> str:
        return localized(self.text)


@dataclass(frozen=True)
class InstrumentSpec:
    """An in-memory, read-only snapshot of one instrument version (three queries to build)."""

    version_id: int
    version: str
    published: bool
    dimensions: tuple[DimensionSpec, ...]
    barriers: tuple[OptionSpec, ...]
    promoters: tuple[OptionSpec, ...]
    items: dict = field(default_factory=dict)  # code -> ItemSpec

    def dimension(self, code: str) -> DimensionSpec:
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(code)

    def items_for(self, staff_group: str) -> list[ItemSpec]:
        return [item for d in self.dimensions for item in d.items_for(staff_group)]

    @property
    def traits(self) -> list[str]:
        from .traits import TRAITS

        used = {item.trait for item in self.items.values() if item.trait}
        return [code for code in TRAITS if code in used]

    def trait_items(self, trait: str) -> list[ItemSpec]:
        return [item for item in self.items.values() if item.trait == trait]


def _build_spec(version: InstrumentVersion) -> InstrumentSpec:
    items_by_dimension: dict[int, list[ItemSpec]] = {}
    all_items = {}
    for item in Item.objects.filter(version=version).select_related("dimension"):
        spec = ItemSpec(
            id=item.pk,
            code=item.code,
            dimension_code=item.dimension.code,
            reverse=item.reverse,
            audience=frozenset(item.audience),
            trait=item.trait,
            text=item.text,
            why=item.why,
        )
        items_by_dimension.setdefault(item.dimension_id, []).append(spec)
        all_items[item.code] = spec
    dimensions = tuple(
        DimensionSpec(
            code=d.code,
            name=d.name,
            definition=d.definition,
            levels=d.levels,
            actions=d.actions,
            items=tuple(items_by_dimension.get(d.pk, [])),
        )
        for d in Dimension.objects.filter(version=version)
    )
    options = list(Option.objects.filter(version=version))
    return InstrumentSpec(
        version_id=version.pk,
        version=version.version,
        published=version.is_published,
        dimensions=dimensions,
        barriers=tuple(
            OptionSpec(o.pk, o.kind, o.code, o.text) for o in options if o.kind == OptionKind.BARRIER
        ),
        promoters=tuple(
            OptionSpec(o.pk, o.kind, o.code, o.text)
            for o in options
            if o.kind == OptionKind.PROMOTER
        ),
        items=all_items,
    )


@lru_cache(maxsize=16)
def _published_spec(version_id: int, published_at) -> InstrumentSpec:
    return _build_spec(InstrumentVersion.objects.get(pk=version_id))


def get_instrument_spec(version: InstrumentVersion) -> InstrumentSpec:
    """Published versions never change, so their snapshot is built once per process."""
    if version.is_published:
        return _published_spec(version.pk, version.published_at)
    return _build_spec(version)


def latest_published_version() -> InstrumentVersion | None:
    return (
        InstrumentVersion.objects.filter(published_at__isnull=False)
        .order_by("-published_at")
        .first()
    )


def get_version(version: str | None = None) -> InstrumentVersion:
    if version:
        found = InstrumentVersion.objects.filter(version=version).first()
    else:
        found = latest_published_version() or InstrumentVersion.objects.first()
    if found is None:
        raise InstrumentVersion.DoesNotExist(version or "")
    return found


def export_instrument(version: InstrumentVersion) -> dict:
    """The whole instrument as a JSON-ready dict (the shape of `export_instrument` and the API)."""
    spec = get_instrument_spec(version)
    sources = dict(Item.objects.filter(version=version).values_list("code", "sources"))
    return {
        "version": version.version,
        "published": version.is_published,
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "definition": d.definition,
                "levels": [{"level": i + 1, "text": text} for i, text in enumerate(d.levels)],
                "actions": [{"text": a["text"], "ks_tool": a.get("ks_tool")} for a in d.actions],
                "items": [
                    {
                        "code": item.code,
                        "text": item.text,
                        "reverse": item.reverse,
                        "audience": sorted(item.audience, key=_staff_group_order()),
                        "trait": item.trait or None,
                        "why": item.why,
                        "sources": sources[item.code],
                    }
                    for item in d.items
                ],
            }
            for d in spec.dimensions
        ],
        "barriers": [{"code": o.code, "text": o.text} for o in spec.barriers],
        "promoters": [{"code": o.code, "text": o.text} for o in spec.promoters],
        "staff_groups": [{"code": g.code, "name": g.name} for g in StaffGroup.objects.all()],
        "sectors": [{"code": s.code, "name": s.name} for s in Sector.objects.all()],
    }


def _staff_group_order():
    order = dict(StaffGroup.objects.values_list("code", "order"))
    return lambda code: order.get(code, 99)
