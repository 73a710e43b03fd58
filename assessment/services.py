"""Writes for the assessment app. Every public function takes keyword arguments only."""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Municipality, OrgUnit, StaffGroup

from .instrument_files import DEFAULT_INSTRUMENT, expand_audience, read_instrument_file
from .models import (
    Answer,
    Dimension,
    Draft,
    Headcount,
    InstrumentVersion,
    Invitation,
    InvitationKind,
    Item,
    OpenLink,
    Option,
    OptionKind,
    Participation,
    Response,
    ResponseChoice,
    ResponseScore,
    ResponseSource,
    Round,
    ScoreKind,
)
from .scoring import NOT_RELEVANT, OUTCOME_CODE, is_value, outcome_score, score_response
from .tokens import (
    hash_token,
    new_printed_code,
    new_resume_code,
    new_salt,
    normalize_code,
    open_link_token,
)

logger = logging.getLogger(__name__)

# --- The instrument -------------------------------------------------------------------------


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


# --- Rounds and participations ---------------------------------------------------------------


@transaction.atomic
def create_round(
    *,
    slug: str,
    name: str,
    opens_on,
    closes_on,
    instrument: InstrumentVersion | None = None,
    min_group_size: int | None = None,
    include_folkevalgte: bool = False,
    municipality_numbers: list[str] | None = None,
) -> Round:
    """Open a survey round on a published instrument; optionally enrol kommuner at once."""
    from .selectors import latest_published_version

    instrument = instrument or latest_published_version()
    if instrument is None or not instrument.is_published:
        raise ValidationError(_("En runde må bruke en publisert versjon av spørreskjemaet."))
    if Round.objects.filter(slug=slug).exists():
        raise ValidationError(_("Det finnes allerede en runde med kortnavnet «%s».") % slug)
    if closes_on < opens_on:
        raise ValidationError(_("Runden kan ikke stenge før den åpner."))
    floor = settings.MIN_GROUP_SIZE
    min_group_size = floor if min_group_size is None else min_group_size
    if min_group_size < floor:
        raise ValidationError(
            _("Minste gruppestørrelse kan ikke være lavere enn %d i denne installasjonen.") % floor
        )
    round_ = Round(
        slug=slug,
        name=name,
        instrument=instrument,
        opens_on=opens_on,
        closes_on=closes_on,
        min_group_size=min_group_size,
        include_folkevalgte=include_folkevalgte,
    )
    round_.full_clean()
    round_.save()
    if municipality_numbers is not None:
        municipalities = Municipality.objects.all()
        if municipality_numbers != ["all"]:
            municipalities = municipalities.filter(number__in=municipality_numbers)
            found = set(municipalities.values_list("number", flat=True))
            missing = sorted(set(municipality_numbers) - found)
            if missing:
                raise ValidationError(_("Ukjente kommunenummer: %s") % ", ".join(missing))
        Participation.objects.bulk_create(
            Participation(round=round_, municipality=m) for m in municipalities
        )
        copy_previous_headcounts(participations=list(round_.participations.all()))
    return round_


@transaction.atomic
def join_round(*, round: Round, municipality: Municipality) -> Participation:
    if round.is_closed():
        raise ValidationError(_("Runden er stengt, og kommunen kan ikke bli med nå."))
    participation, created = Participation.objects.get_or_create(
        round=round, municipality=municipality
    )
    if created:
        copy_previous_headcounts(participations=[participation])
    return participation


