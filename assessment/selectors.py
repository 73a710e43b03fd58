"""Reads for the assessment app: the instrument, rounds, participations and response counts."""

import math
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Sector, StaffGroup, localized

from .models import (
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
from .tokens import recover_open_link_token

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
        from .traits import TRAITS

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
                "reference": d.reference or None,
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
        "missing_options": missing_options(spec),
        "traits": {trait: [item.code for item in spec.trait_items(trait)] for trait in spec.traits},
        "outcomes": _export_outcomes(spec),
        "references": spec.metadata.get("references", {}),
        "changes": spec.metadata.get("changes", []),
        "staff_groups": [{"code": g.code, "name": g.name} for g in StaffGroup.objects.all()],
        "sectors": [{"code": s.code, "name": s.name} for s in Sector.objects.all()],
    }


def missing_options(spec) -> list[dict]:
    """The answers besides 1–5, all missing for scoring: one combined option before 2027.1,
    «vet ikke» and «ikke relevant» from 2027.1."""
    if spec.split_missing:
        return [
            {"code": "x", "text": {"nb": "Vet ikke", "nn": "Veit ikkje", "en": "Don't know"}},
            {
                "code": "na",
                "text": {"nb": "Ikke relevant", "nn": "Ikkje relevant", "en": "Not relevant"},
            },
        ]
    return [
        {
            "code": "x",
            "text": {
                "nb": "Vet ikke / ikke relevant",
                "nn": "Veit ikkje / ikkje relevant",
                "en": "Don't know / not relevant",
            },
        }
    ]


def _export_outcomes(spec) -> dict | None:
    if spec.outcomes is None:
        return None
    return {
        "audience": sorted(spec.outcomes.audience, key=_staff_group_order()),
        "gate": spec.outcomes.gate,
        "intro": spec.outcomes.intro,
        "index": {"code": "outcome", "kind": 3, "scale": "1-5", "index": "0-100"},
        "questions": [
            {
                "code": q.code,
                "select": q.select,
                "scored": q.scored,
                "gated": q.gated,
                "text": q.text,
                "why": q.why,
                "options": [
                    {"code": o.code, "text": o.text, "points": o.points} for o in q.options
                ],
            }
            for q in spec.outcomes.questions
        ],
    }


def _staff_group_order():
    order = dict(StaffGroup.objects.values_list("code", "order"))
    return lambda code: order.get(code, 99)


# --- The questionnaire ----------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    kind: str  # background | dimension | choices | outcomes | review
    dimension: DimensionSpec | None = None


def questionnaire_pages(spec: InstrumentSpec, staff_group: str | None) -> list[Page]:
    """Background first (it decides which statements a respondent sees), then one page per
    dimension, the barrier/promoter page and the review page. Page numbers start at 1."""
    pages = [Page("background")]
    for dimension in spec.dimensions:
        if staff_group is None or dimension.items_for(staff_group):
            pages.append(Page("dimension", dimension))
    pages.append(Page("choices"))
    if spec.outcomes is not None and (staff_group is None or staff_group in spec.outcomes.audience):
        pages.append(Page("outcomes"))
    pages.append(Page("review"))
    return pages


@dataclass(frozen=True)
class AnswerRequirement:
    """How many statements a response answers (1–5; «vet ikke» is no answer, domain.md §5)
    against the half (rounded up) of those its staff group sees that it needs to count."""

    answered: int
    required: int
    total: int

    @property
    def met(self) -> bool:
        return self.total > 0 and self.answered >= self.required


def answer_requirement(spec: InstrumentSpec, staff_group: str, answers: dict) -> AnswerRequirement:
    """`answers` maps the statements a respondent answered to 1–5 (int or str) or to «vet ikke»
    (None or "x"); an unanswered statement is absent (or ""). «Vet ikke» is an answer: a
    respondent who honestly does not know is counted, an empty form is not."""
    visible = spec.items_for(staff_group) if staff_group else []
    answered = sum(1 for item in visible if item.code in answers and answers[item.code] != "")
    return AnswerRequirement(
        answered=answered, required=math.ceil(len(visible) / 2), total=len(visible)
    )


