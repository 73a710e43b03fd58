"""Anonymity of single figures (domain.md §6): a dimension mean with too few scores inside a shown
group, the leader/staff gap, item distributions, a kommune below the minimum, and small
kommuner in the benchmark across kommuner."""

import re

import pytest
from django.urls import reverse

from assessment.models import Participation
from assessment.services import ResponseData
from reports.selectors import benchmark
from tests.conftest import publish
from tests.suppression_helpers import (
    answers_scoring,
    cells,
    charts,
    decimals,
    get_all_outputs,
    group,
    kommune,
    person,
    record,
    report_for,
    stat,
    table_row,
    visible_text,
)

# --- single numbers below the minimum inside shown groups ---------------------------------------


def test_dimension_mean_with_too_few_scores_is_hidden_inside_a_shown_group(open_round, spec):
    # 10 medarbeidere, only 4 of them answer «samskaping»; 6 mellomledere answer everything
    rows = [person(spec, "4640", 4) for _ in range(4)]
    rows += [person(spec, "4640", 2, skip=("samskaping",)) for _ in range(6)]
    rows += [person(spec, "4640", 5, "mellomleder") for _ in range(6)]
    record(open_round, rows)
    report = report_for(open_round)
    medarbeider = group(report.staff_groups, "medarbeider")
    assert not medarbeider.suppressed and medarbeider.respondents == 10
    samskaping = stat(medarbeider.dimensions, "samskaping")
    assert samskaping.suppressed and samskaping.mean is None and not samskaping.n
    assert stat(medarbeider.dimensions, "strategi").mean == pytest.approx(2.8)
    assert medarbeider.overall.mean is None  # not every dimension is shown
    assert stat(report.dimensions, "samskaping").n == 10


def test_a_hidden_dimension_mean_cannot_be_derived_from_the_kommune_figure(open_round, spec):
    """Same data: kommune «samskaping» (n=10) minus mellomledere (n=6) would give the four
    medarbeidere's mean, so the mellomledere's «samskaping» must be hidden as well."""
    rows = [person(spec, "4640", 4) for _ in range(4)]
    rows += [person(spec, "4640", 2, skip=("samskaping",)) for _ in range(6)]
    rows += [person(spec, "4640", 5, "mellomleder") for _ in range(6)]
    record(open_round, rows)
    report = report_for(open_round)
    mellomleder = group(report.staff_groups, "mellomleder")
    assert not mellomleder.suppressed
    assert stat(mellomleder.dimensions, "samskaping").mean is None
    assert stat(mellomleder.dimensions, "strategi").mean == 5.0


def test_leader_staff_gap_cannot_give_away_a_hidden_leader_mean(open_round, spec):
    """Toppledere (6, only 3 answer «samskaping») and stab (6, 4 answer it) have that mean
    hidden; mellomledere show theirs. A «leaders» figure for samskaping (toppledere +
    mellomledere) minus the mellomledere would give the three toppledere away."""
    rows = [person(spec, "4640", 5, "toppleder") for _ in range(3)]
    rows += [person(spec, "4640", 5, "toppleder", skip=("samskaping",)) for _ in range(3)]
    rows += [person(spec, "4640", 3, "stab") for _ in range(4)]
    rows += [person(spec, "4640", 3, "stab", skip=("samskaping",)) for _ in range(2)]
    rows += [person(spec, "4640", 4, "mellomleder") for _ in range(6)]
    rows += [person(spec, "4640", 2) for _ in range(10)]
    record(open_round, rows)
    report = report_for(open_round)
    groups = {g.key: g for g in report.staff_groups}
    assert not any(g.suppressed for g in groups.values())
    assert stat(groups["toppleder"].dimensions, "samskaping").suppressed
    assert stat(groups["stab"].dimensions, "samskaping").suppressed
    assert stat(groups["mellomleder"].dimensions, "samskaping").mean == 4.0
    gaps = {g["code"]: g for g in report.gaps}
    assert gaps["samskaping"]["leaders"] is None and gaps["samskaping"]["gap"] is None
    # other dimensions compare as usual: leaders (6 at 5, 6 at 4) against medarbeidere at 2
    assert gaps["strategi"]["leaders"] == pytest.approx(4.5)
    assert gaps["strategi"]["staff"] == 2.0
    assert gaps["strategi"]["gap"] == pytest.approx(2.5)


