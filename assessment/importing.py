"""`import_responses`: answers collected on paper or in another tool, all or nothing.

CSV, UTF-8, comma-separated, header row: municipality, staff_group, sector, [unit], one column
per statement code (1–5, empty for no answer, x for «vet ikke», and from instrument 2027.1 na
for «ikke relevant»), [barriers], [promoters] (`;`-separated option codes), from 2027.1 one
optional column per outcome question (OUT1…, `;`-separated option codes), and [language]
(nb, nn or en; empty when unknown). A row must answer (1–5) at least half of the statements its
staff group sees. Any error aborts with its line and column; nothing is stored.
"""

import csv
import io
import logging
import re
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from municipalities.models import OrgUnit, Sector, StaffGroup

from .models import Participation, ResponseSource, Round
from .scoring import NOT_RELEVANT
from .selectors import answer_requirement, get_instrument_spec
from .services import ResponseData, record_responses

REQUIRED = ("municipality", "staff_group", "sector")
OPTIONAL = ("unit", "barriers", "promoters", "tenure", "language")
LANGUAGES = ("nb", "nn", "en")
MAX_IMPORT_BYTES = 50 * 1024 * 1024

logger = logging.getLogger(__name__)


class ImportError_(ValidationError):
    def __init__(self, message, *, line: int | None = None, column: str = "", detail: str = ""):
        super().__init__(message)
        self.line, self.column, self.detail = line, column, detail or str(message)


def _error(line: int, column: str, message: str) -> ImportError_:
    return ImportError_(
        _("Linje %(line)d, kolonne «%(column)s»: %(message)s")
        % {"line": line, "column": column, "message": message},
        line=line,
        column=column,
        detail=message,
    )


def _loggable(error: ImportError_) -> str:
    """Where and why, without the cell's value (it may be an answer): «…» replaces quoted values."""
    reason = re.sub(r"«[^»]*»", "«…»", error.detail)
    if error.line is None:
        return reason
    return f"line {error.line}, column {error.column}: {reason}"


def _refuse_nul(line: int, header: list[str], values: list[str]) -> None:
    """PostgreSQL text cannot hold the NUL character: name the cell instead of failing later."""
    for column, value in zip(header, values, strict=False):
        if "\x00" in value:
            raise _error(
                line, column, _("cellen inneholder et null-tegn (NUL), som ikke kan lagres.")
            )


