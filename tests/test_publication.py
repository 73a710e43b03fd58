"""Results are published, never live (domain.md §6): no figure from answers while a round is
open, one frozen snapshot after it closes, and nothing that can reopen or change it."""

import io
import os
import random
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.importing import import_responses
from assessment.models import Draft, Invitation, Response, ResponseSource, Round
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality
from reports.models import Publication, ScoreCell
from reports.publication import publish_due_rounds, publish_round
from reports.services import create_api_token
from tests.factories import RoundFactory

SOGNDAL = "4640"


def _add(round_, spec, count, seed=1, number=SOGNDAL):
    municipality = Municipality.objects.get(number=number)
    rows = synthetic_rows(
        spec=spec, municipality_id=municipality.pk, count=count, rng=random.Random(seed)
    )
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _outputs(client, round_, token) -> dict:
    """Every output a coordinator and KS can read about the round, as bytes."""
    kwargs = {"slug": round_.slug, "number": SOGNDAL}
    paths = {
        "report": reverse("reports:municipality_report", kwargs=kwargs),
        "dimension": reverse("reports:dimension", kwargs={**kwargs, "code": "samarbeid"}),
        "xlsx": reverse("reports:export_xlsx", kwargs=kwargs),
        "csv": reverse("reports:export_csv", kwargs=kwargs),
        "pdf": reverse("reports:export_pdf", kwargs=kwargs),
        "benchmark": reverse("reports:benchmark", kwargs={"slug": round_.slug}),
        "method": reverse("reports:method"),
    }
    result = {}
    for name, path in paths.items():
        response = client.get(path)
        result[name] = (response.status_code, CSRF.sub(b"", response.content))
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    for name, path in (
        ("api-municipality", f"/api/v1/rounds/{round_.slug}/municipalities/{SOGNDAL}/"),
        ("api-benchmark", f"/api/v1/rounds/{round_.slug}/benchmark/"),
    ):
        response = client.get(path, **auth)
        result[name] = (response.status_code, response.content)
    return result


def test_one_more_answer_in_an_open_round_changes_no_output(client, users, filled_round, spec):
    """The attack that recovered one person's 51 answers: download, let one person answer,
    download again. While the round is open no output carries a figure from the answers."""
    client.force_login(users["ks"])
    token = create_api_token(username="ks")
    before = _outputs(client, filled_round, token)
    _add(filled_round, spec, 1, seed=99)
    after = _outputs(client, filled_round, token)
    assert after == before
    # What they say instead: when the results come.
    closes = filled_round.closes_on.strftime("%d.%m.%Y")
    for name in ("report", "dimension", "benchmark"):
        assert before[name][0] == 200
        assert f"Resultatene publiseres når runden stenger {closes}" in before[name][1].decode()
    for name in ("xlsx", "csv", "pdf"):
        assert before[name][0] == 404
        assert f"Resultatene publiseres når runden stenger {closes}" in before[name][1].decode()
    for name in ("api-municipality", "api-benchmark"):
        assert before[name][0] == 409
        assert closes in before[name][1].decode()
    assert "Runde 2026" not in before["method"][1].decode()


def test_the_dashboard_still_shows_participation_while_the_round_is_open(
    client, users, filled_round, spec
):
    client.force_login(users["coordinator_a"])
    address = reverse("reports:dashboard", kwargs={"number": SOGNDAL, "slug": filled_round.slug})
    assert "120" in client.get(address).content.decode()
    _add(filled_round, spec, 1, seed=99)
    assert "121" in client.get(address).content.decode()


def test_publication_freezes_the_numbers_and_refuses_new_answers(filled_round, spec):
    publication = publish_round(round_=filled_round)
    assert (publication.respondents, publication.municipalities) == (180, 2)
    cells = list(ScoreCell.objects.filter(round=filled_round).values_list("n", "total"))
    # Imports and synthetic data are refused with a clear message and store nothing.
    with pytest.raises(ValidationError, match="stengt og publisert"):
        _add(filled_round, spec, 3)
    assert Response.objects.filter(round=filled_round).count() == 180
    # Publishing again returns the same publication and changes nothing.
    again = publish_round(round_=filled_round)
    assert again.pk == publication.pk and again.published_at == publication.published_at
    assert list(ScoreCell.objects.filter(round=filled_round).values_list("n", "total")) == cells


