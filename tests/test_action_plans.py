"""Issue 14, from results to action: action plans per kommune and unit, the tillitsvalgt role
and co-signature, the plan's history, and the follow-up in the next round's report."""

import io
import random
import re
from datetime import date, timedelta

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from docx import Document

from assessment import services as assessment_services
from assessment.models import ResponseSource
from assessment.synthetic import synthetic_rows
from municipalities.models import Membership, Municipality, Role
from reports import action_plans
from reports.models import Action, ActionPlan, AppendOnlyError, PlanEvent
from reports.selectors import municipality_report
from reports.selectors.action_plans import plan_followup
from reports.selectors.plan_change import difference
from tests.conftest import make_user, publish

PLAN = "/runder/runde-2025/kommuner/4640/tiltaksplan/"
REPORT_2026 = "/runder/runde-2026/kommuner/4640/"


def _round(slug, days_ago, spec, levels, units=None, counts=(60, 40)):
    today = timezone.localdate()
    round_ = assessment_services.create_round(
        slug=slug,
        name=slug.replace("runde-", "Runde "),
        opens_on=today - timedelta(days=days_ago),
        closes_on=today - timedelta(days=days_ago - 20),
        municipality_numbers=["4640", "1506"],
    )
    rows = []
    for (number, level), count in zip(levels.items(), counts, strict=True):
        municipality = Municipality.objects.get(number=number)
        rows += synthetic_rows(
            spec=spec,
            municipality_id=municipality.pk,
            count=count,
            rng=random.Random(number),
            level=level,
            units_by_sector=units if number == "4640" else None,
        )
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return publish(round_)


@pytest.fixture
def rounds(municipalities, instrument, spec, sogndal_units):
    """Two published rounds: 2025 (Sogndal low) and 2026 (Sogndal a whole point higher, same
    people pattern, so every dimension improves)."""
    units = {"helse_omsorg": [sogndal_units["heim"].pk], "oppvekst": [sogndal_units["skule"].pk]}
    first = _round("runde-2025", 400, spec, {"4640": 2.4, "1506": 3.0}, units)
    second = _round("runde-2026", 40, spec, {"4640": 3.4, "1506": 3.0}, units)
    return first, second


@pytest.fixture
def people(rounds, sogndal_units):
    return {
        "coordinator": make_user("koord", "coordinator", municipality_number="4640"),
        "tillitsvalgt": make_user("tv", "tillitsvalgt", municipality_number="4640"),
        "leader": make_user("leder", "unit_leader", unit_id=sogndal_units["heim"].pk),
        "other_coordinator": make_user("koord-b", "coordinator", municipality_number="1506"),
        "ks": make_user("ks", "ks_analyst"),
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, path, **data):
    return client.post(path, data)


def make_plan(client, path=PLAN, focus=("samarbeid", "ideer")):
    response = client.post(path, {"op": "focus", "focus": list(focus)})
    assert response.status_code == 302, response.content.decode()[:2000]


def add(client, path=PLAN, **fields):
    data = {
        "op": "add_action",
        "dimension": "samarbeid",
        "what": "Hospitering mellom enhetene",
        "why": "Samarbeid på tvers er lavest i rapporten",
        "owner": "Personalsjefen",
        "due_on": "2027-06-01",
        "status": "planlagt",
        "ks_tool": "",
    }
    data.update(fields)
    return client.post(path, data)


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


# --- Follow-up in the next round ---------------------------------------------------------------


