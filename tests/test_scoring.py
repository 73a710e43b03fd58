"""Scoring rules of domain.md §5 for one respondent, checked with hand-computed numbers: reverse
keying, «vet ikke» left out, the half-answered rule (rounded up, on the statements the staff group
sees, leaders-only statements) and trait scores.

Small fixtures go through the real write path (assessment.services.record_responses, which stores
per-respondent scores) and the real read path (reports.selectors), so a slip anywhere between
an answer and a number on the report shows up here. Group statistics are in
tests/test_scoring_groups.py, hypothesis properties of the pure functions in
tests/test_scoring_properties.py.
"""

import pytest

from assessment import services as assessment_services
from assessment.models import Item, ScoreKind
from assessment.selectors import get_instrument_spec
from assessment.traits import LEADER_GROUPS
from tests.scoring_helpers import kommune, record, row, stored_scores

pytestmark = pytest.mark.django_db


# --- one respondent's dimension score --------------------------------------------------------


def test_reverse_keyed_item_scores_six_minus_answer(open_round, spec):
    assert spec.items["STR5"].reverse and not spec.items["STR1"].reverse
    # STR1-4 answered 4, STR5 (reverse) answered 1 -> scores 5: (4 * 4 + 5) / 5 = 4.2
    answers = {"STR1": 4, "STR2": 4, "STR3": 4, "STR4": 4, "STR5": 1}
    (response,) = record(open_round, [row(kommune("4640"), answers)])
    assert stored_scores(response)["strategi"] == pytest.approx(4.2)

    # The same answer on a reverse item pulls the other way: STR5 answered 5 -> scores 1.
    answers["STR5"] = 5
    (response,) = record(open_round, [row(kommune("4640"), answers)])
    assert stored_scores(response)["strategi"] == pytest.approx((4 * 4 + 1) / 5)


def test_dont_know_is_left_out_not_counted_as_a_value(open_round, spec):
    # 5 statements; two «vet ikke». Scores 5, 3 and STR5 answered 3 (reverse -> 3): mean 11/3.
    answers = {"STR1": 5, "STR2": None, "STR3": None, "STR4": 3, "STR5": 3}
    (response,) = record(open_round, [row(kommune("4640"), answers)])
    assert stored_scores(response)["strategi"] == pytest.approx(11 / 3)


@pytest.mark.parametrize(
    ("answers", "scored"),
    [
        ({"STR1": 4, "STR2": 4}, False),  # 2 of 5: below half (rounded up = 3)
        (
            {"STR1": 4, "STR2": 4, "STR3": None, "STR4": None, "STR5": None},
            False,
        ),  # vet ikke is missing
        ({"STR1": 4, "STR2": 4, "STR3": 2}, True),  # 3 of 5
    ],
)
def test_half_answered_rule_rounds_up(open_round, spec, answers, scored):
    (response,) = record(open_round, [row(kommune("4640"), answers)])
    scores = stored_scores(response)
    assert ("strategi" in scores) is scored
    if scored:
        assert scores["strategi"] == pytest.approx(10 / 3)


def test_half_answered_rule_counts_only_statements_the_staff_group_sees(open_round, spec):
    """A folkevalgt sees 3 statements on «ideer» (needs 2) where a medarbeider sees 5 (needs 3),
    and 2 on «ressurser» (needs 1) where a medarbeider sees 3 (needs 2)."""
    assert len(spec.dimension("ideer").items_for("folkevalgt")) == 3
    assert len(spec.dimension("ideer").items_for("medarbeider")) == 5
    assert len(spec.dimension("ressurser").items_for("folkevalgt")) == 2
    assert len(spec.dimension("ressurser").items_for("medarbeider")) == 3
    answers = {"IDE2": 4, "IDE4": 2, "RES2": 5}
    folkevalgt, medarbeider = record(
        open_round,
        [
            row(kommune("4640"), answers, staff_group="folkevalgt"),
            row(kommune("4640"), answers, staff_group="medarbeider"),
        ],
    )
    assert stored_scores(folkevalgt)["ideer"] == pytest.approx(3.0)
    assert stored_scores(folkevalgt)["ressurser"] == pytest.approx(5.0)
    assert "ideer" not in stored_scores(medarbeider)
    assert "ressurser" not in stored_scores(medarbeider)


@pytest.fixture
def leaders_only_round(municipalities, instrument):
    """A round on a copy of the instrument where STR5 is asked of leaders only: leaders see 5
    «strategi» statements (need 3), everyone else 4 (need 2)."""
    from django.utils import timezone

    copy = assessment_services.copy_version(source=instrument, new_version="test-leaders-only")
    Item.objects.filter(version=copy, code="STR5").update(audience=list(LEADER_GROUPS))
    assessment_services.publish_version(version=copy)
    today = timezone.localdate()
    return assessment_services.create_round(
        slug="leder-runde",
        name="Lederrunde",
        opens_on=today,
        closes_on=today,
        instrument=copy,
        municipality_numbers=["4640"],
    )


def test_a_leaders_only_statement_changes_the_count_for_leaders_only(leaders_only_round):
    spec = get_instrument_spec(leaders_only_round.instrument)
    assert len(spec.dimension("strategi").items_for("medarbeider")) == 4
    assert len(spec.dimension("strategi").items_for("mellomleder")) == 5
    two = {"STR1": 4, "STR2": 2}
    leader, employee = record(
        leaders_only_round,
        [
            row(kommune("4640"), two, staff_group="mellomleder"),
            row(kommune("4640"), two, staff_group="medarbeider"),
        ],
    )
    assert "strategi" not in stored_scores(leader)  # 2 of 5
    assert stored_scores(employee)["strategi"] == pytest.approx(3.0)  # 2 of 4

    # An answer to a statement the group is not asked is ignored (not stored, not scored).
    (employee,) = record(
        leaders_only_round,
        [row(kommune("4640"), {"STR1": 4, "STR2": 4, "STR5": 5}, staff_group="medarbeider")],
    )
    assert stored_scores(employee)["strategi"] == pytest.approx(4.0)
    assert not employee.answers.filter(item__code="STR5").exists()


def test_trait_score_uses_the_statements_tagged_with_the_trait(open_round, spec):
    autonomi = sorted(i.code for i in spec.trait_items("autonomi"))
    assert autonomi == ["HAN1", "HAN3"]
    (response,) = record(open_round, [row(kommune("4640"), {"HAN1": 2, "HAN3": 5, "HAN2": 1})])
    traits = stored_scores(response, ScoreKind.TRAIT)
    assert traits["autonomi"] == pytest.approx(3.5)
    # tillit = HAN2, HAN4, MED4: only HAN2 answered, one of three is below half (2)
    assert sorted(i.code for i in spec.trait_items("tillit")) == ["HAN2", "HAN4", "MED4"]
    assert "tillit" not in traits
