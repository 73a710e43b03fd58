"""Outcomes (instrument 2027.1): what was actually taken into use, read from the published cells.

The outcome index is a respondent score of kind OUTCOME and code "outcome" on the 1–5 scale
(assessment.scoring.outcome_score), so it flows into ScoreCell and MunicipalityScore like a
dimension and gets the same rules: hidden below the minimum, guarded in a unit's view against the
kommune's figure, and compared with the nation and the size class with the same residual rule as
the dimensions (reports.selectors.benchmark). It is never on the radar and never part of the
overall maturity. The answers to the option questions (where the idea came from, what it gave)
are ChoiceCell counts, shown like the barriers and promoters.
"""

from django.utils.translation import gettext as _

from assessment.scoring import OUTCOME_CODE

from ..anonymity import suppress
from .population import small_rest
from .stats import Stat


def outcome_scales(spec) -> list[tuple[str, str]]:
    if spec.outcomes is None:
        return []
    return [(OUTCOME_CODE, _("Resultatindeks"))]


def _question_rows(question, per_option: dict, groups, population: int, base_of, min_size, hidden):
    """One question's shares. A share is shown only when it is computed over at least the
    minimum (the questions about the change are asked only of those who answered «ja»: their
    distribution in a group where fewer than the minimum said «ja» is hidden, domain.md §6), and
    not for the groups in `hidden` (complementary suppression of those bases)."""

    def share(count, base, key=None):
        if key in hidden or not base or base < min_size:
            return None
        return round(100 * count / base, 1)

    total_base = base_of(None, population)
    options = []
    for option in question.options:
        by_group = per_option.get(option.id, {})
        count = sum(by_group.values())
        options.append(
            {
                "code": option.code,
                "label": option.label,
                "count": count,
                "percent": share(count, total_base),
                "by_staff_group": [
                    {
                        "staff_group": g.key,
                        "label": g.label,
                        "count": by_group.get(g.key, 0),
                        "percent": share(
                            by_group.get(g.key, 0), base_of(g.key, g.respondents), g.key
                        ),
                    }
                    for g in groups
                ],
            }
        )
    return {
        "code": question.code,
        "label": question.label,
        "select": question.select,
        "gated": question.gated,
        "base": total_base
        if total_base and total_base >= min_size and None not in hidden
        else None,
        "options": options,
    }


def _per_option(choice_cells) -> dict[int, dict]:
    """option id -> {staff group: count}, from ChoiceCell sums."""
    per_option: dict[int, dict] = {}
    for cell in choice_cells:
        by_group = per_option.setdefault(cell["option_id"], {})
        by_group[cell["staff_group_id"]] = by_group.get(cell["staff_group_id"], 0) + cell["n"]
    return per_option


def outcome_section(
    spec,
    benchmarks,
    stats,
    choice_cells,
    staff_groups,
    respondents,
    min_size,
    whole_choice_cells=None,
):
    """The report's outcome section, or None for instruments without outcomes. `benchmarks` are
    the national and peer outcome figures as the kommune's people may see them; `stats` is the
    population's (already guarded) outcome Stat list, `choice_cells` its ChoiceCell sums per
    option and staff group, `staff_groups` its suppressed staff-group breakdown. For a unit's
    subtree, `whole_choice_cells` are the kommune's: a share about the change is hidden where
    the kommune's «ja» count minus the subtree's would leave 1 to minimum - 1 people."""
    if spec.outcomes is None:
        return None
    own = stats[0] if stats else Stat(code=OUTCOME_CODE, name=_("Resultatindeks"), suppressed=True)
    national, peer = benchmarks
    per_option = _per_option(choice_cells)
    whole_per_option = _per_option(whole_choice_cells) if whole_choice_cells is not None else None
    shown_groups = [g for g in staff_groups if not g.suppressed]
    gate = spec.outcomes.question(spec.outcomes.gate)
    positive = [o.id for o in gate.options if (o.points or 0) > 0]

    def yes_count(group_key, counts=per_option):
        return sum(
            n
            for option_id in positive
            for key, n in counts.get(option_id, {}).items()
            if group_key is None or key == group_key
        )

    # A unit's subtree beside the kommune (a coordinator who also leads the unit sees both).
    guarded = set()
    if whole_per_option is not None:
        guarded = {
            key
            for key in [None, *(g.key for g in staff_groups)]
            if small_rest(yes_count(key, whole_per_option), yes_count(key), min_size)
        }

    # The bases of the questions about the change, per staff group: the groups whose «ja» count
    # is below the minimum are hidden, and with them (complementary rule, the suppressed staff
    # groups counted as hidden) the next-smallest, so the kommune's distribution minus the shown
    # groups' never describes fewer than the minimum.
    yes_by_group = {g.key: yes_count(g.key) for g in staff_groups}
    hidden_bases = suppress(
        yes_by_group,
        min_size,
        never_shown=frozenset(g.key for g in staff_groups if g.suppressed) | (guarded - {None}),
    ) | (guarded & {None})
    questions = []
    for question in spec.outcomes.questions:
        if question.gated:

            def base_of(key, _population):
                return yes_count(key)

            hidden = hidden_bases
        else:

            def base_of(_key, population):
                return population

            hidden = set()
        questions.append(
            _question_rows(
                question, per_option, shown_groups, respondents, base_of, min_size, hidden
            )
        )
    return {
        "index": own,
        "national": national,
        "peer": peer,
        "questions": questions,
    }
