"""Storing responses, shared by web submission, import and synthetic data: the row to store, the
rule that a row must answer half its statements, the lock against publication, and the bulk write
of answers, choices and scores."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Answer,
    Response,
    ResponseChoice,
    ResponseScore,
    Round,
    ScoreKind,
)
from ..scoring import NOT_RELEVANT, OUTCOME_CODE, is_value, outcome_score, score_response
from ..selectors import answer_requirement, get_instrument_spec
from .tallies import add_to_tallies


@dataclass
class ResponseData:
    municipality_id: int
    staff_group: str
    sector: str
    unit_id: int | None
    tenure: str
    answers: dict  # item code -> 1..5, None («vet ikke») or NOT_RELEVANT
    barriers: list = field(default_factory=list)
    promoters: list = field(default_factory=list)
    outcomes: dict = field(default_factory=dict)  # outcome question code -> [option codes]
    language: str = ""  # nb | nn | en; blank when unknown (imports without the column)


class NotEnoughAnswers(ValidationError):
    """A response must answer at least half of the statements its staff group sees to count."""

    def __init__(self, requirement):
        super().__init__(
            _(
                "Svaret ditt teller bare når du har svart på minst %(required)d av de "
                "%(total)d påstandene (et svar fra 1 til 5 eller «vet ikke»). Du har svart "
                "på %(answered)d. Gå tilbake og svar på flere påstander."
            )
            % {
                "required": requirement.required,
                "total": requirement.total,
                "answered": requirement.answered,
            },
            code="not_enough_answers",
        )
        self.requirement = requirement


def check_enough_answers(*, spec, row: ResponseData) -> None:
    """Raise NotEnoughAnswers unless the row answers half of what its staff group sees."""
    requirement = answer_requirement(spec, row.staff_group, row.answers)
    if not requirement.met:
        raise NotEnoughAnswers(requirement)


class RoundPublished(ValidationError):
    def __init__(self, round_: Round):
        super().__init__(
            _("Runden «%(name)s» er stengt og publisert. Den tar ikke imot flere svar.")
            % {"name": round_.name}
        )


def lock_round_for_answers(round_: Round) -> Round:
    """Read the round afresh with a shared lock, so publication (which locks it for update)
    waits for answers being written and answers written after it see the round published.
    Raises RoundPublished for a published round. Call inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM assessment_round WHERE id = %s FOR SHARE", [round_.pk])
    fresh = Round.objects.get(pk=round_.pk)
    if fresh.is_published:
        raise RoundPublished(fresh)
    return fresh


def record_responses(*, round_: Round, rows: list[ResponseData], source: str) -> list[Response]:
    """Store responses with their answers, choices and per-respondent scores in bulk. A
    published round takes no more (RoundPublished). The callers that take rows from people
    (submission, import, generate_responses) have checked them with `check_enough_answers`."""
    lock_round_for_answers(round_)
    spec = get_instrument_spec(round_.instrument)
    today = timezone.localdate()
    responses = Response.objects.bulk_create(
        Response(
            round=round_,
            municipality_id=row.municipality_id,
            staff_group_id=row.staff_group,
            sector_id=row.sector,
            unit_id=row.unit_id,
            tenure=row.tenure,
            source=source,
            submitted_on=today,
            language=row.language,
        )
        for row in rows
    )
    options = option_ids(spec)
    answers, scores, choices = [], [], []
    for response, row in zip(responses, rows, strict=True):
        parts = expand_row(spec, row, options)
        answers += [
            Answer(response=response, item_id=item_id, value=value, not_relevant=not_relevant)
            for item_id, value, not_relevant in parts.answers
        ]
        scores += [
            ResponseScore(response=response, kind=kind, code=code, value=value)
            for kind, code, value in parts.scores
        ]
        choices += [
            ResponseChoice(response=response, option_id=option_id) for option_id in parts.option_ids
        ]
    Answer.objects.bulk_create(answers, batch_size=5000)
    ResponseScore.objects.bulk_create(scores, batch_size=5000)
    ResponseChoice.objects.bulk_create(choices, batch_size=5000)
    add_to_tallies(round_id=round_.pk, response_ids=[response.pk for response in responses])
    return responses


@dataclass(frozen=True)
class StoredParts:
    """What one response row becomes in the database, the same on every write path (the ORM
    path here and the COPY path in assessment.bulk)."""

    answers: list[tuple[int, float | None, bool]]  # item id, 1-5 or None (missing), not relevant
    scores: list[tuple[int, str, float]]  # ScoreKind, code, value
    option_ids: list[int]  # barriers and promoters (at most 3 each), then outcome options


def option_ids(spec) -> dict:
    """(kind, option code) -> option id, for expand_row; built once per batch."""
    ids = {("barrier", o.code): o.id for o in spec.barriers}
    ids.update({("promoter", o.code): o.id for o in spec.promoters})
    ids.update({("outcome", code): o.id for code, o in spec.outcome_options().items()})
    return ids


def expand_row(spec, row: ResponseData, options: dict) -> StoredParts:
    """The answers to the statements the row's staff group sees, its scores (dimensions,
    traits and the outcome index) and its chosen options."""
    visible = {item.code for item in spec.items_for(row.staff_group)}
    answers = [
        (spec.items[code].id, value if is_value(value) else None, value == NOT_RELEVANT)
        for code, value in row.answers.items()
        if code in visible
    ]
    scores = [
        (int(ScoreKind.DIMENSION if kind == "dimension" else ScoreKind.TRAIT), code, value)
        for (kind, code), value in score_response(
            spec, staff_group=row.staff_group, answers=row.answers
        ).items()
    ]
    kept = kept_outcomes(spec, row)
    outcome = outcome_score(spec, staff_group=row.staff_group, chosen=kept)
    if outcome is not None:
        scores.append((int(ScoreKind.OUTCOME), OUTCOME_CODE, outcome))
    chosen = [options[("barrier", code)] for code in row.barriers[:3]]
    chosen += [options[("promoter", code)] for code in row.promoters[:3]]
    chosen += [options[("outcome", code)] for codes in kept.values() for code in codes]
    return StoredParts(answers=answers, scores=scores, option_ids=chosen)


def kept_outcomes(spec, row: ResponseData) -> dict:
    """The outcome answers that count: known options of each question (one for «velg ett»),
    and the questions about the change only when the first question was answered «ja»."""
    outcomes = spec.outcomes
    if outcomes is None or row.staff_group not in outcomes.audience:
        return {}
    kept = {}
    for question in outcomes.questions:
        known = {o.code for o in question.options}
        codes = [c for c in dict.fromkeys(row.outcomes.get(question.code, [])) if c in known]
        if question.select == "one":
            codes = codes[:1]
        if codes:
            kept[question.code] = codes
    gate = outcomes.question(outcomes.gate)
    gate_points = [o.points for o in gate.options if o.code in kept.get(gate.code, [])]
    if not gate_points or not (gate_points[0] or 0) > 0:
        kept = {c: v for c, v in kept.items() if not outcomes.question(c).gated}
    return kept
