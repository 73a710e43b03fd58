"""Issue 15, item 6: every hidden figure says why - «for få svar» (fewer than the minimum) or
«skjult for å verne en mindre gruppe» (complementary suppression) - on the page, in XLSX, CSV,
PDF and the API (reason codes), and the complements hide as few people as possible: never more
than the earlier greedy choice, with the guarantee kept. Where the two reasons together with the
totals would give a hidden count away (1 + 5 = 6), the reasons are withheld."""

import itertools
import re

from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from reports.anonymity import (
    PROTECTS_SMALLER,
    TOO_FEW,
    WITHHELD,
    suppress_nested,
    suppress_nested_greedy,
    withheld,
)
from tests.suppression_helpers import (
    cells,
    get_all_outputs,
    group,
    person,
    record,
    report_for,
    table_row,
)
from tests.test_api import _token

MIN = 5

# --- the choice of complements --------------------------------------------------------------------


def test_a_member_shared_by_two_populations_is_hidden_once_instead_of_two_members():
    """Sector A (3 hidden) and subtree B (2 hidden) both need a complement; «c» (7) is in both.
    The greedy choice hid the smallest of each (b and e, 12 people); hiding c alone suffices."""
    counts = {"a": 3, "b": 6, "c": 7, "d": 2, "e": 6}
    populations = [["a", "b", "c"], ["c", "d", "e"]]
    assert suppress_nested_greedy(counts, MIN, populations) == {"a", "b", "d", "e"}
    assert suppress_nested(counts, MIN, populations) == {"a", "c", "d"}


def test_a_population_with_nothing_left_to_hide_does_not_stop_the_better_choice():
    """«z» (1) alone in its population can never be protected; that must not make the others
    fall back to the greedy choice."""
    counts = {"a": 3, "b": 6, "c": 7, "d": 2, "e": 6, "z": 1}
    populations = [["a", "b", "c"], ["c", "d", "e"], ["z"]]
    assert suppress_nested(counts, MIN, populations) == {"a", "c", "d", "z"}


@given(
    st.dictionaries(st.sampled_from("abcdefghij"), st.integers(0, 25), min_size=1),
    st.lists(st.sets(st.sampled_from("abcdefghij"), min_size=1), max_size=5),
    st.integers(3, 8),
)
def test_the_new_choice_never_hides_more_than_the_old_and_keeps_the_guarantee(
    counts, populations, min_size
):
    populations = [[k for k in p if k in counts] for p in populations] + [list(counts)]
    new = suppress_nested(counts, min_size, populations)
    old = suppress_nested_greedy(counts, min_size, populations)
    assert len(new) <= len(old)
    assert sum(counts[k] for k in new) <= sum(counts[k] for k in old)
    assert {k for k in counts if counts[k] < min_size} <= new
    for population in populations:
        hidden_total = sum(counts[k] for k in population if k in new)
        shown = [k for k in population if k not in new]
        assert hidden_total == 0 or hidden_total >= min_size or not shown


# --- withheld reasons: the attack -------------------------------------------------------------


def _possible_values(hidden_total, bounds, slack_members):
    """Every count a reader could assign to each labelled member, knowing the hidden total, each
    member's bound from its reason and that `slack_members` unlabelled members hold 0 or more."""
    ranges = [range(low, min(high, hidden_total) + 1) for low, high in bounds]
    seen = [set() for _ in bounds]
    for values in itertools.product(*ranges):
        rest = hidden_total - sum(values)
        if rest == 0 or (rest > 0 and slack_members):
            for index, value in enumerate(values):
                seen[index].add(value)
    return seen


