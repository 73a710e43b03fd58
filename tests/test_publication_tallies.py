"""Publication from running tallies (reports.publication, assessment.services.tallies): an open
round's answers are summed per cell as they arrive, and the published cells are views over those
sums that show a round only once it is published. The published numbers must be exactly those
summed from the answers, whatever path stored them, and nothing of an open round may show."""

import io
import random
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from assessment import services
from assessment.models import (
    ChoiceTally,
    ItemTally,
    RespondentTally,
    Response,
    ResponseSource,
    ScoreTally,
    TenureTally,
)
from assessment.services.tallies import rebuild_tallies
from assessment.synthetic import synthetic_rows
from municipalities.models import Municipality, OrgUnit
from reports import models as snapshot
from reports.models import Psychometrics, Publication
from reports.publication import complete_publication, publish_round
from tests.mailtesting import run_worker

TALLIES = (RespondentTally, ScoreTally, ItemTally, ChoiceTally, TenureTally)
CELLS = (
    snapshot.RespondentCell,
    snapshot.ScoreCell,
    snapshot.ItemCell,
    snapshot.ChoiceCell,
    snapshot.TenureCell,
    snapshot.TenureScoreCell,
    snapshot.MunicipalityScore,
    snapshot.PublishedMunicipality,
)


def _rounded(value):
    """Floats rounded, also inside the stored comparison (sums in another order may differ in
    the last bit)."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list | tuple):
        return tuple(_rounded(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _rounded(v)) for k, v in value.items()))
    return value


def _rows(model, round_) -> list[tuple]:
    """Every row of the round, without ids, floats rounded."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    rows = model.objects.filter(round=round_).values_list(*fields)
    return sorted((_rounded(row) for row in rows), key=repr)


def _add(round_, spec, count, seed, number="4640", units=None):
    municipality = Municipality.objects.get(number=number)
    rows = synthetic_rows(
        spec=spec,
        municipality_id=municipality.pk,
        count=count,
        rng=random.Random(seed),
        units_by_sector=units,
    )
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)


class Rollback(Exception):
    pass


def _published_cells(round_) -> dict:
    """The cells publication writes, read inside a transaction that is then rolled back."""
    cells = {}
    try:
        with transaction.atomic():
            publish_round(round_=round_)
            cells = {model.__name__: _rows(model, round_) for model in CELLS}
            raise Rollback
    except Rollback:
        pass
    round_.refresh_from_db()
    return cells


def test_tallies_kept_as_answers_arrive_equal_the_sums_of_all_answers(
    filled_round, spec, sogndal_units
):
    units = {"helse_omsorg": [sogndal_units["heim"].pk]}
    rng = random.Random(3)
    for seed in range(12):  # one at a time (a web submission) and in batches (an import)
        _add(filled_round, spec, rng.choice([1, 1, 2, 7, 30]), seed, units=units)
    _add(filled_round, spec, 5, 99, number="1506")
    kept = {model.__name__: _rows(model, filled_round) for model in TALLIES}
    assert (
        sum(n for *_, n in _rows(RespondentTally, filled_round))
        == Response.objects.filter(round=filled_round).count()
    )

    rebuild_tallies(round_id=filled_round.pk)

    assert {model.__name__: _rows(model, filled_round) for model in TALLIES} == kept


def test_publication_from_tallies_equals_publication_summed_from_the_answers(filled_round, spec):
    _add(filled_round, spec, 9, 5)
    from_tallies = _published_cells(filled_round)
    # Tallies gone (as for answers stored before tallies existed): publication sums the answers.
    for model in TALLIES:
        model.objects.filter(round=filled_round).delete()
    from_answers = _published_cells(filled_round)

    assert from_tallies["RespondentCell"]
    assert from_tallies == from_answers


def test_a_response_deleted_while_the_round_is_open_is_not_published(filled_round):
    Response.objects.filter(round=filled_round).order_by("pk").first().delete()

    publication = publish_round(round_=filled_round)

    assert publication.respondents == 179
    assert sum(n for *_, n in _rows(snapshot.RespondentCell, filled_round)) == 179


