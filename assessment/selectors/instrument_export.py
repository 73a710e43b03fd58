"""The instrument for readers: the JSON export (`export_instrument`, the API) and the method
page's sources, references and changes from the previous version."""

from municipalities.models import Sector, StaffGroup

from ..models import (
    InstrumentVersion,
    Item,
)
from .instrument import get_instrument_spec


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
