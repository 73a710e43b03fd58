"""Reliability: Cronbach's alpha per dimension (reports.reliability) against a hand computation
and the formula on random data, on complete cases only (every statement each staff group sees),
and on the method page for closed, published rounds only."""

import html
import re
import statistics
from datetime import timedelta

import pytest
from django.utils import timezone

from assessment import services
from assessment.models import (
    ResponseSource,
)
from municipalities.models import Municipality, StaffGroup
from reports.publication import publish_due_rounds
from reports.reliability import compute_alphas as cronbach_alphas
from tests.factories import RoundFactory
from tests.instrument_data import _page_text

# --- Reliability: Cronbach's alpha -----------------------------------------------------------

# Ten respondents (medarbeider) on the four statements of «trygghet»; TRY4 is reverse-keyed, so
# its raw answers are stored and scored 6 − answer.
TRYGGHET_ANSWERS = [
    # TRY1 TRY2 TRY3 TRY4(raw)
    (5, 4, 5, 1),
    (4, 4, 4, 2),
    (2, 3, 2, 4),
    (3, 3, 4, 3),
    (1, 2, 1, 5),
    (4, 5, 4, 2),
    (5, 5, 4, 1),
    (2, 2, 3, 4),
    (3, 4, 3, 3),
    (4, 3, 5, 2),
]


def _alpha_by_hand(rows):
    columns = list(zip(*rows, strict=True))
    k = len(columns)
    totals = [sum(row) for row in rows]
    return (
        k
        / (k - 1)
        * (1 - sum(statistics.variance(c) for c in columns) / statistics.variance(totals))
    )


@pytest.fixture
def closed_round(municipalities, instrument):
    return RoundFactory(
        slug="runde-2025", name="Runde 2025", opens_in=-60, days=30, municipality_numbers=["1506"]
    )


def _record(round_, answer_rows, *, codes, staff_group="medarbeider"):
    molde = Municipality.objects.get(number="1506")
    rows = [
        services.ResponseData(
            municipality_id=molde.pk,
            staff_group=staff_group,
            sector="helse_omsorg",
            unit_id=None,
            tenure="",
            answers=dict(zip(codes, answers, strict=True)),
        )
        for answers in answer_rows
    ]
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


@pytest.mark.django_db
def test_cronbach_alpha_matches_a_hand_computation(closed_round, spec):
    codes = [i.code for i in spec.dimension("trygghet").items]
    assert codes == ["TRY1", "TRY2", "TRY3", "TRY4"]
    assert [i.reverse for i in spec.dimension("trygghet").items] == [False, False, False, True]
    _record(closed_round, TRYGGHET_ANSWERS, codes=codes)
    # Two more respondents with a «vet ikke» are not complete cases and do not count.
    _record(closed_round, [(5, None, 5, 1), (1, 1, None, 5)], codes=codes)

    scored = [(a, b, c, 6 - d) for a, b, c, d in TRYGGHET_ANSWERS]
    expected = _alpha_by_hand(scored)
    # On paper: item variances 16.1/9, 10.5/9, 14.5/9, 16.1/9 (sum 57.2/9); total variance
    # 198.4/9; alpha = 4/3 × (1 − 57.2/198.4) = 353/372 ≈ 0.949.
    assert expected == pytest.approx(353 / 372)
    result = cronbach_alphas(closed_round)["trygghet"]
    assert result["n"] == 10
    assert result["items"] == 4
    assert result["alpha"] == pytest.approx(expected, abs=0.005)
    # Scoring the reverse-keyed statement the wrong way round would give a very different alpha.
    assert _alpha_by_hand(TRYGGHET_ANSWERS) < 0


