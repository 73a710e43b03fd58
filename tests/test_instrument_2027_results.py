"""Instrument 2027.1 (issue 13, items 1 and 2) from answer to report: the outcome score by hand,
«vet ikke» and «ikke relevant» and the outcomes stored and published apart, the report's outcome
section and both missing rates, the outcome index hidden below the minimum, attacks by
subtraction and on the shares about the change, and the respondent's pages (reference point,
both missing options, the outcome page)."""

import random
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import Answer, Response, ResponseSource, ScoreKind
from assessment.scoring import NOT_RELEVANT, outcome_score
from assessment.selectors import _published_spec
from assessment.services import ResponseData
from municipalities.models import Municipality
from reports.models import ItemCell, MunicipalityScore, ScoreCell
from reports.selectors.report import municipality_report
from tests.conftest import make_user, publish
from tests.csv_export import csv_tables
from tests.helpers import kommune_rows, medarbeider_row

# --- scoring ----------------------------------------------------------------------------------


def test_outcome_score_by_hand(spec_2027):
    def score(**chosen):
        return outcome_score(spec_2027, staff_group="medarbeider", chosen=chosen)

    # ja, spread, a benefit, evaluated informally, not suggested: (1 + 1 + 1 + 0.5 + 0) / 5
    full = score(
        OUT1=["adopted_yes"],
        OUT3=["spread_yes"],
        OUT4=["benefit_users", "benefit_none_yet"],
        OUT5=["evaluated_informal"],
        OUT6=["suggested_no"],
    )
    assert full == pytest.approx(1 + 4 * 0.7)
    # «nei»: the questions about the change count 0; suggested something: 1 of 5
    assert score(OUT1=["adopted_no"], OUT6=["suggested_yes"]) == pytest.approx(1 + 4 * 0.2)
    # «vet ikke» on the gate: no index; «vet ikke» elsewhere is left out
    assert score(OUT1=["adopted_dont_know"], OUT6=["suggested_yes"]) is None
    assert score(OUT1=["adopted_yes"], OUT3=["spread_dont_know"]) == pytest.approx(5.0)
    assert (
        outcome_score(spec_2027, staff_group="folkevalgt", chosen={"OUT1": ["adopted_yes"]}) is None
    )


@pytest.fixture
def round_2027(municipalities, both_versions):
    today = timezone.localdate()
    return services.create_round(
        slug="runde-2027",
        name="Runde 2027",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20),
        instrument=both_versions["2027.1"],
        municipality_numbers=["4640", "1506"],
    )


def test_not_relevant_and_outcomes_are_stored_apart_and_published_apart(round_2027, spec_2027):
    sogndal = Municipality.objects.get(number="4640")
    visible = [i.code for i in spec_2027.items_for("medarbeider")]
    rows = []
    for n in range(6):
        answers = {code: 4 for code in visible}
        answers[visible[0]] = None  # vet ikke
        answers[visible[1]] = NOT_RELEVANT
        outcomes = {
            "OUT1": ["adopted_yes" if n < 4 else "adopted_no"],
            "OUT2": ["source_staff"],  # dropped for «nei»
            "OUT6": ["suggested_yes"],
        }
        rows.append(medarbeider_row(sogndal.pk, answers, outcomes, language="nn"))
    services.record_responses(round_=round_2027, rows=rows, source=ResponseSource.IMPORT)
    first, second = (spec_2027.items[code].id for code in visible[:2])
    assert Answer.objects.filter(item_id=first, value__isnull=True, not_relevant=False).count() == 6
    assert Answer.objects.filter(item_id=second, value__isnull=True, not_relevant=True).count() == 6
    assert set(Response.objects.values_list("language", flat=True)) == {"nn"}
    assert (
        Response.objects.filter(choices__option__code="source_staff").count() == 4
    )  # only those who said «ja»
    publish(round_2027)
    cells = ItemCell.objects.filter(round=round_2027)
    assert sum(c.dont_know for c in cells.filter(item_id=first)) == 6
    assert sum(c.not_relevant for c in cells.filter(item_id=first)) == 0
    assert sum(c.not_relevant for c in cells.filter(item_id=second)) == 6
    assert sum(c.dont_know for c in cells.filter(item_id=second)) == 0
    outcome = ScoreCell.objects.get(round=round_2027, kind=ScoreKind.OUTCOME, code="outcome")
    assert outcome.n == 6
    # «ja» + suggested: (1 + 1) / 2 → 5; «nei»: (0 + 0 + 0 + 0 + 1) / 5 → 1.8
    assert outcome.total == pytest.approx(4 * 5 + 2 * 1.8)
    assert (
        MunicipalityScore.objects.get(round=round_2027, kind=ScoreKind.OUTCOME, code="outcome").n
        == 6
    )


