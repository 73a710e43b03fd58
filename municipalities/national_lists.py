"""The fixed national staff groups and sectors (domain.md §4). Codes never change.

Migration 0002 creates them through `ensure_national_lists`, which also restores them where a
database was emptied (a flushed test database, a restore of only the kommune tables)."""

from . import models

# fmt: off
STAFF_GROUPS = [
    ("toppleder", False, "Toppleder (kommunedirektør og ledergruppe)",
     "Toppleiar (kommunedirektør og leiargruppe)", "Top manager (chief executive and management team)"),
    ("mellomleder", False, "Mellomleder (enhets-/virksomhetsleder)",
     "Mellomleiar (einings-/verksemdsleiar)", "Middle manager (head of unit)"),
    ("forstelinjeleder", False, "Førstelinjeleder (avdelings-/teamleder)",
     "Førstelinjeleiar (avdelings-/teamleiar)", "First-line manager (department or team leader)"),
    ("medarbeider", False, "Medarbeider", "Medarbeidar", "Employee"),
    ("tillitsvalgt", False, "Tillitsvalgt eller verneombud",
     "Tillitsvald eller verneombod", "Union representative or safety delegate"),
    ("stab", False, "Stab eller rådgiver", "Stab eller rådgivar", "Staff or adviser"),
    ("folkevalgt", True, "Folkevalgt", "Folkevald", "Elected politician"),
]

SECTORS = [
    ("helse_omsorg", "Helse og omsorg", "Helse og omsorg", "Health and care"),
    ("oppvekst", "Oppvekst og utdanning", "Oppvekst og utdanning", "Childhood and education"),
    ("kultur", "Kultur", "Kultur", "Culture"),
    ("teknisk", "Teknisk, plan og eiendom", "Teknisk, plan og eigedom",
     "Technical services, planning and property"),
    ("nav_sosial", "NAV og sosial", "NAV og sosial", "NAV and social services"),
    ("administrasjon", "Administrasjon og stab", "Administrasjon og stab",
     "Administration and staff functions"),
    ("annet", "Annet", "Anna", "Other"),
]


# fmt: on


def ensure_national_lists(StaffGroup=None, Sector=None) -> None:  # noqa: N803
    """Create or restore the lists. Migration 0002 passes its historical models."""
    if StaffGroup is None or Sector is None:
        StaffGroup, Sector = models.StaffGroup, models.Sector

    if StaffGroup.objects.count() == len(STAFF_GROUPS) and Sector.objects.count() == len(SECTORS):
        return
    for order, (code, optional, nb, nn, en) in enumerate(STAFF_GROUPS):
        StaffGroup.objects.update_or_create(
            code=code,
            defaults={
                "name": {"nb": nb, "nn": nn, "en": en},
                "order": order,
                "is_optional": optional,
            },
        )
    for order, (code, nb, nn, en) in enumerate(SECTORS):
        Sector.objects.update_or_create(
            code=code, defaults={"name": {"nb": nb, "nn": nn, "en": en}, "order": order}
        )