def test_item_distributions_below_the_minimum_are_hidden(client, users, open_round, spec):
    rows = []
    for k in range(7):
        answers = answers_scoring(spec, "medarbeider", 4)
        if k < 3:
            answers["STR1"] = None  # vet ikke: STR1 answered by 4
        if k < 2:
            answers["STR2"] = None  # STR2 answered by exactly 5
        rows.append(
            ResponseData(
                municipality_id=kommune("4640").pk,
                staff_group="medarbeider",
                sector="helse_omsorg",
                unit_id=None,
                tenure="",
                answers=answers,
            )
        )
    record(open_round, rows)
    report = report_for(open_round)
    items = {i["code"]: i for i in report.items["strategi"]}
    assert items["STR1"]["suppressed"]
    assert items["STR1"]["counts"] is None and items["STR1"]["dont_know"] is None
    assert items["STR1"]["answered"] is None
    assert not items["STR2"]["suppressed"]
    assert items["STR2"]["counts"] == [0, 0, 0, 5, 0] and items["STR2"]["dont_know"] == 2

    client.force_login(users["coordinator_a"])
    out = get_all_outputs(client, open_round)
    item_table = re.search(r'<table[^>]*id="item-table".*?</table>', out["dimension"], re.S).group(
        0
    )
    rows_html = re.findall(r"<tr.*?</tr>", item_table, re.S)[1:]
    str1 = next(r for r in rows_html if "omvendt" not in r and items["STR1"]["text"] in r)
    assert "suppressed" in str1 and not re.search(r"<td>\d+</td>", str1)
    str2 = next(r for r in rows_html if items["STR2"]["text"] in r)
    assert "<td>5</td>" in str2
    sheet = out["xlsx"]["Påstander"]
    str1_row = next(r for r in sheet if r[1] == "STR1")
    # ten empty numbers (1–5, «vet ikke», «ikke relevant», their rates, answered), then why
    assert str1_row[3:13] == [None] * 10 and str1_row[13] == "for få svar"
    # 1–5, «vet ikke», «ikke relevant», their rates (of 7 who saw it) and the answered count
    assert next(r for r in sheet if r[1] == "STR2")[3:13] == [0, 0, 0, 5, 0, 2, 0, 28.6, 0, 5]


# --- a kommune below the minimum ----------------------------------------------------------------


def test_kommune_below_the_minimum_shows_too_few_answers_and_nothing_else(
    client, users, open_round, spec
):
    record(open_round, [person(spec, "4640", s) for s in (2, 2, 1, 1)])
    report = report_for(open_round)
    assert report.suppressed and report.below_min and report.respondents is None
    assert report.dimensions == [] and report.staff_groups == [] and report.items == {}
    assert report.overall.mean is None

    client.force_login(users["coordinator_a"])
    out = get_all_outputs(client, open_round)
    for page in (out["page"], out["dimension"]):
        text = visible_text(page)
        assert "For få svar" in text or "for få svar" in text
        assert "data-chart-for" not in page
        for table in (
            "dimension-table",
            "staff-group-table",
            "sector-table",
            "item-table",
            "unit-table",
        ):
            assert f'id="{table}"' not in page
        assert not any(v in text for v in decimals(1.5))
    assert 'id="respondents"' not in out["page"]
    assert list(out["xlsx"]) == ["Oversikt"]
    overview = dict(r for r in out["xlsx"]["Oversikt"][1:])
    assert overview["Respondenter"] is None
    assert overview["Samlet modenhet (snitt)"] is None
    assert {r[0] for r in out["csv"][1:]} == {"Oversikt"}
    assert "For få svar" in out["pdf"]
    assert not any(v in out["pdf"] for v in decimals(1.5))


# --- the benchmark across kommuner ----------------------------------------------------------------


def test_benchmark_hides_small_kommuner_with_a_complement(client, users, open_round, spec):
    for number in ("4641", "1101"):  # Aurland (3 answers) and Eigersund (none)
        Participation.objects.create(round=open_round, municipality=kommune(number))
    rows = [person(spec, "4640", 3) for _ in range(10)]
    rows += [person(spec, "1506", s) for s in (5, 5, 5, 5, 4, 4)]
    rows += [person(spec, "4641", s) for s in (2, 2, 1)]
    record(open_round, rows)
    data = benchmark(publish(open_round))
    by_number = {m["number"]: m for m in data["municipalities"]}
    assert by_number["4641"]["suppressed"] and by_number["4641"]["below_min"]
    assert by_number["1506"]["suppressed"] and not by_number["1506"]["below_min"]
    assert by_number["1506"]["respondents"] is None
    assert all(s.mean is None for s in by_number["1506"]["dimensions"])
    assert by_number["1101"]["suppressed"] and by_number["1101"]["respondents"] is None
    assert not by_number["4640"]["suppressed"] and by_number["4640"]["respondents"] == 10
    assert data["respondents"] == 19

    client.force_login(users["ks"])
    page = client.get(
        reverse("reports:benchmark", kwargs={"slug": open_round.slug})
    ).content.decode()
    text = visible_text(page)
    assert not any(v in text for v in decimals(5 / 3) + decimals(28 / 6))
    for figure in charts(page).values():
        for trace in figure["data"]:
            xs = [
                v for key in ("x", "y", "r") for v in (trace.get(key) or []) if isinstance(v, float)
            ]
            assert not any(abs(v - 5 / 3) < 0.01 or abs(v - 28 / 6) < 0.01 for v in xs)
    molde = cells(
        table_row(
            page,
            "benchmark-table",
            '<a href="'
            + reverse(
                "reports:municipality_report", kwargs={"slug": open_round.slug, "number": "1506"}
            ),
        )
    )
    assert all("suppressed" in c for c in molde[2:])
    # the distributions count only the one kommune that is shown
    quartiles = cells(table_row(page, "quartile-table", stat(data["national"], "strategi").name))
    assert quartiles[0].strip() == "1"