# --- the report -------------------------------------------------------------------------------


def _fill(round_, spec, counts, seed=3, units=None):
    rng = random.Random(seed)
    rows = []
    for number, count in counts.items():
        rows += kommune_rows(
            spec, number, count, rng, units_by_sector=units if number == "4640" else None
        )
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


def test_report_shows_the_outcome_section_and_both_missing_rates(
    round_2027, spec_2027, django_assert_max_num_queries
):
    _fill(round_2027, spec_2027, {"4640": 80, "1506": 40})
    publish(round_2027)
    client = Client()
    client.force_login(make_user("koord", "coordinator", municipality_number="4640"))
    args = {"slug": round_2027.slug, "number": "4640"}
    _published_spec.cache_clear()
    with django_assert_max_num_queries(16):
        page = client.get(reverse("reports:municipality_report", kwargs=args))
    html = page.content.decode()
    assert "Resultater: hva er tatt i bruk?" in html
    assert 'id="outcome-index-table"' in html and 'id="outcome-OUT2"' in html
    report = page.context["report"]
    index = report.outcomes["index"]
    assert not index.suppressed and 0 <= index.index <= 100
    # the radar and the overall maturity carry the twelve dimensions, never the outcome
    assert [s.code for s in report.dimensions] == [d.code for d in spec_2027.dimensions]
    dimension = client.get(
        reverse("reports:dimension", kwargs={**args, "code": "trygghet"})
    ).content.decode()
    assert "Ikke relevant" in dimension
    items = report.items["trygghet"]
    assert all(i["not_relevant_rate"] is not None for i in items)
    assert sum(i["not_relevant"] for i in items) > 0
    tables = csv_tables(client.get(reverse("reports:export_csv", kwargs=args)).content)
    export = "\n".join(";".join(row) for rows in tables.values() for row in rows)
    assert "Ikke relevant (%)" in export and "Resultatindeks (0–100)" in export
    pdf = client.get(reverse("reports:export_pdf", kwargs=args))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_outcome_index_hidden_below_the_minimum(round_2027, spec_2027):
    _fill(round_2027, spec_2027, {"4640": 40, "1506": 4})
    publish(round_2027)
    from municipalities.selectors import ReportScope

    report = municipality_report(
        round_2027, ReportScope(municipality=Municipality.objects.get(number="4640"), unit=None)
    )
    assert not report.outcomes["index"].suppressed
    # Molde has 4: the national figure minus Sogndal's would be Molde's, so it is hidden
    assert report.outcomes["national"].suppressed


def test_attack_unit_leader_cannot_get_the_rest_of_the_kommune_by_subtraction(
    round_2027, spec_2027, sogndal_units
):
    """A unit leader sees the subtree's outcome index, the coordinator sees the kommune's. Where
    the kommune minus the subtree is fewer than the minimum, the subtree's index is hidden."""
    from municipalities.selectors import ReportScope

    sogndal = Municipality.objects.get(number="4640")
    heim = sogndal_units["heim"]
    rows = []
    for n in range(12):
        rows.append(
            ResponseData(
                municipality_id=sogndal.pk,
                staff_group="medarbeider",
                sector="helse_omsorg" if n < 10 else "oppvekst",
                unit_id=heim.pk if n < 10 else None,
                tenure="",
                answers={i.code: 3 for i in spec_2027.items_for("medarbeider")},
                outcomes={
                    "OUT1": ["adopted_no"],
                    "OUT6": ["suggested_yes" if n < 10 else "suggested_no"],
                },
            )
        )
    services.record_responses(round_=round_2027, rows=rows, source=ResponseSource.IMPORT)
    publish(round_2027)
    kommune = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=None))
    subtree = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=heim))
    assert not kommune.outcomes["index"].suppressed  # 12 people
    # 12 − 10 = 2 people: the subtree's index would give away the two others' answers
    assert subtree.suppressed or subtree.outcomes["index"].suppressed


