"""Reading and validating the instrument data file (YAML, checked against schema.json)."""

import copy
import hashlib
import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from municipalities.models import StaffGroup

from .traits import LEADER_GROUPS, TRAITS

INSTRUMENT_DIR = Path(__file__).resolve().parent / "instrument"
DEFAULT_INSTRUMENT = INSTRUMENT_DIR / "innovasjonsradar.yaml"  # 2026.1, for the rounds that use it
# Every version shipped with the app, oldest first (`load_instrument` without a path loads all).
INSTRUMENT_FILES = (DEFAULT_INSTRUMENT, INSTRUMENT_DIR / "innovasjonsradar-2027.1.yaml")
SCHEMA = json.loads((INSTRUMENT_DIR / "schema.json").read_text(encoding="utf-8"))
KS_TOOLS = ("BLT/N3", "Veikart for tjenesteinnovasjon", "SLIK")


def read_instrument_file(path: Path) -> tuple[dict, str]:
    """Parse and validate the file; returns the data and the SHA-256 of its bytes."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(
            _("Kan ikke lese fila %(path)s: %(error)s") % {"path": path, "error": exc}
        ) from exc
    sha = hashlib.sha256(raw).hexdigest()
    data = copy.deepcopy(_parse(raw, sha))
    validate_instrument_data(data)
    return data, sha


@lru_cache(maxsize=8)
def _parse(raw: bytes, sha: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(raw.decode("utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValidationError(_("Fila er ikke gyldig YAML i UTF-8: %s") % exc) from exc


def expand_audience(audience, staff_group_codes: list[str]) -> list[str]:
    if audience == "all":
        return list(staff_group_codes)
    if audience == "leaders":
        return list(LEADER_GROUPS)
    return list(audience)


def validate_instrument_data(data) -> None:
    """Schema validation plus the rules a schema cannot express (unique codes, known groups)."""
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(rot)"
        raise ValidationError(
            _("Spørreskjemafila følger ikke skjemaet ved %(where)s: %(error)s")
            % {"where": where, "error": exc.message}
        ) from exc
    errors = []
    staff_groups = set(StaffGroup.objects.values_list("code", flat=True))
    dimension_codes, item_codes = set(), set()
    for dimension in data["dimensions"]:
        if dimension["code"] in dimension_codes:
            errors.append(_("Dimensjonskoden %s er brukt to ganger.") % dimension["code"])
        dimension_codes.add(dimension["code"])
        for action in dimension["actions"]:
            tool = action.get("ks_tool")
            if tool is not None and tool not in KS_TOOLS:
                errors.append(_("Ukjent KS-verktøy «%s».") % tool)
        for item in dimension["items"]:
            if item["code"] in item_codes:
                errors.append(_("Påstandskoden %s er brukt to ganger.") % item["code"])
            item_codes.add(item["code"])
            if item.get("trait") and item["trait"] not in TRAITS:
                errors.append(
                    _("Påstand %(code)s har ukjent kulturtrekk «%(trait)s».")
                    % {"code": item["code"], "trait": item["trait"]}
                )
            audience = item["audience"]
            if isinstance(audience, list) and not set(audience) <= staff_groups:
                unknown = ", ".join(sorted(set(audience) - staff_groups))
                errors.append(
                    _("Påstand %(code)s har ukjente ansattgrupper: %(groups)s")
                    % {"code": item["code"], "groups": unknown}
                )
            for source in item["sources"]:
                first, last = source["lines"]
                if first > last:
                    errors.append(
                        _("Påstand %s har en kilde der første linje kommer etter siste.")
                        % item["code"]
                    )
    for kind in ("barriers", "promoters"):
        codes = [option["code"] for option in data[kind]]
        if len(codes) != len(set(codes)):
            errors.append(_("Svaralternativene i %s har like koder.") % kind)
    errors += _outcome_errors(data.get("outcomes"), staff_groups)
    references = data.get("references")
    if references is not None:
        cited = {s["seed"] for d in data["dimensions"] for i in d["items"] for s in i["sources"]}
        missing = sorted(cited - set(references))
        if missing:
            errors.append(_("Kildene mangler i «references»: %s") % ", ".join(missing))
    if errors:
        raise ValidationError(errors)


def _outcome_errors(outcomes, staff_groups) -> list:
    if outcomes is None:
        return []
    errors = []
    codes = [q["code"] for q in outcomes["questions"]]
    option_codes = [o["code"] for q in outcomes["questions"] for o in q["options"]]
    if len(codes) != len(set(codes)):
        errors.append(_("Resultatspørsmålene har like koder."))
    if len(option_codes) != len(set(option_codes)):
        errors.append(_("Svaralternativene til resultatspørsmålene har like koder."))
    if outcomes["gate"] not in codes:
        errors.append(
            _("Resultatspørsmålet «%s» som styrer de andre, finnes ikke.") % outcomes["gate"]
        )
    unknown = set(outcomes["audience"]) - staff_groups
    if unknown:
        errors.append(
            _("Resultatspørsmålene har ukjente ansattgrupper: %s") % ", ".join(sorted(unknown))
        )
    return errors
