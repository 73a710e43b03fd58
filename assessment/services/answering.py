"""Answering: drafts from personal and open links, resume codes, saving pages, and submission of a
draft as an anonymous response."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Draft,
    Invitation,
    OpenLink,
    Response,
    ResponseSource,
    Round,
)
from ..scoring import NOT_RELEVANT
from ..selectors import get_instrument_spec
from ..tokens import (
    hash_token,
    new_resume_code,
    normalize_code,
)
from .responses import (
    ResponseData,
    RoundPublished,
    check_enough_answers,
    lock_round_for_answers,
    record_responses,
)


class AlreadyAnswered(Exception):
    """The link was used, or the draft was already submitted (double click, second tab)."""


class RoundNotOpen(Exception):
    def __init__(self, round_: Round):
        super().__init__(round_.slug)
        self.round = round_


def _check_open(round_: Round) -> None:
    if not round_.is_open():
        raise RoundNotOpen(round_)


@transaction.atomic
def start_personal_draft(*, invitation: Invitation, language: str | None = None) -> Draft:
    """Resume (or start) the draft of a personal link, on any device. A new draft is in
    `language` (the one the respondent chose) or else the kommune's målform."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used:
        raise AlreadyAnswered()
    participation = invitation.participation
    _check_open(participation.round)
    draft = Draft.objects.filter(invitation=invitation).first()
    if draft is None:
        draft = Draft.objects.create(
            participation=participation,
            invitation=invitation,
            language=language
            if language in dict(settings.LANGUAGES)
            else participation.municipality.default_language,
        )
    return draft


@transaction.atomic
def start_open_draft(*, link: OpenLink, language: str | None = None) -> tuple[Draft, str]:
    """A new draft from an open link; returns it with its resume code (shown once)."""
    participation = link.participation
    _check_open(participation.round)
    code = new_resume_code()
    data = {"unit": link.unit_id, "sector": link.unit.sector_id} if link.unit is not None else {}
    draft = Draft.objects.create(
        participation=participation,
        open_link=link,
        resume_code_hash=hash_token(code),
        language=language or participation.municipality.default_language,
        data=data,
    )
    return draft, code


def find_draft_by_resume_code(*, code: str) -> Draft | None:
    draft = (
        Draft.objects.select_related("participation__round")
        .filter(resume_code_hash=hash_token(normalize_code(code)))
        .first()
    )
    if draft is None or not draft.participation.round.is_open():
        return None
    return draft


def save_draft_page(*, draft: Draft, page: int, values: dict, continue_at: int) -> Draft:
    """Merge one page's answers into the draft and remember the page the respondent continues
    at: the next page after «next», the previous after «back», this page after «pause» (or when
    the page is shown again with a note about unanswered statements)."""
    data = dict(draft.data)
    answers = dict(data.get("answers", {}))
    for key, value in values.items():
        if key == "answers":
            answers.update(value)
        else:
            data[key] = value
    data["answers"] = answers
    draft.data = data
    draft.page = max(continue_at, 1)
    draft.save(update_fields=["data", "page", "updated_at"])
    return draft


def set_draft_language(*, draft: Draft, language: str) -> None:
    if language in dict(settings.LANGUAGES):
        draft.language = language
        draft.save(update_fields=["language", "updated_at"])


@transaction.atomic
def submit_draft(*, draft_id: int) -> Response:
    """Turn a draft into an anonymous response, exactly once.

    The draft row is locked; a second submit (double click, second tab, back button) finds it
    gone and gets AlreadyAnswered. The personal invitation is marked used and its e-mail address
    erased in the same transaction, and the response keeps no link to it."""
    draft = (
        Draft.objects.select_for_update()
        .select_related("participation__round__instrument", "participation__municipality")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None:
        raise AlreadyAnswered()
    participation = draft.participation
    try:
        _check_open(lock_round_for_answers(participation.round))
    except RoundPublished:
        raise RoundNotOpen(participation.round) from None
    if draft.invitation_id:
        invitation = Invitation.objects.select_for_update().get(pk=draft.invitation_id)
        if invitation.used:
            raise AlreadyAnswered()
        invitation.used = True
        invitation.email = ""
        invitation.save(update_fields=["used", "email"])
        invitation.deliveries.update(invitation=None)  # no delivery row tells who answered
    data = draft.data
    row = ResponseData(
        municipality_id=participation.municipality_id,
        staff_group=data.get("staff_group") or "",
        sector=data.get("sector") or "",
        unit_id=data.get("unit") or None,
        tenure=data.get("tenure") or "",
        answers={code: decode_answer(v) for code, v in data.get("answers", {}).items()},
        barriers=list(data.get("barriers", [])),
        promoters=list(data.get("promoters", [])),
        outcomes={k: list(v) for k, v in data.get("outcomes", {}).items()},
        language=draft.language,
    )
    if not row.staff_group or not row.sector:
        raise ValidationError(_("Bakgrunnsspørsmålene om ansattgruppe og sektor må besvares."))
    check_enough_answers(spec=get_instrument_spec(participation.round.instrument), row=row)
    draft.delete()
    responses = record_responses(round_=participation.round, rows=[row], source=ResponseSource.WEB)
    return responses[0]


def decode_answer(value) -> int | str | None:
    """Draft answers are "1".."5", "x" (vet ikke) or "na" (ikke relevant, 2027.1)."""
    if value == NOT_RELEVANT:
        return NOT_RELEVANT
    if value in (None, "", "x"):
        return None
    return int(value)
