"""Issue 14, from results to action: the tillitsvalgt role, making an action plan per kommune and
unit (bad input refused in Norwegian, an append-only history, co-signature, who may edit and who
may read) and the plan page's bounded number of queries. The follow-up in the next round is in
tests/test_action_plans.py."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from municipalities.models import Membership, Municipality, Role
from reports import action_plans
from reports.models import Action, ActionPlan, AppendOnlyError, PlanEvent
from tests.action_plan_helpers import PLAN, add, client_for, make_plan

# --- The tillitsvalgt role ---------------------------------------------------------------------


def test_grant_role_gives_a_tillitsvalgt_the_kommune(municipalities):
    call_command("grant_role", "tv-molde", "tillitsvalgt", "--municipality", "1506")
    membership = Membership.objects.get(user__username="tv-molde")
    assert membership.role == Role.TILLITSVALGT
    assert membership.municipality.number == "1506"
    with pytest.raises(ValidationError, match="må ha en kommune"):
        from municipalities.services import grant_role

        grant_role(username="tv-2", role="tillitsvalgt")


def test_a_tillitsvalgt_reads_the_kommune_report_but_not_the_dashboard_or_comparison(people):
    client = client_for(people["tillitsvalgt"])
    report = client.get("/runder/runde-2025/kommuner/4640/")
    assert report.status_code == 200
    assert "Heimetenesta" in report.content.decode()  # the whole kommune, units included
    assert client.get("/kommune/4640/runder/runde-2025/").status_code == 404
    assert client.get("/kommune/4640/runder/").status_code == 404
    assert client.get("/runder/runde-2025/sammenligning/").status_code == 404
    assert client.get("/runder/runde-2025/kommuner/1506/").status_code == 404
    assert client.get("/kommune/4640/enheter/").status_code == 404


# --- Making a plan -----------------------------------------------------------------------------


def test_the_coordinator_makes_a_plan_with_actions_and_sees_status_at_a_glance(people):
    client = client_for(people["coordinator"])
    page = client.get(PLAN)
    assert page.status_code == 200
    assert "Det er ikke laget noen plan ennå." in page.content.decode()
    make_plan(client)
    assert add(client).status_code == 302
    assert (
        add(client, dimension="ideer", what="Idémøte hver måned", ks_tool="BLT/N3").status_code
        == 302
    )
    action = Action.objects.get(what="Hospitering mellom enhetene")
    response = client.post(PLAN, {"op": "update_action", "action": action.pk, "status": "ferdig"})
    assert response.status_code == 302
    response = client.post(PLAN, {"op": "discussion", "forum": "AMU", "on": "2026-11-20"})
    assert response.status_code == 302
    text = client.get(PLAN).content.decode()
    assert "1 av 2 tiltak ferdig" in text
    assert "Drøftet med tillitsvalgte i AMU 20.11.2026." in text
    assert "Idémøte hver måned" in text and "BLT/N3" in text
    # The history, newest first, names who did what.
    history = text.split('id="plan-history"')[1]
    assert history.index("status Planlagt → Ferdig") < history.index("Planen ble laget")
    assert "koord" in history
    assert PlanEvent.objects.count() == 6  # created, focus, two actions, status, discussion


def test_bad_input_is_refused_in_norwegian_and_changes_nothing(people):
    client = client_for(people["coordinator"])
    response = client.post(
        PLAN, {"op": "focus", "focus": ["samarbeid", "ideer", "strategi", "metoder"]}
    )
    assert response.status_code == 400
    assert "Velg ett, to eller tre innsatsområder." in response.content.decode()
    assert not ActionPlan.objects.exists()
    make_plan(client)
    events = PlanEvent.objects.count()
    response = add(client, dimension="strategi")
    assert response.status_code == 400
    response = add(client, what="", due_on="ikke-en-dato")
    assert response.status_code == 400
    assert "Skriv hva tiltaket er." in response.content.decode()
    assert add(client).status_code == 302
    # A focus dimension with actions cannot be dropped.
    response = client.post(PLAN, {"op": "focus", "focus": ["ideer"]})
    assert response.status_code == 400
    assert "Samarbeid på tvers av enheter har tiltak" in response.content.decode()
    assert ActionPlan.objects.get().focus == [
        "ideer",
        "samarbeid",
    ] or ActionPlan.objects.get().focus == [
        "samarbeid",
        "ideer",
    ]
    response = client.post(PLAN, {"op": "discussion", "forum": "AMU", "on": "2999-01-01"})
    assert "kan ikke være fram i tid" in response.content.decode()
    assert ActionPlan.objects.get().discussed_on is None
    assert client.post(PLAN, {"op": "hva"}).status_code == 400
    assert (
        client.post(
            PLAN, {"op": "update_action", "action": "99999", "status": "ferdig"}
        ).status_code
        == 404
    )
    assert PlanEvent.objects.count() == events + 1  # only the one action that was valid


def test_the_history_is_append_only(people):
    client = client_for(people["coordinator"])
    make_plan(client)
    event = PlanEvent.objects.first()
    event.kind = "signed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_tillitsvalgt_co_signs_but_cannot_edit(people):
    coordinator = client_for(people["coordinator"])
    make_plan(coordinator)
    tv = client_for(people["tillitsvalgt"])
    assert tv.post(PLAN, {"op": "sign"}).status_code == 400  # no actions yet
    add(coordinator)
    assert tv.post(PLAN, {"op": "focus", "focus": ["strategi"]}).status_code == 404
    assert tv.post(PLAN, {"op": "sign"}).status_code == 302
    assert tv.post(PLAN, {"op": "sign"}).status_code == 400  # once
    text = coordinator.get(PLAN).content.decode()
    assert "Medsignert av tillitsvalgt tv" in text
    # The coordinator cannot sign in the tillitsvalgt's place.
    assert coordinator.post(PLAN, {"op": "sign"}).status_code == 404
    # A change after the signature is visible beside it.
    action = Action.objects.get()
    coordinator.post(PLAN, {"op": "update_action", "action": action.pk, "status": "i_gang"})
    assert "planen er endret etter signaturen" in coordinator.get(PLAN).content.decode()


def test_unit_leaders_edit_their_units_plan_and_read_the_kommunes(people, sogndal_units):
    heim = sogndal_units["heim"]
    unit_plan = f"/runder/runde-2025/kommuner/4640/tiltaksplan/enhet/{heim.pk}/"
    other_unit_plan = (
        f"/runder/runde-2025/kommuner/4640/tiltaksplan/enhet/{sogndal_units['skule'].pk}/"
    )
    leader = client_for(people["leader"])
    make_plan(leader, unit_plan, focus=("trygghet",))
    assert add(leader, unit_plan, dimension="trygghet", what="Feilfredag").status_code == 302
    assert leader.get(PLAN).status_code == 200
    assert leader.post(PLAN, {"op": "focus", "focus": ["strategi"]}).status_code == 404
    assert leader.get(other_unit_plan).status_code == 404
    coordinator = client_for(people["coordinator"])
    kommune_page = coordinator.get(PLAN).content.decode()
    assert "Heimetenesta" in kommune_page and "0 av 1 tiltak ferdig" in kommune_page
    assert coordinator.get(unit_plan).status_code == 200
    assert coordinator.post(unit_plan, {"op": "focus", "focus": ["strategi"]}).status_code == 404
    assert ActionPlan.objects.get(unit=heim).focus == ["trygghet"]


def test_plans_are_404_outside_the_kommune_and_for_ks(people, sogndal_units):
    client_for(people["coordinator"]).post(PLAN, {"op": "focus", "focus": ["samarbeid"]})
    for user in ("other_coordinator", "ks"):
        client = client_for(people[user])
        assert client.get(PLAN).status_code == 404
        assert client.post(PLAN, {"op": "sign"}).status_code == 404
    # KS reads the kommune report, but sees no plan there.
    report = client_for(people["ks"]).get("/runder/runde-2025/kommuner/4640/").content.decode()
    assert "tiltaksplan" not in report.lower()


def test_a_plan_waits_for_publication(open_round, users):
    client = client_for(users["coordinator_a"])
    response = client.get("/runder/runde-2026/kommuner/4640/tiltaksplan/")
    assert "Resultatene publiseres når runden stenger" in response.content.decode()
    with pytest.raises(ValidationError):
        action_plans.save_focus(
            round_=open_round,
            municipality=Municipality.objects.get(number="4640"),
            focus=["samarbeid"],
            user=users["coordinator_a"],
        )


def test_the_plan_page_runs_a_bounded_number_of_queries(people, django_assert_max_num_queries):
    client = client_for(people["coordinator"])
    make_plan(client)
    for i in range(5):
        add(client, what=f"Tiltak {i}")
    with django_assert_max_num_queries(12):  # measured 12 with 5 actions, as with 1
        assert client.get(PLAN).status_code == 200