def copy_previous_headcounts(*, participations: list[Participation]) -> int:
    """A kommune joining a new round starts with the headcounts of its latest earlier round
    (the coordinator corrects them on the headcount page). Units deleted since are gone with
    their rows; folkevalgte are left out of a round without them. Two queries; returns the
    number of rows copied."""
    if not participations:
        return 0
    round_ = participations[0].round
    by_municipality = {p.municipality_id: p for p in participations}
    latest: dict[int, tuple] = {}  # municipality id -> (opens_on, participation id)
    rows = list(
        Headcount.objects.filter(
            participation__municipality_id__in=by_municipality,
            participation__round__opens_on__lt=round_.opens_on,
        ).values_list(
            "participation__municipality_id",
            "participation__round__opens_on",
            "participation_id",
            "unit_id",
            "staff_group_id",
            "count",
            "staff_group__is_optional",
        )
    )
    for municipality_id, opens_on, participation_id, *_rest in rows:
        if latest.get(municipality_id, (opens_on,))[0] <= opens_on:
            latest[municipality_id] = (opens_on, participation_id)
    copies = [
        Headcount(
            participation=by_municipality[municipality_id],
            unit_id=unit_id,
            staff_group_id=staff_group,
            count=count,
        )
        for municipality_id, _o, participation_id, unit_id, staff_group, count, optional in rows
        if latest[municipality_id][1] == participation_id
        and (round_.include_folkevalgte or not optional)
    ]
    Headcount.objects.bulk_create(copies, ignore_conflicts=True)
    return len(copies)


def set_named_in_comparisons(*, participation: Participation, named: bool) -> None:
    participation.named_in_comparisons = named
    participation.save(update_fields=["named_in_comparisons"])


@transaction.atomic
def set_headcounts(*, participation: Participation, counts: dict) -> int:
    """Replace the headcounts; `counts` maps (unit id or None, staff group code) to a number."""
    units = set(participation.municipality.units.values_list("pk", flat=True))
    rows = []
    for (unit_id, staff_group), count in counts.items():
        if unit_id is not None and unit_id not in units:
            raise ValidationError(_("Enheten hører ikke til kommunen."))
        if count is None or count == 0:
            continue
        if count < 0:
            raise ValidationError(_("Antall kan ikke være negativt."))
        rows.append(
            Headcount(
                participation=participation,
                unit_id=unit_id,
                staff_group_id=staff_group,
                count=count,
            )
        )
    participation.headcounts.all().delete()
    Headcount.objects.bulk_create(rows)
    return sum(row.count for row in rows)


# --- Invitations and open links --------------------------------------------------------------


def _require_open_or_upcoming(participation: Participation) -> None:
    if participation.round.is_closed():
        raise ValidationError(_("Runden er stengt. Det kan ikke lages nye lenker."))


def invite_by_email(*, participation: Participation, emails: list[str]) -> int:
    """Queue one single-use link per new address (assessment/mail.py); return how many. Raises
    when an address is invalid; the web page uses `mail.queue_invitations`, which sends the
    valid ones and lists the others."""
    from .mail import queue_invitations, split_valid_addresses

    _valid, invalid = split_valid_addresses(emails)
    if invalid:
        raise ValidationError(_("«%s» er ikke en gyldig e-postadresse.") % invalid[0])
    return queue_invitations(participation=participation, emails=emails).queued


def send_reminders(*, participation: Participation) -> int:
    """Queue a reminder with a new link to everyone invited by e-mail who has not answered."""
    from .mail import queue_reminders

    return queue_reminders(participation=participation)


MAX_PRINTED_CODES = 500


@transaction.atomic
def create_printed_codes(*, participation: Participation, count: int) -> list[str]:
    """Create `count` single-use codes for people without e-mail. The codes are returned once
    (for the PDF) and never stored."""
    _require_open_or_upcoming(participation)
    if not 1 <= count <= MAX_PRINTED_CODES:
        raise ValidationError(_("Velg mellom 1 og %d koder.") % MAX_PRINTED_CODES)
    codes = [new_printed_code() for _ in range(count)]
    Invitation.objects.bulk_create(
        Invitation(
            participation=participation, kind=InvitationKind.PRINTED, token_hash=hash_token(c)
        )
        for c in codes
    )
    return codes


@transaction.atomic
def create_open_link(*, participation: Participation, unit: OrgUnit | None = None) -> OpenLink:
    _require_open_or_upcoming(participation)
    if unit is not None and unit.municipality_id != participation.municipality_id:
        raise ValidationError(_("Enheten hører ikke til kommunen."))
    salt = new_salt()
    return OpenLink.objects.create(
        participation=participation,
        unit=unit,
        salt=salt,
        token_hash=hash_token(open_link_token(salt)),
    )


