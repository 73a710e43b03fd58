"""Psychometrics at publication (issue 13, item 5): each figure against an independent
computation or a published worked example, stored once, shown on «Om metoden» and to KS only."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reports import psychometrics as psy
from reports.models import Psychometrics, Publication
from tests.conftest import make_user, publish


def _feldt(alpha, n, k):
    """Feldt, Woodruff and Salih (1987), formulas 6 and 7."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return 1 - (1 - alpha) * stats.f.ppf(0.975, df1, df2), 1 - (1 - alpha) * stats.f.ppf(
        0.025, df1, df2
    )


def _one_factor(n, loadings, seed=1, factors=None):
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=n) if factors is None else factors
    loadings = np.asarray(loadings)
    noise = rng.normal(size=(n, len(loadings))) * np.sqrt(1 - loadings**2)
    return factor[:, None] * loadings + noise


def test_feldt_helper_reproduces_the_published_example():
    # statpsych::ci.cronbach(.05, .85, 7, 89) -> LL 0.7971, UL 0.8932 (Bonett 2021)
    low, high = _feldt(0.85, 89, 7)
    assert (round(low, 4), round(high, 4)) == (0.7971, 0.8932)


def test_alpha_and_its_interval_match_a_second_computation():
    data = np.round(_one_factor(300, [0.7, 0.6, 0.65, 0.5]) + 3).clip(1, 5)
    alpha, ci = psy.alpha_with_ci(data)
    k = data.shape[1]
    by_hand = k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / data.sum(axis=1).var(ddof=1))
    assert alpha == pytest.approx(by_hand, abs=0.001)
    low, high = _feldt(by_hand, data.shape[0], k)
    assert ci == pytest.approx([low, high], abs=0.002)


def test_item_rest_and_alpha_if_deleted_flag_a_bad_statement():
    rng = np.random.default_rng(3)
    good = _one_factor(500, [0.8, 0.8, 0.8])
    data = np.column_stack([good, rng.normal(size=500)])  # the fourth measures nothing
    result = psy.item_statistics(data)
    rest = data[:, :3].sum(axis=1)
    assert result[3]["item_rest"] == pytest.approx(np.corrcoef(data[:, 3], rest)[0, 1], abs=0.001)
    assert abs(result[3]["item_rest"]) < 0.15 < result[0]["item_rest"]
    assert result[3]["alpha_if_deleted"] > psy.alpha_with_ci(data)[0]


def test_srmr_and_the_fit_indices_match_lavaan_on_holzinger_swineford():
    """lavaan's cfa() of the three-factor Holzinger–Swineford model: chisq 85.306 on 24 df,
    CFI 0.931, RMSEA 0.092, SRMR 0.065."""
    import semopy
    from semopy.examples import holzinger39

    model = semopy.Model(holzinger39.get_model())
    model.fit(holzinger39.get_data())
    fit = semopy.calc_stats(model).T["Value"]
    assert round(fit["CFI"], 3) == 0.931
    assert round(fit["RMSEA"], 3) == 0.092
    assert round(psy.srmr(model.mx_cov, model.calc_sigma()[0]), 3) == 0.065


def test_one_factor_model_recovers_a_known_omega_and_rejects_two_factors():
    loadings = np.array([0.8, 0.7, 0.6, 0.5, 0.7])
    fit = psy.one_factor_model(_one_factor(4000, loadings, seed=5))
    population = loadings.sum() ** 2 / (loadings.sum() ** 2 + (1 - loadings**2).sum())
    assert fit["omega"] == pytest.approx(population, abs=0.015)
    assert fit["cfi"] > 0.99 and fit["rmsea"] < 0.03 and fit["srmr"] < 0.02
    rng = np.random.default_rng(9)
    two = np.column_stack(
        [_one_factor(4000, [0.8, 0.8, 0.8], seed=6), _one_factor(4000, [0.8, 0.8], seed=7)]
    )
    rng.shuffle(two, axis=0)
    bad = psy.one_factor_model(two)
    assert bad["cfi"] < 0.8 and bad["rmsea"] > 0.2


