"""Reads for kommuner and the tenancy helpers every view uses to scope objects to a user.

Objects outside what a user's role allows are answered with 404, never 403, so that nobody can
probe which kommuner or units exist in a round.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import (
    FACT_QUESTIONS,
    FACT_SHORT,
    FactSheet,
    KsTool,
    Membership,
    Municipality,
    OrgUnit,
    Role,
    Sector,
    StaffGroup,
)


@dataclass(frozen=True)
class Access:
    """What a signed-in user may see: all of Norway, whole kommuner, or unit subtrees."""

    is_national: bool = False
    is_superuser: bool = False
    coordinator_of: frozenset[int] = field(default_factory=frozenset)
    # (municipality id, unit id, unit path) for each unit the user leads
    leader_of: tuple[tuple[int, int, str], ...] = ()
    # kommuner where the user is a tillitsvalgt: the kommune report (read) and its action plans
    # (read and co-sign), never the dashboard, invitations or the comparison
    representative_of: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_anything(self) -> bool:
        return (
            self.is_national
            or bool(self.coordinator_of)
            or bool(self.leader_of)
            or bool(self.representative_of)
        )

    @property
    def municipality_ids(self) -> frozenset[int]:
        return self.coordinator_of | self.representative_of | {m for m, _u, _p in self.leader_of}

    def can_coordinate(self, municipality_id: int) -> bool:
        return self.is_superuser or municipality_id in self.coordinator_of

    def sees_whole(self, municipality_id: int) -> bool:
        return (
            self.is_national
            or municipality_id in self.coordinator_of
            or municipality_id in self.representative_of
        )

    def represents(self, municipality_id: int) -> bool:
        return municipality_id in self.representative_of

    def unit_roots(self, municipality_id: int) -> list[tuple[int, str]]:
        return [(u, p) for m, u, p in self.leader_of if m == municipality_id]


NO_ACCESS = Access()


def get_access_for_user(user) -> Access:
    """One query; the result is memoised on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_innovasjonsradar_access", None)
    if cached is not None:
        return cached
    rows = Membership.objects.filter(user=user).values_list(
        "role", "municipality_id", "unit_id", "unit__path"
    )
    national, coordinator_of, leader_of, representative_of = user.is_superuser, set(), [], set()
    for role, municipality_id, unit_id, unit_path in rows:
        if role == Role.KS_ANALYST:
            national = True
        elif role == Role.COORDINATOR:
            coordinator_of.add(municipality_id)
        elif role == Role.UNIT_LEADER:
            leader_of.append((municipality_id, unit_id, unit_path))
        elif role == Role.TILLITSVALGT:
            representative_of.add(municipality_id)
    access = Access(
        is_national=national,
        is_superuser=user.is_superuser,
        coordinator_of=frozenset(coordinator_of),
        leader_of=tuple(leader_of),
        representative_of=frozenset(representative_of),
    )
    user._innovasjonsradar_access = access
    return access


def require_national(user) -> None:
    """KS analysts and superusers only: everyone else gets a 404, as for another kommune."""
    if not get_access_for_user(user).is_national:
        raise Http404


def get_municipalities_for_user(user) -> QuerySet[Municipality]:
    access = get_access_for_user(user)
    if access.is_national:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=access.municipality_ids)


def get_municipality_for_user(user, number: str) -> Municipality:
    """The kommune if the user may see (some of) it, else 404."""
    municipality = get_municipalities_for_user(user).filter(number=number).first()
    if municipality is None:
        raise Http404
    return municipality


def get_municipality_for_coordinator(user, number: str) -> Municipality:
    """The kommune if the user coordinates it (or is superuser), else 404."""
    access = get_access_for_user(user)
    municipality = Municipality.objects.filter(number=number).first()
    if municipality is None or not access.can_coordinate(municipality.pk):
        raise Http404
    return municipality


def landing_municipality(user) -> Municipality | None:
    """The kommune a signed-in person lands on: the one they coordinate, when there is exactly
    one (and they are not KS)."""
    access = get_access_for_user(user)
    if access.is_national or len(access.coordinator_of) != 1:
        return None
    return Municipality.objects.filter(pk__in=access.coordinator_of).first()