def test_the_next_rounds_report_shows_the_change_and_the_plan_status(people, rounds, spec):
    coordinator = client_for(people["coordinator"])
    make_plan(coordinator)
    add(coordinator)
    add(coordinator, what="Felles fagdag")
    action = Action.objects.get(what="Felles fagdag")
    coordinator.post(PLAN, {"op": "update_action", "action": action.pk, "status": "ferdig"})
    text = coordinator.get(REPORT_2026).content.decode()
    assert "Innsatsområdene dere valgte etter Runde 2025" in text
    entry = text.split('data-code="samarbeid"')[1].split("</li>")[0]
    first, second = rounds
    municipality = Municipality.objects.get(number="4640")
    from municipalities.selectors import ReportScope

    before = municipality_report(first, ReportScope(municipality=municipality))
    after = municipality_report(second, ReportScope(municipality=municipality))
    b = next(s for s in before.dimensions if s.code == "samarbeid")
    a = next(s for s in after.dimensions if s.code == "samarbeid")
    followup = plan_followup(second, municipality, None, spec)
    change = next(e for e in followup["entries"] if e["code"] == "samarbeid")["change"]
    # The change is the difference of the two means each report shows.
    assert abs(change.diff - (a.mean - b.mean)) < 0.002
    assert change.low < change.diff < change.high and change.improved
    shown = f"+{change.diff:.2f}".replace(".", ",")
    assert f"Dere valgte Samarbeid på tvers av enheter: {shown} (KI" in entry
    assert "1 av 2 tiltak ferdig" in entry
    # The interval is Welch's: wider than either round's own half-width alone.
    assert change.high - change.low > (a.ci95[1] - a.ci95[0]) / 2


def test_no_change_is_shown_where_a_round_hides_the_group(people, rounds, spec, sogndal_units):
    """Attack test: a unit too small in one round. Its change would give away its hidden mean
    (the other round's mean is on the page), so only the plan status is shown."""
    heim = sogndal_units["heim"]
    leader = client_for(people["leader"])
    first, second = rounds
    unit_plan = f"/runder/runde-2025/kommuner/4640/tiltaksplan/enhet/{heim.pk}/"
    make_plan(leader, unit_plan, focus=("trygghet",))
    municipality = Municipality.objects.get(number="4640")
    followup = plan_followup(second, municipality, heim, spec)
    entry = followup["entries"][0]
    from municipalities.selectors import ReportScope

    reports = [
        municipality_report(r, ReportScope(municipality=municipality, unit=heim)) for r in rounds
    ]
    if any(r.suppressed for r in reports):
        # The unit is (nearly) its whole sector: its reports are hidden, and so is its change.
        assert entry["change"] is None
    else:
        # The unit's change is the difference of the means its leader sees in the two reports.
        b, a = (next(s for s in r.dimensions if s.code == "trygghet") for r in reports)
        assert abs(entry["change"].diff - (a.mean - b.mean)) < 0.002
    # Now hide the unit in the first round: raise that round's minimum above the unit's size.
    from assessment.models import Round

    Round.objects.filter(pk=first.pk).update(min_group_size=500)
    first.refresh_from_db()
    followup = plan_followup(second, municipality, heim, spec)
    assert followup["entries"][0]["change"] is None
    text = leader.get(REPORT_2026).content.decode()
    # No change anywhere on the leader's page (the follow-up says why, where the report shows).
    assert not re.search(r"Dere valgte Trygghet og rom for å feile: [+-]", text)


def test_the_change_matches_welchs_interval():
    change = difference("x", {"mean": 3.0, "sd": 1.0, "n": 50}, {"mean": 3.4, "sd": 0.8, "n": 40})
    # Computed by hand: se = sqrt(1/50 + 0.64/40) = 0.18974; df = 87.9 → t(87) = 1.98761
    assert change.diff == 0.4
    assert change.low == pytest.approx(0.4 - 1.98761 * 0.18974, abs=0.001)
    assert change.high == pytest.approx(0.4 + 1.98761 * 0.18974, abs=0.001)
    assert difference("x", None, {"mean": 3.0, "sd": 1.0, "n": 5}) is None


