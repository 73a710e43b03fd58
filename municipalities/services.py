"""Writes for kommuner, org units and roles. Every function takes keyword arguments only."""

import csv
import logging
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Round

from .models import (
    FactSheet,
    LanguageForm,
    Membership,
    Municipality,
    OrgUnit,
    PendingGrant,
    Role,
    Sector,
    SizeClass,
)
from .national_lists import ensure_national_lists

logger = logging.getLogger(__name__)

MUNICIPALITY_CSV = Path(__file__).resolve().parent / "data" / "kommuner-2025.csv"

_LANGUAGE_FORMS = {
    "bokmål": LanguageForm.BOKMAL,
    "nynorsk": LanguageForm.NYNORSK,
    "nøytral": LanguageForm.NEUTRAL,
}


@dataclass
class LoadResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _parse_municipality_row(row: dict, line: int) -> Municipality:
    try:
        number = row["kommunenummer"].strip()
        language_form = _LANGUAGE_FORMS[row["malform"].strip().lower()]
        population = int(row["innbyggere"])
        return Municipality(
            number=number,
            name=row["navn"].strip(),
            county_number=row["fylkesnummer"].strip(),
            county_name=row["fylke"].strip(),
            admin_centre=row.get("administrasjonssenter", "").strip(),
            population=population,
            area_km2=Decimal(row["areal_km2"]),
            language_form=language_form,
            size_class=SizeClass.for_population(population),
        )
    except (KeyError, ValueError, ArithmeticError) as exc:
        raise ValidationError(
            _("Linje %(line)d i kommunefila er ugyldig: %(error)s") % {"line": line, "error": exc}
        ) from exc


@transaction.atomic
def load_municipalities(*, path: Path = MUNICIPALITY_CSV) -> LoadResult:
    """Upsert the kommune register from CSV; re-running updates rows and never duplicates."""
    ensure_national_lists()
    with open(path, encoding="utf-8", newline="") as handle:
        parsed = [
            _parse_municipality_row(row, line)
            for line, row in enumerate(csv.DictReader(handle), start=2)
        ]
    existing = Municipality.objects.in_bulk(field_name="number")
    fields = [
        "name", "county_number", "county_name", "admin_centre",
        "population", "area_km2", "language_form", "size_class",
    ]  # fmt: skip
    to_create, to_update = [], []
    for municipality in parsed:
        if municipality.number in existing:
            municipality.pk = existing[municipality.number].pk
            to_update.append(municipality)
        else:
            to_create.append(municipality)
    Municipality.objects.bulk_create(to_create)
    Municipality.objects.bulk_update(to_update, fields, batch_size=200)
    return LoadResult(created=len(to_create), updated=len(to_update))


def _unit_path(unit: OrgUnit) -> str:
    prefix = unit.parent.path if unit.parent is not None else "/"
    return f"{prefix}{unit.pk}/"