def get_unit_for_coordinator(user, municipality: Municipality, unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.filter(municipality=municipality, pk=unit_id).first()
    if unit is None or not get_access_for_user(user).can_coordinate(municipality.pk):
        raise Http404
    return unit


@dataclass(frozen=True)
class ReportScope:
    """The part of a kommune a user may see: the whole kommune or one unit subtree."""

    municipality: Municipality
    unit: OrgUnit | None = None

    @property
    def is_whole(self) -> bool:
        return self.unit is None


def get_report_scope_for_user(user, municipality: Municipality) -> ReportScope:
    access = get_access_for_user(user)
    if access.sees_whole(municipality.pk):
        return ReportScope(municipality=municipality)
    roots = access.unit_roots(municipality.pk)
    if not roots:
        raise Http404
    unit = OrgUnit.objects.select_related("sector").get(pk=roots[0][0])
    return ReportScope(municipality=municipality, unit=unit)


def get_led_unit_for_user(user, municipality: Municipality, unit_id: int) -> OrgUnit:
    """The unit if the user leads exactly that unit, else 404 - also for coordinators and KS:
    the unit's own page sets the subtree beside the kommune and the sector, and one person
    seeing several subtrees that way could subtract one from another."""
    roots = get_access_for_user(user).unit_roots(municipality.pk)
    if unit_id not in {u for u, _p in roots}:
        raise Http404
    return OrgUnit.objects.select_related("sector").get(pk=unit_id, municipality=municipality)


def list_units(municipality: Municipality) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(municipality=municipality).select_related("sector", "parent")


def list_staff_groups(*, include_optional: bool = True) -> QuerySet[StaffGroup]:
    groups = StaffGroup.objects.all()
    return groups if include_optional else groups.filter(is_optional=False)


def list_sectors() -> QuerySet[Sector]:
    return Sector.objects.all()


def list_counties() -> list[tuple[str, str]]:
    return list(
        Municipality.objects.order_by("county_number")
        .values_list("county_number", "county_name")
        .distinct()
    )


def fact_sheet_rows(sheet) -> list[dict]:
    """The fact sheet as question → answer rows for display (no query)."""
    if sheet is None:
        return []
    answer = {True: _("Ja"), False: _("Nei"), None: _("Vet ikke")}
    rows = [{"question": q, "answer": answer[getattr(sheet, name)]} for name, q in FACT_QUESTIONS]
    labels = dict(KsTool.choices)
    rows.append(
        {
            "question": _("KS-verktøy i bruk"),
            "answer": ", ".join(str(labels.get(t, t)) for t in sheet.ks_tools) or _("Ingen"),
        }
    )
    rows.append(
        {
            "question": _("Nye tjenester tatt i bruk i hele kommunen siste år"),
            "answer": "–" if sheet.services_scaled is None else str(sheet.services_scaled),
        }
    )
    return rows


def fact_sheet_table(round_, rows: list[dict]) -> dict:
    """The fact sheets of the benchmark's kommuner (rows with "number" and "display_name"), for
    KS: one query. Kommuner without a fact sheet get a row saying so."""
    numbers = [r["number"] for r in rows if r.get("number")]
    sheets = {
        s.participation.municipality.number: s
        for s in FactSheet.objects.filter(
            participation__round=round_, participation__municipality__number__in=numbers
        ).select_related("participation__municipality")
    }
    answer = {True: _("Ja"), False: _("Nei"), None: "–"}
    table = []
    for r in rows:
        sheet = sheets.get(str(r.get("number")))
        table.append(
            {
                "name": r["display_name"],
                "answers": [answer[getattr(sheet, f)] for f, _q in FACT_QUESTIONS]
                if sheet
                else None,
                "ks_tools": len(sheet.ks_tools) if sheet else None,
                "services_scaled": sheet.services_scaled if sheet else None,
            }
        )
    return {
        "columns": [{"short": FACT_SHORT[f], "question": q} for f, q in FACT_QUESTIONS],
        "rows": table,
        "answered": len(sheets),
    }