def test_omega_equals_alpha_for_equal_loadings():
    data = _one_factor(5000, [0.7] * 4, seed=11)
    assert psy.one_factor_model(data)["omega"] == pytest.approx(
        psy.alpha_with_ci(data)[0], abs=0.01
    )


def test_icc_matches_pingouin_on_its_wine_example():
    """pingouin's worked example (8 wines, 4 judges): ICC(1,1) 0.728 and ICC(1,k) 0.914 are
    ICC(1) and ICC(2) with the wines as groups."""
    import pingouin

    wine = pingouin.read_dataset("icc")
    sums = [(len(s), s.sum(), (s**2).sum()) for _, s in wine.groupby("Wine")["Scores"]]
    ours = psy.icc_from_sums(sums)
    icc = pingouin.intraclass_corr(wine, targets="Wine", raters="Judge", ratings="Scores")
    icc = icc.set_index("Type")["ICC"]
    assert (
        ours["icc1"] == pytest.approx(icc["ICC(1,1)"], abs=0.001) == pytest.approx(0.728, abs=0.001)
    )
    assert (
        ours["icc2"] == pytest.approx(icc["ICC(1,k)"], abs=0.001) == pytest.approx(0.914, abs=0.001)
    )


def test_icc_matches_statsmodels_anova_on_unequal_groups():
    import statsmodels.api as sm
    from statsmodels.formula.api import ols

    rng = np.random.default_rng(4)
    sizes = [3, 8, 15, 5, 20, 9]
    rows = [(g, rng.normal(g * 0.3, 1)) for g, n in enumerate(sizes) for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["g", "y"])
    table = sm.stats.anova_lm(ols("y ~ C(g)", data=frame).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    total = sum(sizes)
    k0 = (total - sum(n * n for n in sizes) / total) / (len(sizes) - 1)
    sums = [(len(y), y.sum(), (y**2).sum()) for _, y in frame.groupby("g")["y"]]
    ours = psy.icc_from_sums(sums)
    assert ours["icc1"] == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw), abs=0.001)
    assert ours["icc2"] == pytest.approx((msb - msw) / msb, abs=0.001)


def test_rwg_j_against_raw_answers():
    answers = np.array([[4, 4, 5], [4, 5, 5], [3, 4, 4], [4, 4, 5], [5, 4, 4]])
    variances = [psy.item_variance(np.bincount(col, minlength=6)[1:]) for col in answers.T]
    assert variances == pytest.approx(list(answers.var(axis=0, ddof=1)))
    mean_var, j = answers.var(axis=0, ddof=1).mean(), 3
    expected = j * (1 - mean_var / 2) / (j * (1 - mean_var / 2) + mean_var / 2)
    assert psy.rwg_j(variances) == round(expected, 2)
    assert psy.rwg_j([0.0, 0.0]) == 1.0  # full agreement
    assert psy.rwg_j([3.5, 4.0]) == 0.0  # beyond the uniform null


def test_htmt_of_a_known_structure():
    within, between = 0.6, 0.3
    corr = np.full((6, 6), between)
    corr[:3, :3] = corr[3:, 3:] = within
    np.fill_diagonal(corr, 1.0)
    ratio = psy.htmt(corr, [[0, 1, 2], [3, 4, 5]])
    assert ratio[0, 1] == pytest.approx(between / within)


@pytest.fixture
def published(filled_round):
    return publish(filled_round)