def test_attack_shares_about_the_change_are_hidden_where_few_said_yes(round_2027, spec_2027):
    """Only those who said «ja» answer where the idea came from. A staff group with fewer than
    the minimum «ja» answers shows no shares (they would describe those few people), and the
    next-smallest group is hidden with it so the kommune's share minus the shown groups' does
    not give them away."""
    from municipalities.selectors import ReportScope

    sogndal = Municipality.objects.get(number="4640")
    rows = []
    for group, count, yes in (("medarbeider", 20, 12), ("stab", 8, 2), ("mellomleder", 8, 6)):
        for n in range(count):
            rows.append(
                ResponseData(
                    municipality_id=sogndal.pk,
                    staff_group=group,
                    sector="helse_omsorg",
                    unit_id=None,
                    tenure="",
                    answers={i.code: 3 for i in spec_2027.items_for(group)},
                    outcomes={
                        "OUT1": ["adopted_yes" if n < yes else "adopted_no"],
                        "OUT2": ["source_users" if group == "stab" else "source_staff"],
                    },
                )
            )
    services.record_responses(round_=round_2027, rows=rows, source=ResponseSource.IMPORT)
    publish(round_2027)
    report = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=None))
    question = next(q for q in report.outcomes["questions"] if q["code"] == "OUT2")
    users = next(o for o in question["options"] if o["code"] == "source_users")
    by_group = {g["staff_group"]: g["percent"] for g in users["by_staff_group"]}
    assert by_group["stab"] is None  # 2 said «ja»
    assert by_group["mellomleder"] is None  # 6, hidden with stab: 2 alone would be derivable
    assert by_group["medarbeider"] == 0.0
    assert users["percent"] == pytest.approx(100 * 2 / 20, abs=0.1)  # the kommune's 20 «ja»


# --- answering --------------------------------------------------------------------------------


def test_respondent_sees_the_reference_point_both_missing_options_and_the_outcome_page(
    round_2027, spec_2027
):
    participation = round_2027.participations.get(municipality__number="4640")
    link = services.create_open_link(participation=participation)
    from assessment.tokens import open_link_token

    client = Client()
    start = reverse("assessment:open_link", args=[open_link_token(link.salt)])
    client.post(start, {"language": "nn"}, follow=True)
    page = lambda n: reverse("assessment:page", args=[n])  # noqa: E731
    client.post(page(1), {"staff_group": "medarbeider", "sector": "helse_omsorg", "nav": "next"})
    html = client.get(page(2)).content.decode()
    assert "<h1" in html and "Strategisk forankring" in html  # the theme is the heading
    assert "Tenk på kommunen." in html or "Tenk på kommunen" in html
    assert 'value="na"' in html and 'value="x"' in html
    pages = [p for p in range(2, 40)]
    number = 2
    for number in pages:
        html = client.get(page(number)).content.decode()
        codes = list(
            dict.fromkeys(re.findall(r'name="([A-Z]{2,4}[0-9]{1,2})" value="[1-5xna]+"', html))
        )
        if not codes:
            break
        answers = {code: "4" for code in codes}
        answers[codes[0]] = "na"
        client.post(page(number), {**answers, "nav": "next"})
    client.post(page(number), {"barriers": ["regelverk_tolkning"], "nav": "next"})
    html = client.get(page(number + 1)).content.decode()
    assert 'name="OUT1"' in html and 'name="OUT6"' in html
    client.post(
        page(number + 1),
        {"OUT1": "adopted_yes", "OUT2": ["source_staff"], "OUT6": "suggested_yes", "nav": "next"},
    )
    # The review page lists the two optional pages with what was answered and a way back.
    review = client.get(page(number + 2)).content.decode()
    choices_row = review.split('class="review-choices"')[1].split("</tr>")[0]
    outcomes_row = review.split('class="review-outcomes"')[1].split("</tr>")[0]
    assert "1 / 2" in choices_row and f'href="{page(number)}"' in choices_row
    assert "3 / 6" in outcomes_row and f'href="{page(number + 1)}"' in outcomes_row
    client.post(reverse("assessment:submit"))
    response = Response.objects.get()
    assert response.language == "nn"
    assert Answer.objects.filter(response=response, not_relevant=True).count() >= 10
    assert set(response.choices.values_list("option__code", flat=True)) == {
        "regelverk_tolkning",
        "adopted_yes",
        "source_staff",
        "suggested_yes",
    }
    outcome = response.scores.get(kind=ScoreKind.OUTCOME, code="outcome")
    assert outcome.value == pytest.approx(5.0)  # ja and suggested; nothing else answered


