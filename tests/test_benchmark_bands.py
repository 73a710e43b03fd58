"""Issue 15, item 15: the comparison promises no league tables. It sorts only by name, size class
or fylke; each mean shows its quartile band among the kommuner on the page (boundaries from the
shown means only, so a hidden kommune cannot move them: the attack test); the box plots share one
x range; the national trend is small multiples on a range that shows change."""

import json
import re

import pytest
from django.urls import reverse

from reports.pages import quartile_band
from reports.selectors import quartiles
from tests.conftest import publish
from tests.disclosure_helpers import new_round, people, record, user

pytestmark = pytest.mark.django_db

# under 5 000: 1111, 1112, 1114; 5 000-19 999: 1101, 1119, 1121
SHOWN = {"1111": (6, 2), "1112": (7, 3), "1114": (8, 4), "1101": (9, 5), "1119": (10, 1)}
SMALL = "1121"  # 3 answers: hidden (too few), and its complement in the size class


def _round(spec, slug, small_score):
    round_ = new_round([*SHOWN, SMALL], slug=slug)
    rows = []
    for number, (count, score) in SHOWN.items():
        rows += people(spec, number, count - 2, score) + people(spec, number, 2, 3)
    rows += people(spec, SMALL, 3, small_score)
    record(round_, rows)
    return publish(round_)


def _page(client, round_, **params):
    url = reverse("reports:benchmark", kwargs={"slug": round_.slug})
    return client.get(url, params).content.decode()


def _table_rows(html):
    table = re.search(r'<table[^>]*id="benchmark-table".*?</table>', html, re.S).group(0)
    return re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", table, re.S)


def _names(html):
    return [
        re.sub(r"<[^>]+>", "", re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1)).strip()
        for row in _table_rows(html)
        if '<a href="' in row
    ]


def _bands(html):
    return {
        re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1): re.findall(
            r'data-band="(\d)"', row
        )
        for row in _table_rows(html)
        if '<a href="' in row
    }


def _quartile_table(html):
    return re.search(r'<table[^>]*id="quartile-table".*?</table>', html, re.S).group(0)


@pytest.fixture
def ks_client(client, instrument, municipalities):
    client.force_login(user("ks-bands", "ks_analyst"))
    return client


def test_sorting_by_a_dimension_gives_no_ranking(ks_client, spec):
    round_ = _round(spec, "bands", 5)
    by_name = _names(_page(ks_client, round_))
    assert by_name == sorted(by_name)
    for attempt in ("samarbeid", "-samarbeid", "snitt", "nummer"):
        assert _names(_page(ks_client, round_, sorter=attempt)) == by_name
    html = _page(ks_client, round_)
    options = re.findall(
        r'<option value="([^"]*)"', re.search(r'id="f-sort".*?</select>', html, re.S).group(0)
    )
    assert options == ["navn", "storrelse", "fylke"]
    assert "ikke på skårene" in html


def test_sorting_by_size_class_groups_the_size_classes(ks_client, spec):
    round_ = _round(spec, "bands-size", 5)
    classes = [
        re.search(r"<td>[^<]*</td><td>([^<]+)</td>", row).group(1)
        for row in _table_rows(_page(ks_client, round_, sorter="storrelse"))
        if '<a href="' in row
    ]
    assert len(set(classes)) == 2
    assert classes == sorted(classes, key=classes.index)  # each size class in one block


def test_each_mean_shows_its_quartile_band_among_the_shown_kommuner(ks_client, spec):
    round_ = _round(spec, "bands-q", 5)
    html = _page(ks_client, round_)
    bands = _bands(html)
    # the hidden kommuner carry no band
    assert all(len(b) in (0, 11) for b in bands.values())
    shown = {name: b for name, b in bands.items() if b}
    assert len(shown) >= 4
    # every band is where its mean falls against the quartiles printed in the table above
    means = {}
    for row in _table_rows(html):
        if '<a href="' not in row:
            continue
        name = re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1)
        means[name] = [float(v.replace(",", ".")) for v in re.findall(r"<td>(\d,\d\d) <span", row)]
    first = [m[0] for m in means.values() if m]
    bounds = quartiles(first)
    for name, b in shown.items():
        assert int(b[0]) == quartile_band(means[name][0], bounds)
    # the lowest mean is in band 1 and the highest in band 4
    lowest = min(shown, key=lambda n: means[n][0])
    highest = max(shown, key=lambda n: means[n][0])
    assert shown[lowest][0] == "1" and shown[highest][0] == "4"


def test_attack_a_hidden_kommune_cannot_move_a_band_or_a_boundary(ks_client, spec):
    """The KS analyst sees the bands and the quartiles. If they were computed with a hidden
    kommune's mean, its mean (1 or 5) would move them: comparing two pages that differ only in
    that kommune would tell where it lies. They are computed from the shown means only."""
    low = _page(ks_client, _round(spec, "bands-low", 1))
    high = _page(ks_client, _round(spec, "bands-high", 5))
    assert _bands(low) == _bands(high)
    assert _quartile_table(low) == _quartile_table(high)


def test_box_plots_share_one_x_range_without_y_labels(ks_client, spec):
    html = _page(ks_client, _round(spec, "bands-box", 5))
    figures = [
        json.loads(f)
        for f in re.findall(r'data-chart-for="chart-dist-[^"]*">(.*?)</script>', html, re.S)
    ]
    assert len(figures) == 11
    ranges = {tuple(f["layout"]["xaxis"]["range"]) for f in figures}
    assert len(ranges) == 1
    low, high = ranges.pop()
    points = [x for f in figures for t in f["data"] if t["type"] == "box" for x in t["x"]]
    assert low <= min(points) and max(points) <= high
    assert all(f["layout"]["yaxis"]["showticklabels"] is False for f in figures)
    assert all(f["layout"]["separators"] == ", " for f in figures)