@transaction.atomic
def create_org_unit(
    *, municipality: Municipality, sector: Sector, name: str, parent: OrgUnit | None = None
) -> OrgUnit:
    """Add an enhet under a sector (and optionally under a parent unit of the same kommune)."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Enheten må ha et navn."))
    if parent is not None:
        if parent.municipality_id != municipality.pk:
            raise ValidationError(_("Overordnet enhet hører til en annen kommune."))
        if parent.sector_id != sector.pk:
            raise ValidationError(_("En underenhet må høre til samme sektor som den overordnede."))
    if OrgUnit.objects.filter(municipality=municipality, name__iexact=name).exists():
        raise ValidationError(_("Kommunen har allerede en enhet som heter «%s».") % name)
    unit = OrgUnit.objects.create(
        municipality=municipality, sector=sector, parent=parent, name=name
    )
    unit.path = _unit_path(unit)
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def rename_org_unit(*, unit: OrgUnit, name: str) -> OrgUnit:
    name = name.strip()
    if not name:
        raise ValidationError(_("Enheten må ha et navn."))
    clash = OrgUnit.objects.filter(municipality_id=unit.municipality_id, name__iexact=name)
    if clash.exclude(pk=unit.pk).exists():
        raise ValidationError(_("Kommunen har allerede en enhet som heter «%s».") % name)
    unit.name = name
    unit.save(update_fields=["name"])
    return unit


def _role_scope(role, municipality_number, unit_id):
    if role not in Role.values:
        raise ValidationError(
            _("Ukjent rolle «%(role)s». Gyldige roller: %(roles)s")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    municipality = unit = None
    if role in (Role.COORDINATOR, Role.TILLITSVALGT):
        if not municipality_number:
            raise ValidationError(
                _("En koordinator eller tillitsvalgt må ha en kommune (--municipality).")
            )
        if unit_id:
            raise ValidationError(
                _("En koordinator eller tillitsvalgt har hele kommunen, ingen enhet.")
            )
        municipality = Municipality.objects.filter(number=municipality_number).first()
        if municipality is None:
            raise ValidationError(_("Fant ingen kommune med nummer %s.") % municipality_number)
    elif role == Role.UNIT_LEADER:
        if not unit_id:
            raise ValidationError(_("En enhetsleder må ha en enhet (--unit)."))
        unit = OrgUnit.objects.select_related("municipality").filter(pk=unit_id).first()
        if unit is None:
            raise ValidationError(_("Fant ingen enhet med id %s.") % unit_id)
        municipality = unit.municipality
    elif municipality_number or unit_id:
        raise ValidationError(
            _("En KS-analytiker har nasjonal tilgang og ingen kommune eller enhet.")
        )

    return municipality, unit


@transaction.atomic
def grant_role(
    *,
    username: str,
    role: str,
    municipality_number: str | None = None,
    unit_id: int | None = None,
) -> Membership:
    """Give a user a role, creating the user (with an unusable password) if needed."""
    municipality, unit = _role_scope(role, municipality_number, unit_id)
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
        user.save()
    return _add_membership(user, role, municipality, unit)


def _add_membership(user, role, municipality, unit) -> Membership:
    """The membership, unless the rules of Membership.clean refuse it (one unit per unit
    leader and kommune)."""
    Membership(user=user, role=role, municipality=municipality, unit=unit).clean()
    membership, _created = Membership.objects.get_or_create(
        user=user, role=role, municipality=municipality, unit=unit
    )
    return membership


@transaction.atomic
def grant_role_on_sign_in(
    *,
    identity: str,
    role: str,
    municipality_number: str | None = None,
    unit_id: int | None = None,
) -> Membership | PendingGrant:
    """Give a role to whoever signs in with single sign-on as `identity` (normally an e-mail
    address). A user who has that address already gets the role now; otherwise it waits as a
    PendingGrant for the first sign-in."""
    identity = identity.strip().lower()
    if not identity:
        raise ValidationError(_("Skriv inn en e-postadresse."))
    municipality, unit = _role_scope(role, municipality_number, unit_id)
    User = get_user_model()
    users = list(User.objects.filter(Q(username__iexact=identity) | Q(email__iexact=identity)))
    if len(users) == 1:
        return _add_membership(users[0], role, municipality, unit)
    if (
        role == Role.UNIT_LEADER
        and PendingGrant.objects.filter(identity=identity, role=role, municipality=municipality)
        .exclude(unit=unit)
        .exists()
    ):
        raise ValidationError(
            _("%(identity)s venter allerede på en annen enhet i %(kommune)s.")
            % {"identity": identity, "kommune": municipality.name}
        )
    pending, _created = PendingGrant.objects.get_or_create(
        identity=identity, role=role, municipality=municipality, unit=unit
    )
    return pending


@transaction.atomic
def claim_pending_grants(*, user, identity: str) -> int:
    """At sign-in: turn the roles waiting for `identity` into the user's memberships."""
    pending = list(PendingGrant.objects.select_for_update().filter(identity=identity.lower()))
    for grant in pending:
        try:
            _add_membership(user, grant.role, grant.municipality, grant.unit)
        except ValidationError:
            # Led another unit of the kommune already (granted by password login): the waiting
            # grant is dropped rather than giving one person two units' pages.
            logger.warning("Ventende enhetslederrolle forkastet: personen leder en annen enhet")
    PendingGrant.objects.filter(pk__in=[g.pk for g in pending]).delete()
    return len(pending)


def save_fact_sheet(*, participation, facts: dict, today=None):
    """Save the kommune's fact sheet for a round. A published round's fact sheet is frozen:
    this raises ValidationError and changes nothing."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=participation.round_id)
        if round_.published_at is not None:
            raise ValidationError(_("Runden er publisert, og faktaarket kan ikke endres lenger."))
        sheet, _created = FactSheet.objects.update_or_create(
            participation=participation,
            defaults={**facts, "updated_on": today or timezone.localdate()},
        )
    return sheet
