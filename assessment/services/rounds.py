"""Writes for rounds and participations: create and join rounds, headcounts, naming, and the
purge of personal data once a round has closed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from municipalities.models import Municipality

from ..models import (
    Draft,
    Headcount,
    InstrumentVersion,
    Invitation,
    Participation,
    Round,
)
from ..selectors import latest_published_version


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
