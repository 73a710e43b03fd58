"""What goes with results (issue 13, item 3): each dimension against the outcome index
(ResponseScore kind 3, code «outcome», from instrument 2027.1), among respondents nationally and
across kommuner' means, with 95 % intervals, worded as «går sammen med», never as cause."""

import random
from datetime import timedelta

import numpy as np
import pytest
from django.db.models import Avg, Count
from django.utils import timezone
from scipy import stats

from assessment import services
from assessment.models import Response, ResponseScore, ResponseSource, ScoreKind
from assessment.services.tallies import rebuild_tallies
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality
from reports.models import Psychometrics
from reports.psychometrics import OUTCOME_CODE, OUTCOME_KIND
from tests.conftest import make_user, publish

NUMBERS = ["4640", "1506", "0301", "4601", "5001", "1103", "3201"]


@pytest.fixture
def outcome_round(municipalities, spec):
    today = timezone.localdate()
    round_ = services.create_round(
        slug="runde-2027",
        name="Runde 2027",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20),
        municipality_numbers=NUMBERS,
    )
    rng = random.Random(5)
    rows = []
    for i, kommune in enumerate(Municipality.objects.filter(number__in=NUMBERS)):
        # The last kommune has only 3 respondents: hidden, and kept out of the kommune level.
        count = 3 if kommune.number == NUMBERS[-1] else 25
        rows += synthetic_rows(
            spec=spec, municipality_id=kommune.pk, count=count, rng=rng, level=2.4 + 0.3 * i
        )
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    # The outcome index goes with «strategi», plus noise (i13a's contract: kind 3, «outcome»).
    noise = np.random.default_rng(1)
    ResponseScore.objects.bulk_create(
        ResponseScore(
            response_id=s.response_id,
            kind=OUTCOME_KIND,
            code=OUTCOME_CODE,
            value=float(np.clip(s.value + noise.normal(0, 0.5), 1, 5)),
        )
        for s in ResponseScore.objects.filter(
            response__round=round_, kind=ScoreKind.DIMENSION, code="strategi"
        )
    )
    # Scores written behind the services' back: the round's running tallies are summed afresh.
    rebuild_tallies(round_id=round_.pk)
    return publish(round_)


def _pairs(round_, code):
    outcome = dict(
        ResponseScore.objects.filter(
            response__round=round_, kind=OUTCOME_KIND, code=OUTCOME_CODE
        ).values_list("response_id", "value")
    )
    rows = ResponseScore.objects.filter(
        response__round=round_, kind=ScoreKind.DIMENSION, code=code
    ).values_list("response_id", "value")
    pairs = [(v, outcome[r]) for r, v in rows if r in outcome]
    return np.array(pairs)


def test_respondent_level_association_matches_scipy(outcome_round, spec):
    stored = Psychometrics.objects.get(publication__round=outcome_round).outcome
    for code in ("strategi", "samarbeid"):
        pairs = _pairs(outcome_round, code)
        test = stats.pearsonr(pairs[:, 0], pairs[:, 1])
        ci = test.confidence_interval(0.95)
        assert stored[code]["n"] == len(pairs)
        assert stored[code]["r"] == pytest.approx(test.statistic, abs=0.006)
        assert stored[code]["ci95"] == pytest.approx([ci.low, ci.high], abs=0.006)
    assert stored["strategi"]["r"] > 0.5  # built to go together


def test_kommune_level_uses_only_shown_kommuner(outcome_round, spec):
    stored = Psychometrics.objects.get(publication__round=outcome_round).outcome_kommuner
    by_kommune = (
        ResponseScore.objects.filter(
            response__round=outcome_round, code__in=["strategi", "outcome"]
        )
        .values("response__municipality__number", "code")
        .annotate(mean=Avg("value"), n=Count("id"))
    )
    means: dict = {}
    for row in by_kommune:
        means.setdefault(row["response__municipality__number"], {})[row["code"]] = row["mean"]
    # The kommune with 3 respondents is hidden, and one more by complementary suppression
    # (3 alone would be derivable from the national total): exactly the benchmark's hidden set.
    from reports.selectors.kommune_sums import kommune_sums

    hidden = kommune_sums(outcome_round, spec).hidden
    assert len(hidden) == 2
    number_of = dict(Municipality.objects.values_list("pk", "number"))
    shown = [n for n in NUMBERS if n not in {number_of[m] for m in hidden}]
    x = [means[n]["strategi"] for n in shown]
    y = [means[n]["outcome"] for n in shown]
    test = stats.pearsonr(x, y)
    assert stored["strategi"]["n"] == len(shown) == 5
    assert stored["strategi"]["r"] == pytest.approx(test.statistic, abs=0.006)
    ci = test.confidence_interval(0.95)
    assert stored["strategi"]["ci95"] == pytest.approx([ci.low, ci.high], abs=0.006)


def test_ks_and_the_kommune_see_it_worded_as_going_together(client, outcome_round):
    client.force_login(make_user("ks", "ks_analyst"))
    html = client.get(f"/runder/{outcome_round.slug}/psykometri/").content.decode()
    table = html.split('id="outcome-table"')[1].split("</table>")[0]
    assert "Strategisk forankring" in table
    assert "går sammen med" in html and "ikke nødvendigvis årsaken" in html
    # A coordinator sees the same national picture beside the kommune's own profile.
    client.force_login(make_user("koord", "coordinator", municipality_number="4640"))
    report = client.get(f"/runder/{outcome_round.slug}/kommuner/4640/").content.decode()
    assert 'id="outcome-table"' in report and 'id="chart-radar"' in report


def test_a_round_without_outcome_block_says_so(client, published_round):
    assert Psychometrics.objects.get(publication__round=published_round).outcome is None
    client.force_login(make_user("koord", "coordinator", municipality_number="4640"))
    html = client.get(f"/runder/{published_round.slug}/kommuner/4640/").content.decode()
    assert "Ingen utfallsmål i denne versjonen av spørreskjemaet." in html


def test_the_hidden_kommune_cannot_be_recovered(outcome_round):
    """Attack: the kommune-level r is computed only from kommuner whose means are shown, so a
    KS analyst recomputing it from the benchmark gets the same figure; adding any value for the
    hidden kommune would change it, so nothing about that kommune enters it."""
    hidden = Municipality.objects.get(number=NUMBERS[-1])
    assert Response.objects.filter(round=outcome_round, municipality=hidden).count() == 3
    stored = Psychometrics.objects.get(publication__round=outcome_round)
    assert all(v["n"] == 5 for v in stored.outcome_kommuner.values() if v)
    assert all(str(hidden.pk) not in per for per in stored.rwg_by_municipality.values())
