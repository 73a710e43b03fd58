"""The outcome index (instrument 2027.1) in the national comparison and the API (issue 13, item
2): every kommune's index beside its dimensions, kept out of the overall maturity, hidden with
the same rules as the dimensions - below the minimum, complementary across kommuner, and never
derivable by subtracting what a viewer sees from the national figure."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import services
from assessment.models import InstrumentVersion, Participation, Response, ResponseSource
from assessment.selectors import get_instrument_spec
from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.anonymity import PROTECTS_SMALLER, TOO_FEW
from reports.selectors.benchmark import benchmark_for_viewer
from reports.selectors.published_comparison import outcome_seen_by
from reports.selectors.report import municipality_report
from reports.services import create_api_token
from tests.conftest import make_user, publish, unpublish
from tests.disclosure_helpers import published_ids
from tests.factories import RoundFactory
from tests.helpers import medarbeider_row
from tests.properties import examples

pytestmark = pytest.mark.django_db
MIN = 5
KOMMUNER = ["1111", "1112", "1114", "1101", "1119", "1121"]  # 3 under 5 000, 3 of 5 000-19 999


@pytest.fixture
def spec_2027(municipalities):
    call_command("load_instrument", "--publish", stdout=StringIO())
    return get_instrument_spec(InstrumentVersion.objects.get(version="2027.1"))


@pytest.fixture
def round_2027(spec_2027):
    return RoundFactory(
        slug="runde-2027",
        instrument=InstrumentVersion.objects.get(version="2027.1"),
        municipality_numbers=KOMMUNER,
    )


def people(spec, number, count, *, with_outcome, adopted=True):
    """`count` medarbeidere of one kommune; those `with_outcome` get an outcome score (5.0 with
    «ja» and a suggestion taken into use), the rest answer «vet ikke» (no outcome score)."""
    municipality = Municipality.objects.get(number=number)
    answers = {item.code: 3 for item in spec.items_for("medarbeider")}
    rows = []
    for index in range(count):
        scored = index < with_outcome
        outcomes = {
            "OUT1": ["adopted_yes" if adopted else "adopted_no"]
            if scored
            else ["adopted_dont_know"],
            "OUT6": ["suggested_yes"] if scored else [],
        }
        rows.append(medarbeider_row(municipality.pk, answers, outcomes))
    return rows


def record(round_, rows):
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


def api(user, path):
    token = create_api_token(username=user.username)
    response = Client().get(path, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return response.json()


def test_ks_sees_every_kommunes_outcome_index_on_the_page_and_in_the_api(
    round_2027, spec_2027, django_assert_max_num_queries
):
    rng = random.Random(5)
    for number in KOMMUNER:
        count = rng.randint(8, 14)
        record(round_2027, people(spec_2027, number, count, with_outcome=count - 2))
    publish(round_2027)
    ks = make_user("ks", "ks_analyst")
    client = Client()
    client.force_login(ks)
    url = reverse("reports:benchmark", kwargs={"slug": round_2027.slug})
    with django_assert_max_num_queries(15):
        page = client.get(url)
    html = page.content.decode()
    assert 'id="outcome-distribution"' in html and 'id="chart-dist-outcome"' in html
    rows = page.context["table_rows"]
    assert all(not r["outcome"].suppressed for r in rows)
    # kept apart: the overall maturity is the mean of the dimensions alone
    for row in rows:
        means = [s.mean for s in row["dimensions"]]
        assert row["overall"].mean == pytest.approx(sum(means) / len(means), abs=0.01)
    headers = html.split('id="benchmark-table"')[1].split("</thead>")[0]
    assert "Resultatindeks, 0–100" in headers

    data = api(ks, f"/api/v1/rounds/{round_2027.slug}/benchmark/")
    by_number = {r["number"]: r for r in data["municipalities"]}
    for row in rows:
        assert by_number[row["number"]]["outcome"]["mean"] == row["outcome"].mean
        assert by_number[row["number"]]["outcome"]["n"] == row["outcome"].n
    assert data["national_outcome"]["n"] == sum(r["outcome"].n for r in rows)


def test_the_kommune_api_carries_the_outcome_index_as_the_report_shows_it(round_2027, spec_2027):
    for number in KOMMUNER:
        record(round_2027, people(spec_2027, number, 10, with_outcome=8))
    publish(round_2027)
    coordinator = make_user("koord", "coordinator", municipality_number="1111")
    report = municipality_report(
        round_2027, ReportScope(municipality=Municipality.objects.get(number="1111"))
    )
    data = api(coordinator, f"/api/v1/rounds/{round_2027.slug}/municipalities/1111/")
    outcomes = report.outcomes
    assert data["outcome"]["index"]["mean"] == outcomes["index"].mean
    assert data["outcome"]["index"]["n"] == 8
    assert data["outcome"]["national"]["n"] == outcomes["national"].n == 48
    assert data["outcome"]["peer_group"]["n"] == outcomes["peer"].n == 24
    # the maturity dimensions do not include it
    assert "outcome" not in {d["code"] for d in data["dimensions"]}


def test_an_older_instrument_has_no_outcome_anywhere(users, published_round):
    client = Client()
    client.force_login(users["ks"])
    page = client.get(reverse("reports:benchmark", kwargs={"slug": published_round.slug}))
    assert 'id="outcome-distribution"' not in page.content.decode()
    data = api(users["ks"], f"/api/v1/rounds/{published_round.slug}/benchmark/")
    assert data["national_outcome"] is None
    assert {r["outcome"] for r in data["municipalities"]} == {None}


def test_a_small_outcome_group_is_hidden_and_protected_by_a_second(round_2027, spec_2027):
    """1111 has 10 respondents but only 3 outcome scores: its index is «too few», and one more
    kommune's index is hidden in each population it belongs to, so the national figure minus the
    shown ones gives no one the three away."""
    sizes = {"1111": 3, "1112": 9, "1114": 12, "1101": 8, "1119": 11, "1121": 14}
    for number, scored in sizes.items():
        record(round_2027, people(spec_2027, number, 15, with_outcome=scored))
    publish(round_2027)
    data = benchmark_for_viewer(round_2027, viewer_is_national=True, own_id=None)
    by_number = {r["number"]: r for r in data["rows"]}
    assert by_number["1111"]["outcome"].reason == TOO_FEW
    assert not by_number["1111"]["dimensions"][0].suppressed  # 15 answered the statements
    # 1112 is the smallest other kommune under 5 000: hidden to protect 1111
    assert by_number["1112"]["outcome"].reason == PROTECTS_SMALLER
    hidden = sum(sizes[n] for n, r in by_number.items() if r["outcome"].suppressed)
    assert hidden >= MIN
    # The comparison alone would leave 3 + 9 = 12 hidden, but 1112's own report shows its 9
    # (test_attack_ks_subtracts_every_kommune_report_from_the_national_index): hidden.
    assert data["outcome_national"].suppressed


def _known(stat):
    return 0 if stat is None or stat.suppressed or stat.n is None else stat.n


@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9)),
        min_size=len(KOMMUNER),
        max_size=len(KOMMUNER),
    ),
    st.lists(st.booleans(), min_size=len(KOMMUNER), max_size=len(KOMMUNER)),
)
def test_attack_no_viewer_can_subtract_a_small_outcome_group_from_the_national_or_peer_index(
    round_2027, spec_2027, sizes, named
):
    """Every viewer takes the national and peer outcome index and subtracts every kommune index
    they can see: the benchmark's named rows, and the kommune reports they can open - KS all of
    them, a coordinator their own, a coordinator of two kommuner both. What is left is nobody or
    at least the minimum. Kommuner have 0-9 respondents, some of them without an outcome score."""
    unpublish(round_2027, round_2027.closes_on)
    Response.objects.filter(round=round_2027).delete()
    rows = []
    for index, (number, (respondents, scored)) in enumerate(zip(KOMMUNER, sizes, strict=True)):
        rows += people(spec_2027, number, respondents, with_outcome=min(scored, respondents))
        Participation.objects.filter(round=round_2027, municipality__number=number).update(
            named_in_comparisons=named[index]
        )
    if rows:
        record(round_2027, rows)
    publish(round_2027)
    ids = {number: Municipality.objects.get(number=number).pk for number in KOMMUNER}
    reports = {
        m_id: municipality_report(
            round_2027, ReportScope(municipality=Municipality.objects.get(pk=m_id))
        )
        for m_id in ids.values()
    }
    viewers = [(True, None, set(ids.values()))]
    viewers += [(False, ids[n], {ids[n]}) for n in KOMMUNER]
    viewers.append((False, ids[KOMMUNER[0]], {ids[KOMMUNER[0]], ids[KOMMUNER[1]]}))
    for is_national, own, own_reports in viewers:
        data = benchmark_for_viewer(round_2027, viewer_is_national=is_national, own_id=own)
        seen = {r["id"]: r["outcome"] for r in data["rows"] if r["is_named"]}
        for m_id in own_reports:
            if not reports[m_id].suppressed and not reports[m_id].outcomes["index"].suppressed:
                seen[m_id] = reports[m_id].outcomes["index"]
        for size_class in ("under_5000", "5000_19999"):
            national, peer = outcome_seen_by(data["publication"], data["viewer"], "", size_class)
            populations = (
                (published_ids(round_2027), national),
                (published_ids(round_2027, size_class), peer),
            )
            for population, stat in populations:
                if stat.suppressed:
                    continue
                left = stat.n - sum(_known(seen.get(m)) for m in population)
                assert left == 0 or left >= MIN, (is_national, own, size_class, sizes)


def test_attack_ks_subtracts_every_kommune_report_from_the_national_index(round_2027, spec_2027):
    """Found in review: 1111 has 3 outcome scores and is hidden; 1112 (9) is hidden in the
    comparison to protect it, but its own report shows 9 - and KS may open every report. The
    national index minus the five reports would be 1111's three people, so it is hidden."""
    scored = {"1111": 3, "1112": 9, "1114": 12, "1101": 8, "1119": 11, "1121": 14}
    for number, count in scored.items():
        record(round_2027, people(spec_2027, number, 15, with_outcome=count))
    publish(round_2027)
    ks = make_user("ks", "ks_analyst")
    benchmark = api(ks, f"/api/v1/rounds/{round_2027.slug}/benchmark/")
    reports = {
        number: api(ks, f"/api/v1/rounds/{round_2027.slug}/municipalities/{number}/")
        for number in scored
    }
    shown = sum(
        r["outcome"]["index"]["n"]
        for r in reports.values()
        if not r["outcome"]["index"]["suppressed"]
    )
    assert shown == 54  # every kommune but 1111
    national = benchmark["national_outcome"]
    assert national["suppressed"]
    for report in reports.values():
        assert report["outcome"]["national"]["suppressed"]