@given(
    st.lists(st.integers(1, 14), min_size=1, max_size=4),
    st.integers(0, 6),
)
def test_no_reason_lets_a_reader_pin_a_hidden_count(hidden_counts, unlabelled):
    """The attack: the reader knows the total minus the shown groups (the hidden total) and the
    reason of each hidden group. If only one count fits a group, it is derivable. Wherever that
    happens, the reasons are withheld (the reader then knows only that the group is hidden)."""
    counts = {f"g{i}": n for i, n in enumerate(hidden_counts)}
    hidden = set(counts)
    if unlabelled:
        counts["none"] = unlabelled
        hidden.add("none")
    # complementary suppression has left at least the minimum hidden (or nothing)
    assume(sum(counts.values()) >= MIN)
    quiet = withheld(counts, hidden, MIN, [list(counts)], unlabelled=frozenset({"none"}))
    labelled = [k for k in counts if k != "none" and k not in quiet]
    if not labelled:
        return
    total = sum(counts.values())
    bounds = [(1, MIN - 1) if counts[k] < MIN else (MIN, total) for k in labelled]
    slack = bool(unlabelled) or len(quiet) > 0
    possible = _possible_values(total - sum(counts[k] for k in quiet), bounds, slack)
    # what the reader could tell with no reasons at all (every hidden group: 1 or more)
    untold = _possible_values(total, [(1, total)] * len(labelled), slack)
    for key, values, before in zip(labelled, possible, untold, strict=True):
        assert counts[key] in values
        # a reason never narrows a count down to one that was not already known
        assert len(values) >= 2 or len(before) == 1, (counts, key, values)


def test_one_plus_five_withholds_both_reasons():
    assert withheld({"a": 1, "b": 5, "c": 20}, {"a", "b"}, MIN, [["a", "b", "c"]]) == {"a", "b"}
    assert withheld({"a": 2, "b": 5, "c": 20}, {"a", "b"}, MIN, [["a", "b", "c"]]) == set()
    # an unlabelled member («no unit given») might hold the rest: nothing is pinned
    assert (
        withheld(
            {"a": 1, "b": 5, None: 2},
            {"a", "b", None},
            MIN,
            [["a", "b", None]],
            unlabelled=frozenset({None}),
        )
        == set()
    )


# --- the reasons in every output ------------------------------------------------------------------


def _reason_of(row_html):
    return re.findall(r'data-reason="([a-z_]+)"', row_html)


def test_each_hidden_staff_group_says_why_on_page_xlsx_csv_pdf_and_api(
    client, users, open_round, spec, sogndal_units
):
    """10 medarbeidere, 6 mellomledere, 3 tillitsvalgte: the tillitsvalgte have too few answers,
    the mellomledere are hidden only to protect them."""
    heim = sogndal_units["heim"]
    rows = [person(spec, "4640", 3, unit=heim) for _ in range(10)]
    rows += [person(spec, "4640", 4, "mellomleder", unit=heim) for _ in range(6)]
    rows += [person(spec, "4640", 2, "tillitsvalgt", unit=heim) for _ in range(3)]
    record(open_round, rows)
    report = report_for(open_round)
    assert group(report.staff_groups, "tillitsvalgt").reason == TOO_FEW
    assert group(report.staff_groups, "mellomleder").reason == PROTECTS_SMALLER
    assert group(report.staff_groups, "medarbeider").reason is None

    client.force_login(users["coordinator_a"])
    out = get_all_outputs(client, open_round)
    tillitsvalgt = table_row(out["page"], "staff-group-table", "Tillitsvalgt eller verneombud")
    mellomleder = table_row(out["page"], "staff-group-table", "Mellomleder")
    assert "færre enn 5" in tillitsvalgt and "for få svar" in tillitsvalgt
    assert "skjult for å verne en mindre gruppe" in mellomleder
    assert "for få svar" not in mellomleder
    assert set(_reason_of(tillitsvalgt)) == {TOO_FEW}
    assert set(_reason_of(mellomleder)) == {PROTECTS_SMALLER}
    assert "skjult for å verne en mindre gruppe</em> betyr" in out["page"]

    sheet = out["xlsx"]["Ansattgrupper"]
    header = sheet[0]
    why = header.index("Hvorfor skjult")
    reasons = {r[0]: r[why] for r in sheet[1:]}
    assert reasons["Tillitsvalgt eller verneombud"] == "for få svar"
    assert reasons["Mellomleder (enhets-/virksomhetsleder)"] == (
        "skjult for å verne en mindre gruppe"
    )
    csv_rows = [r for r in out["csv"] if r[0] == "Ansattgrupper"]
    assert {r[-1] for r in csv_rows if r[1] == "Tillitsvalgt eller verneombud"} == {"for få svar"}
    # PDF: the marks in the cells (beyond the one each in the explanation)
    assert out["pdf"].count("skjult¹") > 1 and out["pdf"].count("skjult²") > 1
    # the explanation of the marks, in Sogndal's nynorsk
    assert "«skjult²»: skjult for å verne ei mindre gruppe" in " ".join(out["pdf"].split())

    api = client.get(
        "/api/v1/rounds/runde-2026/municipalities/4640/",
        HTTP_AUTHORIZATION=f"Token {_token(users['coordinator_a'])}",
    ).json()
    by_group = {g["staff_group"]: g for g in api["by_staff_group"]}
    assert by_group["tillitsvalgt"]["reason"] == "too_few"
    assert by_group["mellomleder"]["reason"] == "protects_smaller"
    assert by_group["medarbeider"]["reason"] is None
    assert {d["reason"] for d in by_group["mellomleder"]["dimensions"]} == {"protects_smaller"}