def test_publication_stores_the_figures_once(published, spec):
    stored = Psychometrics.objects.get(publication__round=published)
    reliability = Publication.objects.get(round=published).reliability
    for d in spec.dimensions:
        figures = stored.dimensions[d.code]
        # Two independent computations of alpha: SQL sums (reliability.py) and pingouin.
        assert figures["alpha"] == pytest.approx(reliability[d.code]["alpha"], abs=0.006)
        assert figures["alpha_ci"][0] < figures["alpha"] < figures["alpha_ci"][1]
        assert 0 < figures["dont_know"] < 0.2  # the synthetic answers have 6 % «vet ikke»
        assert figures["icc"]["municipality"]["groups"] == 2
        assert len(figures["statements"]) == len(d.items)
    assert stored.outcome is None  # instrument 2026.1 has no outcome block
    # Republishing returns the first publication and leaves the figures as they were.
    publish(published)
    assert Psychometrics.objects.filter(publication__round=published).count() == 1


def test_dont_know_rate_is_counted_from_the_item_cells(published, spec):
    from assessment.models import Answer

    stored = Psychometrics.objects.get(publication__round=published)
    item = spec.dimensions[0].items[0]
    answers = Answer.objects.filter(response__round=published, item_id=item.id)
    expected = answers.filter(value__isnull=True).count() / answers.count()
    assert stored.dimensions[spec.dimensions[0].code]["statements"][0]["dont_know"] == round(
        expected, 3
    )


def test_rwg_only_for_kommuner_that_are_shown(open_round, spec, sogndal_units):
    """Attack: a kommune with fewer than the minimum responses must not get an rwg(j) figure (it
    would describe how a handful of people answered)."""
    import random

    from assessment import services
    from assessment.models import ResponseSource
    from assessment.synthetic import synthetic_rows
    from municipalities.models import Municipality

    sogndal, molde = (Municipality.objects.get(number=n) for n in ("4640", "1506"))
    rng = random.Random(1)
    rows = synthetic_rows(spec=spec, municipality_id=sogndal.pk, count=40, rng=rng)
    rows += synthetic_rows(spec=spec, municipality_id=molde.pk, count=3, rng=rng)
    services.record_responses(round_=open_round, rows=rows, source=ResponseSource.IMPORT)
    publish(open_round)
    stored = Psychometrics.objects.get(publication__round=open_round)
    for per_kommune in stored.rwg_by_municipality.values():
        assert str(molde.pk) not in per_kommune
    # Sogndal is the only participant with answers, but Molde's 3 are hidden and together hold
    # fewer than the minimum: complementary suppression hides Sogndal too, so no kommune at all.
    assert all(not v for v in stored.rwg_by_municipality.values())


def test_method_page_shows_the_figures_per_published_round(
    client, published, spec, django_assert_max_num_queries
):
    stored = Psychometrics.objects.get(publication__round=published)
    code = spec.dimensions[0].code
    with django_assert_max_num_queries(12):
        response = client.get("/om-metoden/")
    html = response.content.decode()
    assert "Psykometri" in html and published.name in html
    alpha = stored.dimensions[code]["alpha"]
    assert f"{alpha:.2f}".replace(".", ",") in html
    assert "CFI" in html and "ICC(1) kommune" in html


def test_ks_page_shows_statements_matrix_and_rwg(
    client, published, spec, django_assert_max_num_queries
):
    ks = make_user("ks", "ks_analyst")
    client.force_login(ks)
    with django_assert_max_num_queries(15):
        response = client.get(f"/runder/{published.slug}/psykometri/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="correlations"' in html and 'id="rwg"' in html
    assert "Sogndal" in html and "Molde" in html
    assert spec.dimensions[0].items[0].code in html
    assert "Ingen utfallsmål i denne versjonen" in html


def test_ks_page_is_not_for_coordinators(client, published):
    coordinator = make_user("koord", "coordinator", municipality_number="4640")
    client.force_login(coordinator)
    assert client.get(f"/runder/{published.slug}/psykometri/").status_code == 404


def test_sampling_keeps_publication_bounded(filled_round, monkeypatch):
    """Above the sample size, only about that many responses are read for answer-level figures."""
    monkeypatch.setattr(psy.compute, "PSYCHOMETRIC_SAMPLE", 50)
    publish(filled_round)
    stored = Psychometrics.objects.get(publication__round=filled_round)
    assert 30 <= stored.sample <= 70
    assert not math.isnan(stored.sample)