def test_a_unit_deleted_while_the_round_is_open_leaves_its_answers_under_no_unit(
    filled_round, sogndal_units
):
    unit = sogndal_units["heim"]
    in_unit = Response.objects.filter(round=filled_round, unit=unit).count()
    assert in_unit
    OrgUnit.objects.filter(pk=unit.pk).delete()

    publish_round(round_=filled_round)

    cells = snapshot.RespondentCell.objects.filter(round=filled_round)
    assert not cells.filter(unit_id=unit.pk).exists()
    assert sum(c.n for c in cells) == 180


def test_an_open_round_has_no_cells_at_all_until_it_is_published(filled_round):
    """The tallies of an open round grow with every answer, but the cells every output reads
    show none of them: not a buggy selector, not a raw query on a cell table."""
    assert RespondentTally.objects.filter(round=filled_round).exists()
    for model in CELLS:
        assert not model.objects.filter(round=filled_round).exists(), model.__name__

    publish_round(round_=filled_round)

    assert sum(c.n for c in snapshot.RespondentCell.objects.filter(round=filled_round)) == 180
    assert snapshot.ItemCell.objects.filter(round=filled_round).exists()


def test_a_unit_renamed_after_publication_keeps_its_published_place(published_round, sogndal_units):
    unit = sogndal_units["heim"]
    before = set(
        snapshot.ScoreCell.objects.filter(round=published_round, unit_id=unit.pk).values_list(
            "unit_path", flat=True
        )
    )
    assert before
    OrgUnit.objects.filter(pk=unit.pk).update(name="Nytt namn", path="9999")
    after = set(
        snapshot.ScoreCell.objects.filter(round=published_round, unit_id=unit.pk).values_list(
            "unit_path", flat=True
        )
    )
    assert after == before