def test_the_report_with_follow_up_runs_a_bounded_number_of_queries(
    people, django_assert_max_num_queries
):
    coordinator = client_for(people["coordinator"])
    make_plan(coordinator)
    add(coordinator)
    # 20 measured: the report with an earlier round (17, change included), and three for the
    # previous plan and its follow-up; the same at any number of answers.
    with django_assert_max_num_queries(20):
        response = coordinator.get(REPORT_2026)
    assert "Dere valgte Samarbeid på tvers av enheter" in response.content.decode()


def test_thanks_page_says_when_and_where_results_come(open_round, municipalities):
    from assessment.tokens import open_link_token

    participation = open_round.participations.get(municipality__number="4640")
    link = assessment_services.create_open_link(participation=participation)
    client = Client()
    client.get(f"/apen/{open_link_token(link.salt)}/")
    session = client.session
    from assessment.respondent_views import SESSION_SUBMITTED, SESSION_THANKS_ROUND

    session[SESSION_SUBMITTED] = True
    session[SESSION_THANKS_ROUND] = open_round.pk
    session.save()
    text = client.get("/skjema/takk/").content.decode()
    closes = open_round.closes_on.strftime("%d.%m.%Y")
    assert f"Runden stenger {closes}" in text
    assert "blir resultatene delt med dere" in text
    assert date.today()  # the page needs no login


def test_the_report_links_to_the_plan_for_those_who_may_see_it(people):
    report = "/runder/runde-2025/kommuner/4640/"
    tv = client_for(people["tillitsvalgt"])
    assert (
        "Det er ikke laget noen tiltaksplan for denne runden ennå."
        in tv.get(report).content.decode()
    )
    coordinator = client_for(people["coordinator"])
    assert "Lag tiltaksplan for denne runden" in coordinator.get(report).content.decode()
    make_plan(coordinator)
    assert "Åpne tiltaksplanen for denne runden" in tv.get(report).content.decode()


# --- The plan in the PDF and the saksframlegg -------------------------------------------------

PDF_2025 = "/runder/runde-2025/kommuner/4640/rapport.pdf"
PDF_2026 = "/runder/runde-2026/kommuner/4640/rapport.pdf"
DOCX_2026 = "/runder/runde-2026/kommuner/4640/saksframlegg.docx"


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(content)
    try:
        return "\n".join(p.get_textpage().get_text_bounded() for p in document).replace("\r", "")
    finally:
        document.close()


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def plan(people):
    coordinator = client_for(people["coordinator"])
    make_plan(coordinator)
    add(coordinator)
    add(coordinator, what="Felles fagdag")
    action = Action.objects.get(what="Felles fagdag")
    coordinator.post(PLAN, {"op": "update_action", "action": action.pk, "status": "ferdig"})
    client_for(people["tillitsvalgt"]).post(PLAN, {"op": "sign"})
    return coordinator


def test_the_plans_round_pdf_carries_the_plan_and_its_co_signature(plan, people):
    text = pdf_text(plan.get(PDF_2025).content)
    assert "Tiltaksplan" in text
    assert "Hospitering mellom enhetene" in text and "Felles fagdag" in text
    assert "Personalsjefen" in text


def test_the_next_rounds_pdf_and_draft_show_the_change_and_the_plan_status(plan):
    # Sogndal's documents are in nynorsk: the focus dimension, its change with the interval
    # and the status of its two actions.
    entry = re.compile(r"Samarbeid på tvers av einingar: \+0,\d\d \(KI 0,\d\d–\d,\d\d\), 1 av 2")
    text = " ".join(pdf_text(plan.get(PDF_2026).content).split())
    assert entry.search(text), text[:3000]
    draft = docx_text(plan.get(DOCX_2026).content)
    assert entry.search(draft), draft[:3000]


def test_ks_gets_no_plan_in_the_documents(plan, people):
    ks = client_for(people["ks"])
    text = " ".join(pdf_text(ks.get(PDF_2026).content).split())
    assert not re.search(r"Samarbeid på tvers av einingar: \+0,\d\d \(KI", text)
    assert "Hospitering" not in pdf_text(ks.get(PDF_2025).content)