@pytest.mark.django_db
def test_cronbach_alpha_is_none_with_fewer_than_ten_complete_respondents(closed_round, spec):
    codes = [i.code for i in spec.dimension("trygghet").items]
    _record(closed_round, TRYGGHET_ANSWERS[:9], codes=codes)
    result = cronbach_alphas(closed_round)
    assert result["trygghet"]["alpha"] is None
    assert result["trygghet"]["n"] == 9
    # A dimension nobody answered has no alpha either.
    assert (result.get("strategi") or {"alpha": None})["alpha"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cronbach_alpha_agrees_with_the_formula_on_random_data(closed_round, spec, seed):
    import random

    rng = random.Random(seed)
    dimension = spec.dimension("strategi")
    codes = [i.code for i in dimension.items]
    rows = []
    for _ in range(rng.randint(10, 40)):
        level = rng.randint(1, 5)
        rows.append(tuple(min(5, max(1, level + rng.choice([-1, 0, 0, 1]))) for _ in codes))
    _record(closed_round, rows, codes=codes)
    scored = [
        tuple(6 - v if item.reverse else v for v, item in zip(row, dimension.items, strict=True))
        for row in rows
    ]
    alpha = cronbach_alphas(closed_round)["strategi"]["alpha"]
    assert alpha == pytest.approx(_alpha_by_hand(scored), abs=0.005)
    assert -1 <= alpha <= 1


@pytest.mark.django_db
def test_method_page_shows_alpha_for_closed_rounds_only(client, closed_round, spec):
    codes = [i.code for i in spec.dimension("trygghet").items]
    _record(closed_round, TRYGGHET_ANSWERS, codes=codes)
    today = timezone.localdate()
    services.create_round(
        slug="apen", name="Åpen runde 2026", opens_on=today, closes_on=today + timedelta(days=10)
    )
    # Figures come from publications: the closed round is published by the nightly job.
    assert "Runde 2025" not in _page_text(client.get("/om-metoden/"))
    publish_due_rounds()
    response = client.get("/om-metoden/")
    page = _page_text(response)
    markup = re.sub(r"\s+", "", html.unescape(response.content.decode()))
    assert "Reliabilitet (Cronbachs alfa)" in page
    assert "Runde 2025" in page
    assert "Åpen runde 2026" not in page
    name = re.sub(r"\s+", "", spec.dimension("trygghet").label)
    # The row for «trygghet»: alpha 0,95 (Norwegian decimal comma) from 10 complete answers.
    assert f'<thscope="row">{name}</th><td>0,95</td><td>10</td>' in markup


@pytest.mark.django_db
def test_cronbach_alpha_counts_respondents_who_answered_every_statement_they_see(
    closed_round, spec
):
    """«medvirkning» has one statement only tillitsvalgte see (MED3). Alpha is computed on the
    statements every (non-optional) staff group answers, so medarbeidere and tillitsvalgte who
    answered all of those are complete cases - not just the tillitsvalgte."""
    dimension = spec.dimension("medvirkning")
    core = set(StaffGroup.objects.filter(is_optional=False).values_list("code", flat=True))
    common = [i for i in dimension.items if core <= i.audience]
    restricted = [i for i in dimension.items if not core <= i.audience]
    assert [i.code for i in restricted] == ["MED3"] and len(common) == 5
    codes = [i.code for i in common]
    rows = [
        (5, 4, 2, 5, 4),
        (4, 4, 2, 4, 4),
        (2, 3, 4, 2, 2),
        (3, 3, 3, 4, 3),
        (1, 2, 5, 1, 2),
        (4, 5, 2, 4, 5),
        (5, 5, 1, 4, 4),
        (2, 2, 4, 3, 2),
        (3, 4, 3, 3, 3),
        (4, 3, 2, 5, 4),
    ]
    _record(closed_round, rows, codes=codes)
    # Two tillitsvalgte who also answered MED3: complete cases as well, on the same statements.
    _record(
        closed_round,
        [(2, 2, 4, 2, 1, 5), (5, 4, 1, 5, 5, 1)],
        codes=[*codes, "MED3"],
        staff_group="tillitsvalgt",
    )
    all_rows = rows + [(2, 2, 4, 2, 1), (5, 4, 1, 5, 5)]
    scored = [
        tuple(6 - v if item.reverse else v for v, item in zip(row, common, strict=True))
        for row in all_rows
    ]
    result = cronbach_alphas(closed_round)["medvirkning"]
    assert result["n"] == 12
    assert result["items"] == 5
    assert result["alpha"] == pytest.approx(_alpha_by_hand(scored), abs=0.005)