def draft_progress(spec: InstrumentSpec, draft) -> dict:
    """How much of the questionnaire the draft has answered (for the review page)."""
    staff_group = draft.data.get("staff_group")
    answers = draft.data.get("answers", {})
    per_dimension = []
    for page_number, page in enumerate(questionnaire_pages(spec, staff_group), start=1):
        if page.kind != "dimension" or page.dimension is None:
            continue
        items = page.dimension.items_for(staff_group) if staff_group else page.dimension.items
        answered = sum(1 for item in items if answers.get(item.code))
        per_dimension.append(
            {
                "page": page_number,
                "dimension": page.dimension,
                "answered": answered,
                "total": len(items),
            }
        )
    return {
        "dimensions": per_dimension,
        "answered": sum(d["answered"] for d in per_dimension),
        "total": sum(d["total"] for d in per_dimension),
        "requirement": answer_requirement(spec, staff_group, answers),
    }


def find_invitation(token: str) -> Invitation | None:
    from .tokens import hash_token

    return (
        Invitation.objects.select_related("participation__round", "participation__municipality")
        .filter(token_hash=hash_token(token))
        .first()
    )


def find_open_link(token: str) -> OpenLink | None:
    from .tokens import hash_token

    return (
        OpenLink.objects.select_related(
            "participation__round", "participation__municipality", "unit__sector"
        )
        .filter(token_hash=hash_token(token), active=True)
        .first()
    )


# --- Rounds and participations ---------------------------------------------------------------


def overlapping_rounds(*, opens_on, closes_on, instrument) -> list[Round]:
    """Rounds with the same version of the questionnaire whose dates overlap these: a kommune
    that joins both has two open rounds at once."""
    return list(
        Round.objects.filter(
            instrument=instrument, opens_on__lte=closes_on, closes_on__gte=opens_on
        ).order_by("opens_on", "name")
    )


def list_rounds() -> QuerySet[Round]:
    return Round.objects.select_related("instrument").annotate(
        participant_count=Count("participations", distinct=True)
    )


def get_round(slug: str) -> Round:
    round_ = Round.objects.select_related("instrument").filter(slug=slug).first()
    if round_ is None:
        raise Http404
    return round_


def rounds_for_municipality(municipality) -> dict:
    """The kommune's participations, and the rounds it can still join."""
    participations = list(
        Participation.objects.filter(municipality=municipality)
        .select_related("round")
        .annotate(
            responses=Count(
                "round__responses", filter=Q(round__responses__municipality=municipality)
            )
        )
        .order_by("-round__opens_on")
    )
    joined = {p.round_id for p in participations}
    joinable = [
        r
        for r in Round.objects.filter(closes_on__gte=timezone.localdate()).order_by("opens_on")
        if r.pk not in joined
    ]
    return {"participations": participations, "joinable": joinable}


def get_participation_for_user(user, *, slug: str, number: str, coordinate: bool = False):
    """The kommune's participation in a round, scoped to the user (404 otherwise)."""
    from municipalities.selectors import (
        get_municipality_for_coordinator,
        get_municipality_for_user,
    )

    municipality = (
        get_municipality_for_coordinator(user, number)
        if coordinate
        else get_municipality_for_user(user, number)
    )
    participation = (
        Participation.objects.select_related("round__instrument", "municipality")
        .filter(round__slug=slug, municipality=municipality)
        .first()
    )
    if participation is None:
        raise Http404
    return participation


def invitation_summary(participation) -> dict:
    rows = (
        Invitation.objects.filter(participation=participation)
        .values("kind")
        .annotate(issued=Count("id"), used=Count("id", filter=Q(used=True)))
    )
    summary = {row["kind"]: row for row in rows}
    pending_email = (
        Invitation.objects.filter(participation=participation, kind="email", used=False)
        .exclude(email="")
        .count()
    )
    return {
        "email": summary.get("email", {"issued": 0, "used": 0}),
        "printed": summary.get("printed", {"issued": 0, "used": 0}),
        "pending_email": pending_email,
    }


def open_link_url(request, link: OpenLink) -> str | None:
    """The link's address, or None when no configured key reproduces it (see README)."""
    token = recover_open_link_token(salt=link.salt, token_hash=link.token_hash)
    if token is None:
        return None
    return request.build_absolute_uri(reverse("assessment:open_link", args=[token]))