def decode_csv(raw: bytes) -> str:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportError_(_("Fila er for stor (over 50 MB)."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(
            _("Fila er ikke UTF-8 (feil ved byte %d). Lagre den som «CSV UTF-8» og prøv igjen.")
            % exc.start
        ) from exc


def parse_responses(*, round_: Round, text: str) -> list[ResponseData]:
    """Validate every row; raise on the first error with its line and column."""
    spec = get_instrument_spec(round_.instrument)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        raw_header = next(reader)
        _refuse_nul(1, [h.replace("\x00", "") for h in raw_header], raw_header)
        header = [h.strip() for h in raw_header]
    except StopIteration:
        raise ImportError_(_("Fila er tom.")) from None
    except csv.Error as exc:
        raise ImportError_(_("Fila kan ikke leses som CSV: %s") % exc) from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise _error(1, missing[0], _("kolonnen mangler i overskriftsraden."))
    if len(set(header)) != len(header):
        raise _error(1, "", _("to kolonner har samme navn."))
    for column in header:
        if column not in REQUIRED and column not in OPTIONAL and column not in spec.items:
            raise _error(1, column, _("ukjent kolonne (ikke en påstandskode i denne runden)."))

    participations = dict(
        Participation.objects.filter(round=round_).values_list(
            "municipality__number", "municipality_id"
        )
    )
    staff_groups = set(StaffGroup.objects.values_list("code", flat=True))
    if not round_.include_folkevalgte:
        staff_groups.discard("folkevalgt")
    sectors = set(Sector.objects.values_list("code", flat=True))
    units = {
        (m, name.casefold()): (pk, sector)
        for m, name, pk, sector in OrgUnit.objects.filter(
            municipality_id__in=participations.values()
        ).values_list("municipality_id", "name", "pk", "sector_id")
    }
    barrier_codes = {o.code for o in spec.barriers}
    promoter_codes = {o.code for o in spec.promoters}
    item_columns = [c for c in header if c in spec.items]
    outcome_questions = [
        q for q in (spec.outcomes.questions if spec.outcomes else ()) if q.code in header
    ]

    rows = []
    try:
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise _error(
                    line,
                    "",
                    _("raden har %(got)d felt, overskriften har %(want)d.")
                    % {"got": len(values), "want": len(header)},
                )
            _refuse_nul(line, header, values)
            cells = {h: v.strip() for h, v in zip(header, values, strict=True)}
            municipality_id = participations.get(cells["municipality"])
            if municipality_id is None:
                raise _error(
                    line,
                    "municipality",
                    _("kommunen «%s» deltar ikke i runden.") % cells["municipality"],
                )
            staff_group = cells["staff_group"]
            if staff_group not in staff_groups:
                raise _error(line, "staff_group", _("ukjent ansattgruppe «%s».") % staff_group)
            sector = cells["sector"]
            if sector not in sectors:
                raise _error(line, "sector", _("ukjent sektor «%s».") % sector)
            unit_id = None
            if cells.get("unit"):
                found = units.get((municipality_id, cells["unit"].casefold()))
                if found is None:
                    raise _error(
                        line, "unit", _("kommunen har ingen enhet som heter «%s».") % cells["unit"]
                    )
                if found[1] != sector:
                    raise _error(line, "unit", _("enheten hører til en annen sektor."))
                unit_id = found[0]
            tenure = cells.get("tenure", "")
            if tenure and tenure not in ("under_2", "2_10", "over_10"):
                raise _error(line, "tenure", _("ugyldig ansiennitet «%s».") % tenure)
            answers = {}
            for code in item_columns:
                value = cells[code]
                if value == "":
                    continue
                if staff_group not in spec.items[code].audience:
                    raise _error(
                        line, code, _("påstanden gjelder ikke ansattgruppen %s.") % staff_group
                    )
                if value.lower() == "x":
                    answers[code] = None
                elif value.lower() == NOT_RELEVANT and spec.split_missing:
                    answers[code] = NOT_RELEVANT
                elif value in ("1", "2", "3", "4", "5"):
                    answers[code] = int(value)
                elif spec.split_missing:
                    raise _error(
                        line,
                        code,
                        _("«%s» er ikke et gyldig svar (1–5, x, na eller tomt).") % value,
                    )
                else:
                    raise _error(
                        line, code, _("«%s» er ikke et gyldig svar (1–5, x eller tomt).") % value
                    )
            requirement = answer_requirement(spec, staff_group, answers)
            if not requirement.met:
                missing = next(
                    item.code
                    for item in spec.items_for(staff_group)
                    if answers.get(item.code) is None
                )
                raise _error(
                    line,
                    missing,
                    _(
                        "bare %(answered)d av de %(total)d påstandene ansattgruppen får, har et "
                        "svar fra 1 til 5. Et svar teller bare når minst %(required)d er besvart."
                    )
                    % {
                        "answered": requirement.answered,
                        "total": requirement.total,
                        "required": requirement.required,
                    },
                )
            choices = {}
            for column, valid in (("barriers", barrier_codes), ("promoters", promoter_codes)):
                codes = [c.strip() for c in cells.get(column, "").split(";") if c.strip()]
                unknown = [c for c in codes if c not in valid]
                if unknown:
                    raise _error(line, column, _("ukjent kode «%s».") % unknown[0])
                if len(codes) > 3 or len(set(codes)) != len(codes):
                    raise _error(line, column, _("velg inntil tre ulike alternativer."))
                choices[column] = codes
            language = cells.get("language", "")
            if language and language not in LANGUAGES:
                raise _error(line, "language", _("ukjent språk «%s» (nb, nn eller en).") % language)
            outcomes = {}
            for question in outcome_questions:
                codes = [c.strip() for c in cells.get(question.code, "").split(";") if c.strip()]
                known = {o.code for o in question.options}
                unknown = [c for c in codes if c not in known]
                if unknown:
                    raise _error(line, question.code, _("ukjent kode «%s».") % unknown[0])
                if question.select == "one" and len(codes) > 1:
                    raise _error(line, question.code, _("velg ett alternativ."))
                if codes:
                    outcomes[question.code] = codes
            rows.append(
                ResponseData(
                    municipality_id=municipality_id,
                    staff_group=staff_group,
                    sector=sector,
                    unit_id=unit_id,
                    tenure=tenure,
                    answers=answers,
                    barriers=choices["barriers"],
                    promoters=choices["promoters"],
                    outcomes=outcomes,
                    language=language,
                )
            )
    except csv.Error as exc:
        raise ImportError_(_("Fila kan ikke leses som CSV: %s") % exc) from exc
    if not rows:
        raise ImportError_(_("Fila har ingen svar."))
    return rows


def import_responses(*, round_: Round, raw: bytes) -> int:
    started = time.monotonic()
    try:
        with transaction.atomic():
            rows = parse_responses(round_=round_, text=decode_csv(raw))
            record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    except ImportError_ as exc:
        logger.warning(
            "Import into round %s refused (%s bytes): %s", round_.slug, len(raw), _loggable(exc)
        )
        raise
    except ValidationError as exc:
        logger.warning("Import into round %s refused: %s", round_.slug, type(exc).__name__)
        raise
    logger.info(
        "Imported %s responses from %s kommuner into round %s in %.1f s",
        len(rows),
        len({row.municipality_id for row in rows}),
        round_.slug,
        time.monotonic() - started,
    )
    return len(rows)