def deactivate_open_link(*, link: OpenLink) -> None:
    link.active = False
    link.save(update_fields=["active"])


# --- Answering: drafts and submission --------------------------------------------------------


class AlreadyAnswered(Exception):
    """The link was used, or the draft was already submitted (double click, second tab)."""


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


def check_enough_answers(*, spec, row: "ResponseData") -> None:
    """Raise NotEnoughAnswers unless the row answers half of what its staff group sees."""
    from .selectors import answer_requirement

    requirement = answer_requirement(spec, row.staff_group, row.answers)
    if not requirement.met:
        raise NotEnoughAnswers(requirement)


class RoundNotOpen(Exception):
    def __init__(self, round_: Round):
        super().__init__(round_.slug)
        self.round = round_


def _check_open(round_: Round) -> None:
    if not round_.is_open():
        raise RoundNotOpen(round_)


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
    from .selectors import get_instrument_spec

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


@transaction.atomic
def purge_round_personal_data(*, round_: Round) -> dict:
    """Delete what a closed round no longer needs: its drafts (answers never sent) and the
    e-mail addresses of invitations nobody used. The keyed hashes of invited addresses stay, so
    no address can be invited twice. Returns how many drafts and addresses were deleted."""
    drafts, _detail = Draft.objects.filter(participation__round=round_).delete()
    addresses = (
        Invitation.objects.filter(participation__round=round_).exclude(email="").update(email="")
    )
    return {"drafts": drafts, "addresses": addresses}


def purge_closed_rounds(*, today=None) -> dict:
    """`purge_round_personal_data` for every round whose (current) closing date has passed."""
    today = today or timezone.localdate()
    totals = {"drafts": 0, "addresses": 0}
    for round_ in Round.objects.filter(closes_on__lt=today):
        for key, count in purge_round_personal_data(round_=round_).items():
            totals[key] += count
    return totals


# --- Storing responses (web, import and synthetic data share this) ---------------------------


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


def record_responses(*, round_: Round, rows: list[ResponseData], source: str) -> list[Response]:
    """Store responses with their answers, choices and per-respondent scores in bulk. A
    published round takes no more (RoundPublished). The callers that take rows from people
    (submission, import, generate_responses) have checked them with `check_enough_answers`."""
    from .selectors import get_instrument_spec

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
    options = {("barrier", o.code): o.id for o in spec.barriers}
    options.update({("promoter", o.code): o.id for o in spec.promoters})
    outcome_options = spec.outcome_options()
    answers, scores, choices = [], [], []
    for response, row in zip(responses, rows, strict=True):
        visible = {item.code for item in spec.items_for(row.staff_group)}
        for code, value in row.answers.items():
            if code in visible:
                answers.append(
                    Answer(
                        response=response,
                        item_id=spec.items[code].id,
                        value=value if is_value(value) else None,
                        not_relevant=value == NOT_RELEVANT,
                    )
                )
        for (kind, code), value in score_response(
            spec, staff_group=row.staff_group, answers=row.answers
        ).items():
            scores.append(
                ResponseScore(
                    response=response,
                    kind=ScoreKind.DIMENSION if kind == "dimension" else ScoreKind.TRAIT,
                    code=code,
                    value=value,
                )
            )
        for kind, codes in (("barrier", row.barriers), ("promoter", row.promoters)):
            for code in codes[:3]:
                choices.append(ResponseChoice(response=response, option_id=options[(kind, code)]))
        kept = kept_outcomes(spec, row)
        for codes in kept.values():
            for code in codes:
                choices.append(
                    ResponseChoice(response=response, option_id=outcome_options[code].id)
                )
        value = outcome_score(spec, staff_group=row.staff_group, chosen=kept)
        if value is not None:
            scores.append(
                ResponseScore(
                    response=response, kind=ScoreKind.OUTCOME, code=OUTCOME_CODE, value=value
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    ResponseScore.objects.bulk_create(scores, batch_size=5000)
    ResponseChoice.objects.bulk_create(choices, batch_size=5000)
    return responses


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