def test_review_counts_only_the_outcome_questions_that_were_asked(spec_2027):
    """After «nei» (or nothing) to the first outcome question, the questions about the change
    are not asked, so the review page counts 2 questions, not 6."""
    from types import SimpleNamespace

    from assessment.selectors import draft_progress

    def outcomes_row(outcomes):
        draft = SimpleNamespace(data={"staff_group": "medarbeider", "outcomes": outcomes})
        rows = draft_progress(spec_2027, draft)["other_pages"]
        return next(r for r in rows if r["kind"] == "outcomes")

    assert outcomes_row({}) == {
        "page": outcomes_row({})["page"],
        "kind": "outcomes",
        "answered": 0,
        "total": 2,
    }
    assert outcomes_row({"OUT1": ["adopted_no"]})["total"] == 2
    assert outcomes_row({"OUT1": ["adopted_no"]})["answered"] == 1
    assert outcomes_row({"OUT1": ["adopted_yes"], "OUT3": ["spread_yes"]})["total"] == 6
    assert outcomes_row({"OUT1": ["adopted_yes"], "OUT3": ["spread_yes"]})["answered"] == 2


def test_attack_kommune_shares_about_the_change_minus_a_units_leave_no_few(
    round_2027, spec_2027, sogndal_units
):
    """Found in review: a coordinator who also leads Heimetenesta sees the kommune's shares over
    9 «ja» and the unit's over 6; the difference is the 3 «ja» outside the unit. The unit's
    shares about the change are hidden where the kommune's «ja» minus the unit's is 1-4."""
    from municipalities.selectors import ReportScope

    sogndal = Municipality.objects.get(number="4640")
    heim = sogndal_units["heim"]
    rows = []
    for inside, count, yes in ((True, 10, 6), (False, 5, 3)):
        for n in range(count):
            rows.append(
                ResponseData(
                    municipality_id=sogndal.pk,
                    staff_group="medarbeider",
                    sector="helse_omsorg" if inside else "oppvekst",
                    unit_id=heim.pk if inside else None,
                    tenure="",
                    answers={i.code: 3 for i in spec_2027.items_for("medarbeider")},
                    outcomes={
                        "OUT1": ["adopted_yes" if n < yes else "adopted_no"],
                        "OUT2": ["source_staff" if inside else "source_users"],
                    },
                )
            )
    services.record_responses(round_=round_2027, rows=rows, source=ResponseSource.IMPORT)
    publish(round_2027)
    kommune = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=None))
    unit = municipality_report(round_2027, ReportScope(municipality=sogndal, unit=heim))
    assert not unit.suppressed

    def source_question(report):
        return next(q for q in report.outcomes["questions"] if q["code"] == "OUT2")

    assert source_question(kommune)["base"] == 9  # the kommune's shares are shown
    in_unit = source_question(unit)
    assert in_unit["base"] is None
    for option in in_unit["options"]:
        assert option["percent"] is None
        assert all(g["percent"] is None for g in option["by_staff_group"])
    # the question everyone answers is not about the few: it stays
    adopted = next(q for q in unit.outcomes["questions"] if q["code"] == "OUT1")
    assert any(o["percent"] is not None for o in adopted["options"])