@pytest.mark.django_db(transaction=False)
def test_psychometrics_follow_publication_through_the_queue(filled_round, users, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    publication = publish_round(round_=filled_round)
    assert not Psychometrics.objects.filter(publication=publication).exists()
    assert RespondentTally.objects.filter(round=filled_round).exists()
    ks = Client()
    ks.force_login(users["ks"])
    url = reverse("reports:psychometrics", kwargs={"slug": filled_round.slug})
    pending = ks.get(url)
    assert pending.status_code == 200
    assert "beregnes" in pending.content.decode()

    run_worker()

    assert Psychometrics.objects.filter(publication=publication).exists()
    assert Publication.objects.get(pk=publication.pk).reliability
    assert "beregnes" not in ks.get(url).content.decode()
    complete_publication(round_id=filled_round.pk)  # a second run changes nothing
    assert Psychometrics.objects.filter(publication=publication).count() == 1


def test_only_publication_reads_the_running_tallies():
    """The tallies are live sums of an open round: no page, export or API may read them. Only
    the write paths add to them; publication and the cell views (which show a round only once it
    is published) read them."""
    root = Path(settings.BASE_DIR)
    allowed = {
        "assessment/bulk.py",
        "assessment/services/responses.py",
        "assessment/models/__init__.py",
        "assessment/models/tallies.py",
        "assessment/services/tallies.py",
        "reports/publication.py",
        "reports/models/snapshot.py",  # the cells: views that show published rounds only
    }
    readers = {
        str(path.relative_to(root))
        for app in ("assessment", "municipalities", "reports", "config")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        and re.search(r"Tally\b|_tally\b|tallies", path.read_text(encoding="utf-8"))
    }
    assert readers - allowed == set()
    assert not [p for p in (root / "templates").rglob("*.html") if "tally" in p.read_text()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections to one database"
)
def test_submissions_at_the_same_moment_into_the_same_cells_are_all_tallied(open_round, spec):
    """Four respondents' submissions at once, all into Sogndal's few cells: none waits for ever
    (the tally rows are written in key order) and none is lost."""
    municipality = Municipality.objects.get(number="4640")
    rows = synthetic_rows(
        spec=spec, municipality_id=municipality.pk, count=40, rng=random.Random(1)
    )
    errors, start = [], threading.Barrier(4)

    def submit(part):
        try:
            start.wait()
            for row in part:
                with transaction.atomic():
                    services.record_responses(
                        round_=open_round, rows=[row], source=ResponseSource.WEB
                    )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(rows[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    kept = {model.__name__: _rows(model, open_round) for model in TALLIES}
    assert sum(n for *_, n in kept["RespondentTally"]) == 40
    rebuild_tallies(round_id=open_round.pk)
    assert {model.__name__: _rows(model, open_round) for model in TALLIES} == kept


def test_tallies_that_add_up_to_the_right_total_in_the_wrong_cells_are_summed_afresh(
    filled_round, spec
):
    """Responses stored before tallies existed, then as many others deleted: the totals agree,
    the cells do not. Publication must notice and sum the answers."""
    for model in TALLIES:
        model.objects.filter(round=filled_round).delete()
    _add(filled_round, spec, 20, 11, number="1506")
    Response.objects.filter(round=filled_round, municipality__number="1506").delete()
    sogndal = Response.objects.filter(round=filled_round, municipality__number="4640")
    sogndal.filter(pk__in=list(sogndal.order_by("pk").values_list("pk", flat=True)[:100])).delete()

    publish_round(round_=filled_round)

    published = {
        p.municipality.number: p.respondents
        for p in snapshot.PublishedMunicipality.objects.filter(round=filled_round)
    }
    assert published == {"4640": 20, "1506": 0}
    by_kommune = {}
    for cell in snapshot.RespondentCell.objects.filter(round=filled_round):
        by_kommune[cell.municipality_id] = by_kommune.get(cell.municipality_id, 0) + cell.n
    assert by_kommune == {Municipality.objects.get(number="4640").pk: 20}


def test_units_keep_their_place_when_the_kommune_left_the_round_before_publication(
    filled_round, sogndal_units
):
    from assessment.models import Participation

    Participation.objects.filter(round=filled_round, municipality__number="4640").delete()

    publish_round(round_=filled_round)

    heim = sogndal_units["heim"]
    paths = set(
        snapshot.RespondentCell.objects.filter(round=filled_round, unit_id=heim.pk).values_list(
            "unit_path", flat=True
        )
    )
    assert paths == {heim.path}


def test_tally_keys_leave_no_trace_of_the_order_cells_got_their_first_answer(open_round, spec):
    """Like the responses' keys: a cell whose only respondent is one person must not tell, by
    its key, who answered before whom."""
    order: list[int] = []
    for seed in range(40):
        before = set(RespondentTally.objects.values_list("pk", flat=True))
        _add(open_round, spec, 1, seed, number=random.Random(seed).choice(["4640", "1506"]))
        order += sorted(set(RespondentTally.objects.values_list("pk", flat=True)) - before)
    assert len(order) >= 8
    assert order != sorted(order)
    assert all(0 < key < 2**63 for key in order)


def test_psychometrics_whose_task_never_ran_are_flagged_and_caught_up_by_the_daily_job(
    filled_round, users, settings
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    publication = publish_round(round_=filled_round)
    ks = Client()
    ks.force_login(users["ks"])
    url = reverse("reports:psychometrics", kwargs={"slug": filled_round.slug})
    assert "db_worker" not in ks.get(url).content.decode()
    type(filled_round).objects.filter(pk=filled_round.pk).update(
        published_at=timezone.now() - timedelta(hours=2)
    )
    assert "db_worker" in ks.get(url).content.decode()

    call_command("publish_due_rounds", stdout=io.StringIO())  # no worker: the cron job

    assert Psychometrics.objects.filter(publication=publication).exists()
    assert "db_worker" not in ks.get(url).content.decode()
