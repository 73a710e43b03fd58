"""The comparison across kommuner is computed once, at publication (reports.comparison_snapshot),
and every output reads what was stored: rounds published before that are computed by migration
0008 with the same rules, and nothing a viewer sees changes between requests."""

import importlib

import pytest

from reports.models import Publication, PublishedMunicipality
from tests.conftest import make_user, publish
from tests.disclosure_helpers import api, new_round, people, record

pytestmark = pytest.mark.django_db
KOMMUNER = ["1111", "1112", "1114", "1101", "1119", "1121"]  # 3 under 5 000, 3 of 5 000-19 999
SIZES = {"1111": 3, "1112": 9, "1114": 12, "1101": 8, "1119": 11, "1121": 14}


@pytest.fixture
def published(instrument, spec, municipalities):
    round_ = new_round(KOMMUNER, slug="lagra")
    for index, (number, count) in enumerate(SIZES.items()):
        record(round_, people(spec, number, count, 1 + index % 5))
    return publish(round_)


def _everything_seen(round_):
    """What KS and one coordinator read from the API: the benchmark and a kommune report."""
    ks = make_user("ks", "ks_analyst")
    coordinator = make_user("koord", "coordinator", municipality_number="1112")
    base = f"/api/v1/rounds/{round_.slug}"
    return {
        "ks_benchmark": api(ks, f"{base}/benchmark/"),
        "ks_report": api(ks, f"{base}/municipalities/1114/"),
        "own_benchmark": api(coordinator, f"{base}/benchmark/"),
        "own_report": api(coordinator, f"{base}/municipalities/1112/"),
    }


def test_a_round_published_before_is_computed_by_the_migration_with_the_same_rules(published):
    before = _everything_seen(published)
    # A round published before the comparison was stored: nothing stored yet.
    Publication.objects.filter(round=published).update(comparison=None)
    PublishedMunicipality.objects.filter(round=published).update(comparison=None, benchmarks=None)
    migration = importlib.import_module("reports.migrations.0008_comparison_at_publication")
    migration.compute_published_rounds(None, None)
    published.refresh_from_db()
    assert _everything_seen(published) == before


def test_the_stored_comparison_hides_what_the_rules_hide(published):
    """1111 (3 people) is hidden, and 1112 (the smallest other kommune under 5 000) with it;
    KS sees no count of either, and the coordinator of 1112 sees their own count."""
    before = _everything_seen(published)
    rows = {r["number"]: r for r in before["ks_benchmark"]["municipalities"]}
    assert rows["1111"]["suppressed"] and rows["1111"]["respondents"] is None
    assert rows["1112"]["suppressed"] and rows["1112"]["respondents"] is None
    assert not rows["1114"]["suppressed"] and rows["1114"]["respondents"] == 12
    assert before["own_report"]["respondents"] == 9
    # The national figure minus every kommune report KS may open leaves 1111's three: hidden,
    # for KS and for the coordinator alike.
    for national in (
        before["ks_benchmark"]["national"],
        before["own_report"]["benchmarks"]["national"],
    ):
        assert all(s["suppressed"] and s["reason"] == "protects_smaller" for s in national)


def test_a_kommune_without_its_stored_figures_is_refused_not_shown_what_ks_sees(published):
    """What KS sees is not safe for a kommune's own people (they can subtract their own hidden
    cell), so a published kommune whose own figures are missing fails closed."""
    from municipalities.models import Municipality
    from municipalities.selectors import ReportScope
    from reports.selectors import municipality_report

    PublishedMunicipality.objects.filter(round=published, municipality__number="1112").update(
        benchmarks=None
    )
    with pytest.raises(ValueError, match="without its stored figures"):
        municipality_report(
            published, ReportScope(municipality=Municipality.objects.get(number="1112"))
        )