def test_a_unit_of_twenty_hidden_beside_four_without_unit_says_it_protects_them(
    client, users, open_round, spec, sogndal_units
):
    """Issue 15: «Teknisk drift» (20) was hidden under «Skjulte enheter har for få svar». It is
    hidden because 4 in its sector gave no unit; it says so."""
    heim, skule = sogndal_units["heim"], sogndal_units["skule"]
    rows = [person(spec, "4640", 3, sector="helse_omsorg", unit=heim) for _ in range(20)]
    rows += [person(spec, "4640", 4, sector="oppvekst") for _ in range(4)]
    rows += [person(spec, "4640", 4, sector="oppvekst", unit=skule) for _ in range(20)]
    record(open_round, rows)
    report = report_for(open_round)
    skule_group = next(g for g in report.units if g.key == skule.pk)
    assert skule_group.suppressed and skule_group.reason == PROTECTS_SMALLER

    client.force_login(users["coordinator_a"])
    page = client.get(
        reverse("reports:municipality_report", kwargs={"slug": open_round.slug, "number": "4640"})
    ).content.decode()
    row = table_row(page, "unit-table", "Sogndal skule")
    assert "skjult for å verne en mindre gruppe" in row and "for få svar" not in row
    assert "Skjulte enheter har for få svar" not in page
    assert cells(table_row(page, "unit-table", "Heimetenesta"))[0].strip() == "20"


def test_one_plus_five_shows_neither_reason_anywhere(client, users, open_round, spec):
    """1 toppleder and 5 mellomledere hidden beside 10 medarbeidere: «fewer than 5» and «at
    least 5» with 6 hidden would give both counts away, so both only say «skjult»."""
    rows = [person(spec, "4640", 3) for _ in range(10)]
    rows += [person(spec, "4640", 4, "mellomleder") for _ in range(5)]
    rows += [person(spec, "4640", 2, "toppleder")]
    record(open_round, rows)
    report = report_for(open_round)
    for key in ("toppleder", "mellomleder"):
        assert group(report.staff_groups, key).reason == WITHHELD
    client.force_login(users["coordinator_a"])
    out = get_all_outputs(client, open_round)
    for label in ("Toppleder", "Mellomleder"):
        row = table_row(out["page"], "staff-group-table", label)
        assert set(_reason_of(row)) == {WITHHELD}
        assert "færre enn" not in row and "for få svar" not in row and "verne" not in row
    sheet = out["xlsx"]["Ansattgrupper"]
    why = sheet[0].index("Hvorfor skjult")
    assert {r[why] for r in sheet[1:] if r[0].startswith(("Toppleder", "Mellomleder"))} == {
        "skjult"
    }
    assert out["pdf"].count("skjult¹") == 1 and out["pdf"].count("skjult²") == 1  # legend only


def test_dashboard_counts_say_why_they_are_hidden(client, users, open_round, spec, sogndal_units):
    heim, skule = sogndal_units["heim"], sogndal_units["skule"]
    rows = [person(spec, "4640", 3, sector="helse_omsorg", unit=heim) for _ in range(20)]
    rows += [person(spec, "4640", 4, sector="oppvekst") for _ in range(4)]
    rows += [person(spec, "4640", 4, sector="oppvekst", unit=skule) for _ in range(20)]
    record(open_round, rows)
    client.force_login(users["coordinator_a"])
    page = client.get(
        reverse("reports:dashboard", kwargs={"number": "4640", "slug": open_round.slug})
    ).content.decode()
    unit_rows = re.search(r"Svar per enhet.*?</table>", page, re.S).group(0)
    skule_row = next(
        r for r in re.findall(r"<tr>.*?</tr>", unit_rows, re.S) if "Sogndal skule" in r
    )
    assert "skjult for å verne en mindre gruppe" in skule_row
