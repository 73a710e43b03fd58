"""Headcounts (issue 15, item 11): every person is counted once - the first row is the staff
outside every unit, a unit's row the unit without its sub-units - the form says so and shows the
total it will use, and a kommune joining a new round starts with last round's numbers."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import Headcount, Participation
from municipalities.models import Sector
from municipalities.services import create_org_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client, users):
    client.force_login(users["coordinator_a"])
    return client


def test_the_form_explains_that_each_person_counts_once_and_shows_the_total(
    coordinator, open_round, sogndal_units
):
    url = reverse("assessment:headcounts", args=["4640", open_round.slug])
    html = coordinator.get(url).content.decode()
    assert "Ansatte som ikke hører til noen enhet" in html
    assert "Hele kommunen / uten enhet" not in html
    assert "Skriv ikke hele kommunens antall der" in html
    heim, skule = sogndal_units["heim"].pk, sogndal_units["skule"].pk
    # 13 outside every unit, 300 + 100 in the units: 413 people, not 456 or 826
    coordinator.post(
        url,
        {
            "hc-0-medarbeider": "13",
            f"hc-{heim}-medarbeider": "300",
            f"hc-{skule}-medarbeider": "100",
        },
    )
    html = coordinator.get(url).content.decode()
    total = re.search(r'id="headcount-total">(.*?)</p>', html, re.S).group(1)
    assert "Lagret nå: 413 ansatte i alt." in total and "Medarbeider: 413" in total
    dashboard = coordinator.get(reverse("reports:dashboard", args=["4640", open_round.slug]))
    assert "av 413" in dashboard.content.decode()


def test_each_field_has_a_visible_label(coordinator, open_round, sogndal_units):
    html = coordinator.get(
        reverse("assessment:headcounts", args=["4640", open_round.slug])
    ).content.decode()
    heim = sogndal_units["heim"].pk
    assert re.search(rf'<label[^>]*for="id-hc-{heim}-medarbeider">Medarbeider</label>', html)
    assert "<legend" in html and "Heimetenesta" in html


def _round(slug, opens_in, folkevalgte=False, numbers=None):
    today = timezone.localdate()
    return services.create_round(
        slug=slug,
        name=slug,
        opens_on=today + timedelta(days=opens_in),
        closes_on=today + timedelta(days=opens_in + 20),
        include_folkevalgte=folkevalgte,
        municipality_numbers=numbers,
    )


def test_a_new_round_starts_with_the_previous_rounds_headcounts(
    open_round, sogndal_units, municipalities
):
    sogndal = open_round.participations.get(municipality__number="4640")
    gone = create_org_unit(
        municipality=sogndal.municipality,
        sector=Sector.objects.get(code="kultur"),
        name="Kulturhuset",
    )
    heim = sogndal_units["heim"].pk
    services.set_headcounts(
        participation=sogndal,
        counts={(None, "medarbeider"): 13, (heim, "medarbeider"): 300, (gone.pk, "stab"): 4},
    )
    gone.delete()
    # a round KS creates with the kommune in it, and one the kommune joins itself
    autumn = _round("haust", 60, numbers=["4640", "1506"])
    copied = Participation.objects.get(round=autumn, municipality__number="4640")
    assert set(copied.headcounts.values_list("unit_id", "staff_group_id", "count")) == {
        (None, "medarbeider", 13),
        (heim, "medarbeider", 300),
    }
    assert not Participation.objects.get(
        round=autumn, municipality__number="1506"
    ).headcounts.exists()
    later = _round("vinter", 120)
    joined = services.join_round(round=later, municipality=sogndal.municipality)
    # the latest earlier round is copied: change autumn's numbers first
    services.set_headcounts(participation=copied, counts={(heim, "medarbeider"): 280})
    joined.headcounts.all().delete()
    joined.delete()
    joined = services.join_round(round=later, municipality=sogndal.municipality)
    assert list(joined.headcounts.values_list("unit_id", "staff_group_id", "count")) == [
        (heim, "medarbeider", 280)
    ]
    # editable in the new round without touching the old one
    services.set_headcounts(participation=joined, counts={(heim, "medarbeider"): 290})
    assert list(copied.headcounts.values_list("count", flat=True)) == [280]


def test_folkevalgte_are_not_carried_into_a_round_without_them(municipalities, instrument):
    with_them = _round("med-folkevalgte", -200, folkevalgte=True, numbers=["1506"])
    services.set_headcounts(
        participation=with_them.participations.get(),
        counts={(None, "folkevalgt"): 35, (None, "medarbeider"): 50},
    )
    fresh = _round("uten-folkevalgte", 30, numbers=["1506"])
    assert list(fresh.participations.get().headcounts.values_list("staff_group_id", "count")) == [
        ("medarbeider", 50)
    ]


def test_joining_says_the_headcounts_were_copied(coordinator, open_round, sogndal_units):
    sogndal = open_round.participations.get(municipality__number="4640")
    services.set_headcounts(participation=sogndal, counts={(None, "medarbeider"): 40})
    later = _round("haust", 60)
    response = coordinator.post(reverse("assessment:join", args=["4640", later.slug]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("kopiert fra forrige runde" in m for m in messages)
    assert Headcount.objects.filter(participation__round=later).count() == 1