def test_an_import_into_a_published_round_is_refused(filled_round, spec, tmp_path):
    path = tmp_path / "svar.csv"
    call_command("export_responses", "--round", filled_round.slug, "--output", str(path))
    publish_round(round_=filled_round)
    with pytest.raises(ValidationError, match="stengt og publisert"):
        import_responses(round_=filled_round, raw=path.read_bytes())
    assert Response.objects.filter(round=filled_round).count() == 180


def test_a_web_submission_after_publication_gets_the_closed_page(client, filled_round, spec):
    participation = filled_round.participations.get(municipality__number=SOGNDAL)
    link = services.create_open_link(participation=participation)
    from assessment.tokens import open_link_token

    assert client.get(f"/apen/{open_link_token(link.salt)}/").status_code in (200, 302)
    publish_round(round_=filled_round)
    response = client.get(f"/apen/{open_link_token(link.salt)}/")
    assert response.status_code == 410
    response = client.post(reverse("assessment:submit"))
    assert response.status_code in (404, 410)
    assert Response.objects.filter(round=filled_round).count() == 180


def test_closing_early_ends_the_round_today_and_deletes_drafts_and_unused_addresses(
    filled_round, django_capture_on_commit_callbacks
):
    participation = filled_round.participations.get(municipality__number=SOGNDAL)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_by_email(participation=participation, emails=["kari@example.no"])
    invitation = Invitation.objects.get(participation=participation)
    services.start_personal_draft(invitation=invitation)
    assert Draft.objects.filter(participation=participation).exists()
    publish_round(round_=filled_round)
    filled_round.refresh_from_db()
    assert filled_round.closes_on == timezone.localdate()
    assert filled_round.is_published and not filled_round.is_open()
    assert not Draft.objects.filter(participation__round=filled_round).exists()
    assert not Invitation.objects.filter(participation__round=filled_round).exclude(email="")


def test_close_round_command_prints_one_line(filled_round):
    out = io.StringIO()
    call_command("close_round", filled_round.slug, stdout=out)
    assert out.getvalue().strip() == "Runde «Runde 2026» stengt og publisert: 180 svar, 2 kommuner."
    assert Round.objects.get(pk=filled_round.pk).is_published


def test_publish_due_rounds_publishes_only_rounds_whose_closing_date_has_passed(
    filled_round, municipalities, instrument
):
    closed = RoundFactory(
        slug="runde-2025", name="Runde 2025", opens_in=-400, days=20, municipality_numbers=[SOGNDAL]
    )
    out = io.StringIO()
    call_command("publish_due_rounds", stdout=out)
    assert "Runde «Runde 2025» publisert: 0 svar, 0 kommuner." in out.getvalue()
    assert Publication.objects.filter(round=closed).exists()
    assert not Publication.objects.filter(round=filled_round).exists()
    assert publish_due_rounds() == []


def test_a_closed_round_is_published_when_its_report_is_first_read(
    client, users, filled_round, spec
):
    Round.objects.filter(pk=filled_round.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(users["coordinator_a"])
    response = client.get(
        reverse(
            "reports:municipality_report", kwargs={"slug": filled_round.slug, "number": SOGNDAL}
        )
    )
    assert response.status_code == 200
    assert 'id="respondents"' in response.content.decode()
    assert Publication.objects.filter(round=filled_round).exists()


def test_ks_closes_a_round_early_only_after_confirming(client, users, filled_round):
    client.force_login(users["ks"])
    address = reverse("reports:close_round", kwargs={"slug": filled_round.slug})
    page = client.get(address).content.decode()
    assert "Steng og publiser" in page
    response = client.post(address, {})
    assert "Kryss av" in response.content.decode()
    assert not Round.objects.get(pk=filled_round.pk).is_published
    response = client.post(address, {"confirm": "yes"}, follow=True)
    assert "stengt og publisert: 180 svar, 2 kommuner" in response.content.decode()
    assert Round.objects.get(pk=filled_round.pk).is_published


def test_renaming_a_unit_after_publication_leaves_the_report_as_published(
    users, filled_round, sogndal_units
):
    from municipalities.selectors import ReportScope
    from reports.selectors import municipality_report

    publish_round(round_=filled_round)
    sogndal = Municipality.objects.get(number=SOGNDAL)
    before = municipality_report(filled_round, ReportScope(municipality=sogndal))
    sogndal_units["heim"].name = "Nytt namn"
    sogndal_units["heim"].save()
    after = municipality_report(filled_round, ReportScope(municipality=sogndal))
    assert [g.label for g in after.units] == [g.label for g in before.units]
    assert "Nytt namn" not in [g.label for g in after.units]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database two processes can share"
)
def test_a_publication_by_another_process_is_seen_by_the_server_at_once(
    client, users, filled_round
):
    """No process-local cache: `close_round` run in another process (cron, a shell) is what the
    next request shows, whichever worker serves it."""
    client.force_login(users["coordinator_a"])
    address = reverse(
        "reports:municipality_report", kwargs={"slug": filled_round.slug, "number": SOGNDAL}
    )
    assert "Resultatene publiseres" in client.get(address).content.decode()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "close_round", filled_round.slug],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "stengt og publisert: 180 svar" in result.stdout
    html = client.get(address).content.decode()
    assert "Resultatene publiseres" not in html
    assert 'id="respondents"' in html


