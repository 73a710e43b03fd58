"""Issue 14, from results to action: the follow-up of an action plan in the next round's report
(the change per dimension with Welch's interval, none where a round hides the group, the plan's
status), and the plan in the PDF and the saksframlegg. Making a plan is in
tests/test_action_plan_editing.py."""

import io
import re
from datetime import date

import pytest
from django.test import Client
from docx import Document

from assessment import services as assessment_services
from municipalities.models import Municipality
from reports.models import Action
from reports.selectors import municipality_report
from reports.selectors.action_plans import plan_followup
from reports.selectors.plan_change import difference
from tests.action_plan_helpers import PLAN, REPORT_2026, add, client_for, make_plan
from tests.helpers import pdf_text

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
