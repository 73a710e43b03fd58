"""What a report page costs: the number of database queries of every report page and export does
not grow with the data (two data sizes, cold cache)."""

import random

import pytest
from django.urls import reverse

from assessment.selectors import _published_spec
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality, Sector
from municipalities.services import create_org_unit
from tests.conftest import publish
from tests.report_helpers import MOLDE, SOGNDAL, body_rows, kpi, record, table, url

pytestmark = pytest.mark.django_db


# --- efficiency --------------------------------------------------------------------------------------


def _build(round_, spec, *, sogndal_count, molde_count, units_per_sector):
    sogndal = Municipality.objects.get(number=SOGNDAL)
    molde = Municipality.objects.get(number=MOLDE)
    sectors = {s.code: s for s in Sector.objects.all()}
    units = {}
    for code in ("helse_omsorg", "oppvekst", "teknisk"):
        units[code] = []
        for i in range(units_per_sector):
            parent = create_org_unit(municipality=sogndal, sector=sectors[code], name=f"{code} {i}")
            child = create_org_unit(
                municipality=sogndal, sector=sectors[code], name=f"{code} {i} team", parent=parent
            )
            units[code] += [parent.pk, child.pk]
    rng = random.Random(11)
    rows = synthetic_rows(
        spec=spec, municipality_id=sogndal.pk, count=sogndal_count, rng=rng, units_by_sector=units
    )
    rows += synthetic_rows(spec=spec, municipality_id=molde.pk, count=molde_count, rng=rng)
    record(round_, rows)


PAGES = {
    "report": lambda r: url("municipality_report", r),
    "dimension": lambda r: url("dimension", r, code="samarbeid"),
    "xlsx": lambda r: url("export_xlsx", r),
    "pdf": lambda r: url("export_pdf", r),
    "docx": lambda r: url("export_docx", r),
    "meeting_kit": lambda r: url("meeting_kit", r, code="samarbeid") + "?enhet=",
    "benchmark": lambda r: reverse("reports:benchmark", kwargs={"slug": r.slug}),
}
# Read from the published cells, at 40 and at 400 responses (2 and 24 units), session and user
# included. The bound leaves no room for a query per group, unit or response (issue: ≤ 15).
# The report reads the kommune's action plans as well (one query; reports.selectors.action_plans);
# the PDF and the saksframlegg carry the plan and its follow-up (three more).
MAX_QUERIES = {page: 15 for page in PAGES} | {"report": 16, "pdf": 18, "docx": 18}


@pytest.mark.parametrize(
    ("sogndal_count", "molde_count", "units_per_sector"),
    [(30, 10, 1), (300, 100, 4)],
    ids=["40-responses", "400-responses"],
)
def test_query_count_does_not_grow_with_the_data(
    client,
    users,
    open_round,
    spec,
    django_assert_max_num_queries,
    sogndal_count,
    molde_count,
    units_per_sector,
):
    _build(
        open_round,
        spec,
        sogndal_count=sogndal_count,
        molde_count=molde_count,
        units_per_sector=units_per_sector,
    )
    publish(open_round)
    for page in sorted(PAGES):
        client.force_login(users["ks"] if page == "benchmark" else users["coordinator_a"])
        address = PAGES[page](open_round)
        _published_spec.cache_clear()  # cold: the instrument is read as well
        with django_assert_max_num_queries(MAX_QUERIES[page]):
            response = client.get(address)
        assert response.status_code == 200, page
        if page == "report":
            assert kpi(response.content.decode(), "respondents") == str(sogndal_count)
            units = body_rows(table(response.content.decode(), "unit-table"))
            assert len(units) == 3 * 2 * units_per_sector
