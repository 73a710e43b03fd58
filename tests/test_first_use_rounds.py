"""Issue 15 for coordinators and KS: a round that has not opened says when it opens and how long
it lasts (not «60 / åpner 10.12.2026»), a new round that overlaps another with the same
questionnaire is only created after a clear warning, and coordinators find the comparison of
kommuner from their start page and their round's page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import Round

TODAY = timezone.localdate()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _timing(html: str) -> str:
    match = re.search(
        r'<div class="kpi" id="round-timing">([^<]*)</div><div class="kpi-label">(.*?)</div>',
        html,
        re.S,
    )
    assert match, "no round timing on the page"
    label = re.sub(r"\s+", " ", match[2]).strip()
    return f"{match[1]} | {label}"


@pytest.fixture
def upcoming(open_round, users):
    round_ = services.create_round(
        slug="haust-2027",
        name="Haust 2027",
        opens_on=TODAY + timedelta(days=100),
        closes_on=TODAY + timedelta(days=159),
        municipality_numbers=["4640"],
    )
    return round_


def test_a_round_not_yet_open_says_when_it_opens_and_how_long_it_lasts(
    users, upcoming, django_assert_max_num_queries
):
    client = _client(users["coordinator_a"])
    url = reverse("reports:dashboard", kwargs={"number": "4640", "slug": upcoming.slug})
    with django_assert_max_num_queries(30):
        html = client.get(url).content.decode()
    opens = upcoming.opens_on.strftime("%d.%m.%Y")
    assert _timing(html) == f"{opens} | åpner · varer 60 dager"


def test_an_open_round_says_days_left_and_the_closing_date(users, open_round):
    client = _client(users["coordinator_a"])
    html = client.get(
        reverse("reports:dashboard", kwargs={"number": "4640", "slug": open_round.slug})
    ).content.decode()
    closes = open_round.closes_on.strftime("%d.%m.%Y")
    assert _timing(html) == f"20 | dager igjen (stenger {closes})"


def _form(instrument, **overrides):
    data = {
        "name": "Ekstra 2026",
        "slug": "ekstra-2026",
        "instrument": instrument.pk,
        "opens_on": (TODAY + timedelta(days=10)).isoformat(),
        "closes_on": (TODAY + timedelta(days=40)).isoformat(),
        "min_group_size": "5",
    }
    data.update(overrides)
    return data


def test_an_overlapping_round_is_only_created_after_a_clear_warning(users, open_round, instrument):
    ks = _client(users["ks"])
    url = reverse("assessment:round_create")
    response = ks.post(url, _form(instrument))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Datoene overlapper med en annen runde" in html
    assert f"«{open_round.name}»" in html
    assert open_round.closes_on.strftime("%d.%m.%Y") in html
    assert "Ingenting er lagret ennå." in html
    assert 'type="checkbox" name="confirm_overlap"' in html
    assert not Round.objects.filter(slug="ekstra-2026").exists()

    response = ks.post(url, {**_form(instrument), "confirm_overlap": "on"}, follow=True)
    assert response.wsgi_request.path == reverse("assessment:round_list")
    assert Round.objects.filter(slug="ekstra-2026").exists()


def test_a_round_after_the_others_needs_no_confirmation(users, open_round, instrument):
    ks = _client(users["ks"])
    after = open_round.closes_on + timedelta(days=1)
    response = ks.post(
        reverse("assessment:round_create"),
        _form(
            instrument,
            opens_on=after.isoformat(),
            closes_on=(after + timedelta(days=30)).isoformat(),
        ),
    )
    assert response.status_code == 302
    assert Round.objects.filter(slug="ekstra-2026").exists()
    form = ks.get(reverse("assessment:round_create")).content.decode()
    assert "Datoene overlapper" not in form
    assert 'type="hidden" name="confirm_overlap"' in form


def test_coordinators_find_the_comparison_of_kommuner(users, open_round):
    benchmark = reverse("reports:benchmark", kwargs={"slug": open_round.slug})
    coordinator = _client(users["coordinator_a"])
    home = coordinator.get("/").content.decode()
    assert f'href="{benchmark}"' in home
    dashboard = coordinator.get(
        reverse("reports:dashboard", kwargs={"number": "4640", "slug": open_round.slug})
    ).content.decode()
    assert f'href="{benchmark}"' in dashboard
    assert coordinator.get(benchmark).status_code == 200
    # A unit leader may not see the comparison, and is not shown the link.
    leader = _client(users["unit_leader"])
    assert f'href="{benchmark}"' not in leader.get("/").content.decode()
    assert leader.get(benchmark).status_code == 404
