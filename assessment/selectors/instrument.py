"""The instrument as an in-memory, read-only spec (built once per process for a published
version), and the look-up of versions."""

from dataclasses import dataclass, field
from functools import lru_cache

from municipalities.models import localized

from ..models import (
    InstrumentVersion,
    Item,
    Option,
    OptionKind,
)
from ..traits import TRAITS


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
    reference: str = ""  # "unit" | "municipality" | "" (not stated, before 2027.1)

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
    points: float | None = None

    @property
    def label(self) -> str:
        return localized(self.text)


@dataclass(frozen=True)
class OutcomeQuestionSpec:
    """One outcome question (instrument 2027.1): answered by choosing one or several options."""

    code: str
    select: str  # "one" | "many"
    scored: bool
    gated: bool  # asked only when the gate question was answered with a positive option
    text: dict
    why: dict
    options: tuple[OptionSpec, ...]

    @property
    def label(self) -> str:
        return localized(self.text)


@dataclass(frozen=True)
class OutcomeSpec:
    audience: frozenset[str]
    gate: str
    intro: dict
    questions: tuple[OutcomeQuestionSpec, ...]

    def question(self, code: str) -> OutcomeQuestionSpec:
        return next(q for q in self.questions if q.code == code)


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
    split_missing: bool = False  # «vet ikke» and «ikke relevant» as two options (2027.1)
    outcomes: OutcomeSpec | None = None
    metadata: dict = field(default_factory=dict)

    def outcome_options(self) -> dict:
        """Outcome option code -> OptionSpec."""
        if self.outcomes is None:
            return {}
        return {o.code: o for q in self.outcomes.questions for o in q.options}

    def dimension(self, code: str) -> DimensionSpec:
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(code)

    def items_for(self, staff_group: str) -> list[ItemSpec]:
        return [item for d in self.dimensions for item in d.items_for(staff_group)]

    @property
    def traits(self) -> list[str]:
        used = {item.trait for item in self.items.values() if item.trait}
        return [code for code in TRAITS if code in used]

    def trait_items(self, trait: str) -> list[ItemSpec]:
        return [item for item in self.items.values() if item.trait == trait]


def _build_spec(version: InstrumentVersion) -> InstrumentSpec:
    items_by_dimension: dict[int, list[ItemSpec]] = {}
    all_items = {}
    dimension_rows = {}
    for item in Item.objects.filter(version=version).select_related("dimension"):
        dimension_rows[item.dimension_id] = item.dimension
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
            reference=d.reference,
        )
        # Every dimension has statements, so the statements' query brings them all.
        for d in sorted(dimension_rows.values(), key=lambda d: (d.order, d.code))
    )
    options = list(Option.objects.filter(version=version))
    metadata = version.metadata or {}
    return InstrumentSpec(
        version_id=version.pk,
        version=version.version,
        published=version.is_published,
        dimensions=dimensions,
        barriers=tuple(
            OptionSpec(o.pk, o.kind, o.code, o.text)
            for o in options
            if o.kind == OptionKind.BARRIER
        ),
        promoters=tuple(
            OptionSpec(o.pk, o.kind, o.code, o.text)
            for o in options
            if o.kind == OptionKind.PROMOTER
        ),
        items=all_items,
        split_missing=metadata.get("missing") == "split",
        outcomes=_outcome_spec(metadata.get("outcomes"), options),
        metadata=metadata,
    )


def _outcome_spec(block: dict | None, options) -> OutcomeSpec | None:
    if not block:
        return None
    by_code = {
        o.code: OptionSpec(o.pk, o.kind, o.code, o.text, o.points)
        for o in options
        if o.kind == OptionKind.OUTCOME
    }
    return OutcomeSpec(
        audience=frozenset(block["audience"]),
        gate=block["gate"],
        intro=block["intro"],
        questions=tuple(
            OutcomeQuestionSpec(
                code=q["code"],
                select=q["select"],
                scored=q["scored"],
                gated=q.get("gated", False),
                text=q["text"],
                why=q["why"],
                options=tuple(by_code[o["code"]] for o in q["options"]),
            )
            for q in block["questions"]
        ),
    )


@lru_cache(maxsize=16)
def _published_spec(version: InstrumentVersion, published_at) -> InstrumentSpec:
    return _build_spec(version)


def get_instrument_spec(version: InstrumentVersion) -> InstrumentSpec:
    """Published versions never change, so their snapshot is built once per process."""
    if version.is_published:
        return _published_spec(version, version.published_at)
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
