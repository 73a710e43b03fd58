"""Disclosure control, a property across roles (hypothesis): no two figures a coordinator and a
unit leader see give away a small group in the unit tree, and nested suppression holds inside
every population."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from municipalities.models import Sector
from municipalities.selectors import ReportScope
from municipalities.services import create_org_unit
from reports.anonymity import suppress_nested
from reports.selectors import municipality_report
from tests.conftest import publish, unpublish
from tests.disclosure_helpers import MIN, Setup, kommune, new_round, people, record, residual_ok
from tests.properties import examples

pytestmark = pytest.mark.django_db


# --- a property across roles ----------------------------------------------------------------

UNIT_CHOICES = (None, "parent", "big", "small")
person_strategy = st.tuples(
    st.sampled_from(["medarbeider", "mellomleder", "toppleder"]),
    st.sampled_from(UNIT_CHOICES),
    st.integers(1, 5),
)


@pytest.fixture
def tree_setup(instrument, spec, municipalities):
    round_ = new_round(["4640", "1506"], slug="eigenskap")
    sogndal = kommune("4640")
    helse = Sector.objects.get(code="helse_omsorg")
    parent = create_org_unit(municipality=sogndal, sector=helse, name="parent")
    units = {
        "parent": parent,
        "big": create_org_unit(municipality=sogndal, sector=helse, name="big", parent=parent),
        "small": create_org_unit(municipality=sogndal, sector=helse, name="small", parent=parent),
    }
    return Setup(round_, spec, units)


def _residuals(total_n, parts):
    """The whole minus the shown parts: nobody, or at least the minimum."""
    return residual_ok(total_n - sum(parts))


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(person_strategy, min_size=5, max_size=30))
def test_no_two_figures_a_coordinator_and_unit_leader_sees_give_away_a_small_group(
    tree_setup, people_drawn
):
    round_, spec, units = tree_setup.round, tree_setup.spec, tree_setup.units
    unpublish(round_, tree_setup.closes_on)
    from assessment.models import Response

    Response.objects.filter(round=round_).delete()
    rows = []
    for staff_group, unit, score in people_drawn:
        rows += people(spec, "4640", 1, score, staff_group=staff_group, unit=units.get(unit))
    record(round_, rows)
    publish(round_)
    sogndal = kommune("4640")
    whole = municipality_report(round_, ReportScope(municipality=sogndal))
    part = municipality_report(round_, ReportScope(municipality=sogndal, unit=units["parent"]))
    if whole.suppressed:
        return
    codes = [s.code for s in whole.dimensions]
    visible_units = {g.label: g for g in whole.units}
    # 1. The kommune against its own breakdowns (staff groups, units).
    for groups in (whole.staff_groups, whole.sectors):
        for index, code in enumerate(codes):
            stat = whole.dimensions[index]
            if stat.suppressed:
                continue
            shown = [g.dimensions[index].n for g in groups if not g.dimensions[index].suppressed]
            assert _residuals(stat.n, shown), (code, stat.n, shown)
    if part.suppressed:
        return
    # 2. The subtree against the kommune (same person with both roles).
    assert _residuals(whole.respondents, [part.respondents])
    for a, b in zip(whole.dimensions, part.dimensions, strict=True):
        if not a.suppressed and not b.suppressed:
            assert _residuals(a.n, [b.n]), a.code
    for ga in whole.staff_groups:
        for gb in part.staff_groups:
            if ga.key == gb.key and not ga.suppressed and not gb.suppressed:
                assert _residuals(ga.respondents, [gb.respondents]), ga.key
                for a, b in zip(ga.dimensions, gb.dimensions, strict=True):
                    if not a.suppressed and not b.suppressed:
                        assert _residuals(a.n, [b.n]), (ga.key, a.code)
    # 3. The subtree against the units in it.
    in_tree = [visible_units[name] for name in ("parent", "big", "small") if name in visible_units]
    assert _residuals(part.respondents, [g.respondents for g in in_tree if not g.suppressed])
    for index, stat in enumerate(part.dimensions):
        if not stat.suppressed:
            assert _residuals(
                stat.n,
                [g.dimensions[index].n for g in in_tree if not g.dimensions[index].suppressed],
            ), stat.code


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 25), min_size=1),
    st.lists(st.sets(st.sampled_from("abcdefgh"), min_size=1), max_size=4),
)
def test_nested_suppression_holds_inside_every_population(counts, populations):
    populations = [[k for k in p if k in counts] for p in populations] + [list(counts)]
    hidden = suppress_nested(counts, MIN, populations)
    for population in populations:
        hidden_total = sum(counts[k] for k in population if k in hidden)
        shown = [k for k in population if k not in hidden]
        assert hidden_total == 0 or hidden_total >= MIN or not shown
    assert all(counts[k] >= MIN for k in counts if k not in hidden)


def test_a_unit_leader_leads_one_unit_per_kommune(sogndal_units):
    """Found in review: a person who leads two units sees two unit pages and could subtract
    both from their sector (6 + 6 of 15 leaves 3), or a child unit from its parent. So one
    person leads at most one unit in a kommune, through every way a role is given."""
    from django.core.exceptions import ValidationError

    from municipalities.models import Membership, Municipality, PendingGrant
    from municipalities.services import grant_role, grant_role_on_sign_in

    heim, skule = sogndal_units["heim"], sogndal_units["skule"]
    grant_role(username="leiar", role="unit_leader", unit_id=heim.pk)
    grant_role(username="leiar", role="unit_leader", unit_id=heim.pk)  # the same: fine
    with pytest.raises(ValidationError, match="leder allerede en annen enhet"):
        grant_role(username="leiar", role="unit_leader", unit_id=skule.pk)
    assert Membership.objects.filter(user__username="leiar").count() == 1
    # a unit in another kommune is another kommune's pages
    molde = create_org_unit(
        municipality=Municipality.objects.get(number="1506"),
        sector=Sector.objects.get(code="oppvekst"),
        name="Molde skole",
    )
    grant_role(username="leiar", role="unit_leader", unit_id=molde.pk)
    # waiting grants for single sign-on follow the same rule
    grant_role_on_sign_in(identity="ny@sogndal.kommune.no", role="unit_leader", unit_id=heim.pk)
    with pytest.raises(ValidationError):
        grant_role_on_sign_in(
            identity="ny@sogndal.kommune.no", role="unit_leader", unit_id=skule.pk
        )
    assert PendingGrant.objects.filter(identity="ny@sogndal.kommune.no").count() == 1


def test_the_admin_cannot_give_a_unit_leader_a_second_unit_either(admin_client, sogndal_units):
    from municipalities.models import Membership
    from municipalities.services import grant_role

    heim, skule = sogndal_units["heim"], sogndal_units["skule"]
    membership = grant_role(username="leiar", role="unit_leader", unit_id=heim.pk)
    fields = {
        "user": membership.user_id,
        "role": "unit_leader",
        "municipality": heim.municipality_id,
        "unit": skule.pk,
    }

    added = admin_client.post(reverse("admin:municipalities_membership_add"), fields)
    assert "leder allerede en annen enhet" in added.content.decode()
    assert Membership.objects.filter(user=membership.user).count() == 1
    # and the one unit can still be changed to another in the admin
    changed = admin_client.post(
        reverse("admin:municipalities_membership_change", args=[membership.pk]), fields
    )
    assert changed.status_code == 302
    assert Membership.objects.get(pk=membership.pk).unit_id == skule.pk