def open_links(participation) -> list[OpenLink]:
    return list(
        OpenLink.objects.filter(participation=participation, active=True).select_related("unit")
    )


def response_count(participation) -> int:
    return Response.objects.filter(
        round_id=participation.round_id, municipality_id=participation.municipality_id
    ).count()


def headcount_grid(participation, submitted=None) -> dict:
    """Rows («not in any unit», then each unit) × staff groups, with the stored counts. Every
    person belongs to one row only: the first row is the staff outside every unit, and a unit's
    row is the unit itself without its sub-units. The totals are the sums of the stored rows
    (the denominator of the response rate)."""
    from .models import Headcount

    groups = list(StaffGroup.objects.all())
    if not participation.round.include_folkevalgte:
        groups = [g for g in groups if not g.is_optional]
    stored = {
        (u, g): c
        for u, g, c in Headcount.objects.filter(participation=participation).values_list(
            "unit_id", "staff_group_id", "count"
        )
    }
    units = [(None, "")] + [
        (u.pk, u.name)
        for u in participation.municipality.units.all().order_by("sector__order", "path")
    ]
    rows = []
    for unit_id, name in units:
        cells = []
        for group in groups:
            field_name = f"hc-{unit_id or 0}-{group.code}"
            value = (
                submitted.get(field_name, "")
                if submitted is not None
                else stored.get((unit_id, group.code), "")
            )
            cells.append(
                {
                    "name": field_name,
                    "staff_group": group.code,
                    "label": group.label,
                    "value": value,
                }
            )
        rows.append({"unit_id": unit_id, "name": name, "cells": cells})
    totals = [
        {"label": group.label, "count": sum(c for (_u, g), c in stored.items() if g == group.code)}
        for group in groups
    ]
    totals = [t for t in totals if t["count"]]
    return {
        "groups": groups,
        "rows": rows,
        "totals": totals,
        "total": sum(stored.values()),
        "has_units": len(units) > 1,
    }


def item_sources(version) -> dict:
    return dict(Item.objects.filter(version=version).values_list("code", "sources"))


def readable_sources(version, sources: dict) -> dict:
    """{item code: [{"author", "year", "title", "kind", "seed", "first", "last"}]}: each
    citation with the author, year and title from the version's `references` (file and lines
    stay), so the method page cites «Strømsvåg (2017), … l. 828–836». A seed file without a
    reference keeps its file name as the author."""
    references = (version.metadata or {}).get("references", {}) if version else {}
    readable = {}
    for code, cited in sources.items():
        readable[code] = [
            {
                "author": references.get(s["seed"], {}).get("author", s["seed"]),
                "year": references.get(s["seed"], {}).get("year"),
                "title": references.get(s["seed"], {}).get("title", ""),
                "kind": references.get(s["seed"], {}).get("kind", ""),
                "seed": s["seed"],
                "first": s["lines"][0],
                "last": s["lines"][1],
            }
            for s in cited
        ]
    return readable


def reference_list(version) -> list[dict]:
    """The works the version cites, by author and year."""
    references = (version.metadata or {}).get("references", {}) if version else {}
    return sorted(
        ({"seed": seed, **ref} for seed, ref in references.items()),
        key=lambda r: (r["author"], r["year"]),
    )


def version_changes(version) -> dict | None:
    """What changed from the previous published version: the version's own `changes` list, and
    the statement codes added, removed and kept (a kept code has the same text in every
    language; a reworded statement has a new code). None for the first version."""
    if version is None or version.published_at is None:
        return None
    previous = (
        InstrumentVersion.objects.filter(
            published_at__isnull=False, published_at__lt=version.published_at
        )
        .order_by("-published_at")
        .first()
    )
    if previous is None:
        return None
    old = dict(Item.objects.filter(version=previous).values_list("code", "text"))
    new = dict(Item.objects.filter(version=version).values_list("code", "text"))
    return {
        "previous": previous.version,
        "notes": (version.metadata or {}).get("changes", []),
        "added": [code for code in new if code not in old],
        "removed": [code for code in old if code not in new],
        "kept": [code for code in new if old.get(code) == new[code]],
    }