def test_the_pending_page_points_the_coordinator_to_the_response_rate(client, users, filled_round):
    address = reverse(
        "reports:municipality_report", kwargs={"slug": filled_round.slug, "number": SOGNDAL}
    )
    dashboard = reverse("reports:dashboard", kwargs={"number": SOGNDAL, "slug": filled_round.slug})
    client.force_login(users["coordinator_a"])
    assert dashboard in client.get(address).content.decode()
    client.force_login(users["unit_leader"])
    page = client.get(address).content.decode()
    assert "Resultatene publiseres" in page and dashboard not in page


def test_alpha_of_a_large_round_comes_from_a_random_sample(filled_round, monkeypatch):
    """Above ALPHA_SAMPLE responses alpha uses the responses whose (random) key is a multiple of
    k: about 1/k of them. The SQL runs on both databases."""
    from reports import reliability

    full = reliability.compute_alphas(filled_round)
    monkeypatch.setattr(reliability, "ALPHA_SAMPLE", 90)  # 180 responses: k = 2
    sampled = reliability.compute_alphas(filled_round)
    for code, figures in full.items():
        # binomial(n, 1/2): outside a quarter to three quarters with probability below 1e-9
        assert figures["n"] / 4 < sampled[code]["n"] < figures["n"] * 3 / 4, code
        assert sampled[code]["alpha"] is None or -1 <= sampled[code]["alpha"] <= 1


def test_a_respondent_midway_when_the_round_closes_is_told_it_closed(client, filled_round):
    """Publication deletes unsent drafts: the next page or «Send» says the survey has closed
    (410, in the kommune's language), not «we can't find your answers» or «already sent»."""
    from assessment.tokens import open_link_token

    participation = filled_round.participations.get(municipality__number=SOGNDAL)
    link = services.create_open_link(participation=participation)
    path = f"/apen/{open_link_token(link.salt)}/"
    assert client.post(path, {"language": "nb"}).status_code == 302
    assert client.get(reverse("assessment:page", args=[1])).status_code == 200
    publish_round(round_=filled_round)
    for response in (
        client.get(reverse("assessment:page", args=[2])),
        client.post(reverse("assessment:submit")),
    ):
        assert response.status_code == 410
        assert "allerede sendt" not in response.content.decode()
    closed = Client().get(path)
    assert closed.status_code == 410
    assert closed.content.decode().count('lang="nn"') >= 1  # Sogndal writes nynorsk


def test_a_published_round_cannot_be_reopened_or_have_its_minimum_changed(filled_round, settings):
    from municipalities.selectors import ReportScope
    from reports.selectors import municipality_report

    publish_round(round_=filled_round)
    round_ = Round.objects.get(pk=filled_round.pk)
    before = municipality_report(
        round_, ReportScope(municipality=Municipality.objects.get(number=SOGNDAL))
    )
    for field, value in (
        ("closes_on", round_.closes_on + timedelta(days=30)),
        ("opens_on", round_.opens_on - timedelta(days=1)),
        ("min_group_size", 3),
    ):
        changed = Round.objects.get(pk=round_.pk)
        setattr(changed, field, value)
        with pytest.raises(ValidationError, match="publisert"):
            changed.save()
    # The installation raises its minimum later: the published figures stay as published.
    settings.MIN_GROUP_SIZE = 50
    round_ = Round.objects.get(pk=round_.pk)
    after = municipality_report(
        round_, ReportScope(municipality=Municipality.objects.get(number=SOGNDAL))
    )
    assert round_.effective_min_group_size == 5
    assert [s.mean for s in after.dimensions] == [s.mean for s in before.dimensions]


def test_the_admin_shows_a_published_round_read_only(admin_client, filled_round):
    publish_round(round_=filled_round)
    page = admin_client.get(f"/admin/assessment/round/{filled_round.pk}/change/").content.decode()
    assert 'name="closes_on"' not in page and 'name="min_group_size"' not in page
