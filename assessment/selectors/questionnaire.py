"""The questionnaire's pages for a respondent, and how much of it a draft has answered."""

import math
from dataclasses import dataclass

from .instrument import DimensionSpec, InstrumentSpec


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
    """How much of the questionnaire the draft has answered (for the review page): per
    dimension, and for the barrier/promoter page and the outcome page, which do not count
    towards the requirement but are listed so the respondent can go back to them."""
    staff_group = draft.data.get("staff_group")
    answers = draft.data.get("answers", {})
    per_dimension = []
    other_pages = []
    for page_number, page in enumerate(questionnaire_pages(spec, staff_group), start=1):
        if page.kind == "choices":
            chosen = sum(1 for key in ("barriers", "promoters") if draft.data.get(key))
            other_pages.append(
                {"page": page_number, "kind": "choices", "answered": chosen, "total": 2}
            )
        elif page.kind == "outcomes" and spec.outcomes is not None:
            other_pages.append(
                {"page": page_number, "kind": "outcomes", **_outcomes_answered(spec, draft)}
            )
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
        "other_pages": other_pages,
        "answered": sum(d["answered"] for d in per_dimension),
        "total": sum(d["total"] for d in per_dimension),
        "requirement": answer_requirement(spec, staff_group, answers),
    }


def _outcomes_answered(spec: InstrumentSpec, draft) -> dict:
    """The outcome questions answered out of those asked: the questions about the change are
    asked only after a «ja» to the first one."""
    outcomes = spec.outcomes
    assert outcomes is not None
    chosen = draft.data.get("outcomes", {})
    positive = {o.code for o in outcomes.question(outcomes.gate).options if (o.points or 0) > 0}
    asked_all = bool(positive & set(chosen.get(outcomes.gate, [])))
    asked = [q for q in outcomes.questions if asked_all or not q.gated]
    return {"answered": sum(1 for q in asked if chosen.get(q.code)), "total": len(asked)}
