"""Publication: a round's answers turned once into the snapshot cells (domain.md §6).

The answers were summed per cell as they arrived (assessment.services.tallies). The published
cells are views over those tallies that show a round only once it has a `Publication`
(reports/models/snapshot.py), so publishing copies nothing: it writes the `Publication`, the
units as they stand (names and paths) and the per-kommune rows derived from the tallies, a few
thousand rows, and never reads the ten million answers. Then it runs the disclosure rules of
the comparison across kommuner once on those rows and stores what each viewer may see
(reports.comparison_snapshot). The round row is locked for the whole
publication, and every write path for answers takes a shared lock on it first
(lock_round_for_answers), so no answer can slip in between the sums and the mark that the round
is published, and no tally of a published round changes again.

Reliability and psychometrics need the answers themselves (a sample of them): they are computed
right after, by a queued task (`complete_publication`), and shown from then on.
"""

import logging
import time

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

from assessment.models import Round
from assessment.services import purge_round_personal_data
from assessment.services.tallies import rebuild_tallies

from .comparison_snapshot import store_comparison
from .models import Psychometrics, Publication
from .psychometrics import compute_psychometrics
from .reliability import compute_alphas
from .tasks import complete_publication_task

logger = logging.getLogger(__name__)

_STATEMENTS = (
    """INSERT INTO reports_publishedmunicipality
        (round_id, municipality_id, size_class, county_number, respondents, headcount)
    SELECT p.round_id, p.municipality_id, m.size_class, m.county_number,
        COALESCE((SELECT SUM(t.n) FROM assessment_respondenttally t
                  WHERE t.round_id = p.round_id AND t.municipality_id = p.municipality_id), 0),
        COALESCE((SELECT SUM(h.count) FROM assessment_headcount h
                  WHERE h.participation_id = p.id), 0)
    FROM assessment_participation p
    JOIN municipalities_municipality m ON m.id = p.municipality_id
    WHERE p.round_id = %s""",
    """INSERT INTO reports_municipalityscore
        (round_id, municipality_id, size_class, county_number, kind, code, n, total, sum_sq)
    SELECT t.round_id, t.municipality_id, pm.size_class, pm.county_number, t.kind, t.code,
        SUM(t.n), SUM(t.total), SUM(t.sum_sq)
    FROM assessment_scoretally t
    JOIN reports_publishedmunicipality pm
        ON pm.round_id = t.round_id AND pm.municipality_id = t.municipality_id
    WHERE t.round_id = %s
    GROUP BY t.round_id, t.municipality_id, pm.size_class, pm.county_number, t.kind, t.code""",
    """INSERT INTO reports_publishedunit (round_id, unit_id, municipality_id, sector_id, name, path)
    SELECT %s, u.id, u.municipality_id, u.sector_id, u.name, u.path
    FROM municipalities_orgunit u
    WHERE u.municipality_id IN
        (SELECT municipality_id FROM assessment_participation WHERE round_id = %s)
    OR u.id IN (SELECT unit_key FROM assessment_respondenttally WHERE round_id = %s)""",
)

# The tallies hold exactly the round's responses, cell by cell (a GROUP BY over the round's
# responses, not its answers). Anything else (answers stored before tallies existed, responses
# deleted, a unit deleted while the round was open, which moves its responses to «no unit») and
# publication sums the round afresh from its answers.
_TALLIES_MATCH = """SELECT NOT EXISTS (
    SELECT municipality_id, staff_group_id, sector_id, COALESCE(unit_id, 0), COUNT(*)
    FROM assessment_response WHERE round_id = %s
    GROUP BY municipality_id, staff_group_id, sector_id, COALESCE(unit_id, 0)
    EXCEPT
    SELECT municipality_id, staff_group_id, sector_id, unit_key, n
    FROM assessment_respondenttally WHERE round_id = %s
) AND NOT EXISTS (
    SELECT municipality_id, staff_group_id, sector_id, unit_key, n
    FROM assessment_respondenttally WHERE round_id = %s
    EXCEPT
    SELECT municipality_id, staff_group_id, sector_id, COALESCE(unit_id, 0), COUNT(*)
    FROM assessment_response WHERE round_id = %s
    GROUP BY municipality_id, staff_group_id, sector_id, COALESCE(unit_id, 0)
)"""


def publish_round(*, round_: Round, now=None) -> Publication:
    """Close the round (now, if it is still open) and publish its results. Publishing twice
    returns the first publication: published numbers never change."""
    now = now or timezone.now()
    started = time.monotonic()
    try:
        with transaction.atomic():
            locked = Round.objects.select_for_update().get(pk=round_.pk)
            existing = Publication.objects.filter(round=locked).first()
            if existing is not None:
                return existing
            today = timezone.localdate(now)
            if locked.closes_on >= today:
                # Closed early: the round ends today (or on its first day, if it never opened).
                locked.closes_on = max(locked.opens_on, today)
            locked.min_group_size = locked.effective_min_group_size
            locked.published_at = now
            locked.save(update_fields=["closes_on", "min_group_size", "published_at"])
            publication = _compute(locked, now)
            purge_round_personal_data(round_=locked)
            _complete_later(locked.pk)
    except IntegrityError:
        # Another process published the same round at the same moment; theirs stands.
        return Publication.objects.get(round_id=round_.pk)
    round_.closes_on, round_.published_at = locked.closes_on, locked.published_at
    round_.min_group_size = locked.min_group_size
    logger.info(
        "Round %s published: %s responses, %s kommuner, %.1f s",
        locked.slug,
        publication.respondents,
        publication.municipalities,
        time.monotonic() - started,
    )
    return publication


def _compute(round_: Round, now) -> Publication:
    publication = Publication.objects.create(
        round=round_, published_at=now, respondents=0, municipalities=0
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only when the tallies must be rebuilt: the GROUP BYs over millions of answers sort
            # or hash in memory instead of spilling to disk, and are not compiled (run once).
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(_TALLIES_MATCH, [round_.pk] * 4)
        if not cursor.fetchone()[0]:
            logger.warning("Round %s: tallies rebuilt from the answers", round_.slug)
            rebuild_tallies(round_id=round_.pk)
        for sql in _STATEMENTS:
            cursor.execute(sql, [round_.pk] * sql.count("%s"))
        cursor.execute(
            "SELECT COALESCE(SUM(respondents), 0), COUNT(*) FROM reports_publishedmunicipality "
            "WHERE round_id = %s AND respondents > 0",
            [round_.pk],
        )
        respondents, municipalities = cursor.fetchone()
    publication.respondents = respondents
    publication.municipalities = municipalities
    publication.save(update_fields=["respondents", "municipalities"])
    store_comparison(round_=round_, publication=publication)
    return publication


def complete_publication(*, round_id: int) -> None:
    """The figures that need the answers themselves (reliability and psychometrics, read from a
    sample), computed once after the cells are published. Run by the task queued at
    publication, and by the commands; a second run does nothing."""
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update()
            .select_related("round__instrument")
            .filter(round_id=round_id)
            .first()
        )
        if publication is None or Psychometrics.objects.filter(publication=publication).exists():
            return
        started = time.monotonic()
        round_ = publication.round
        publication.reliability = compute_alphas(round_)
        publication.save(update_fields=["reliability"])
        Psychometrics.objects.create(publication=publication, **compute_psychometrics(round_))
    logger.info("Round %s: psychometrics in %.1f s", round_.slug, time.monotonic() - started)


def complete_pending_publications() -> list[int]:
    """Complete every publication still without its psychometrics (the worker was down or the
    task failed); returns their round ids. Run by `publish_due_rounds`, so the daily job
    catches up."""
    pending = list(
        Publication.objects.filter(psychometrics__isnull=True).values_list("round_id", flat=True)
    )
    for round_id in pending:
        complete_publication(round_id=round_id)
    return pending


def _complete_later(round_id: int) -> None:
    """With the database queue the task is stored in the publication's transaction (both or
    neither). A backend that runs tasks at once (tests) completes the publication right here,
    inside the same transaction, as if nothing were deferred."""
    if isinstance(task_backends[complete_publication_task.backend], ImmediateBackend):
        complete_publication(round_id=round_id)
    else:
        complete_publication_task.enqueue(round_id=round_id)


def publish_due_rounds(*, today=None) -> list[Publication]:
    """Publish every round whose closing date has passed (run daily from cron)."""
    today = today or timezone.localdate()
    due = Round.objects.filter(closes_on__lt=today, published_at__isnull=True).order_by("closes_on")
    return [publish_round(round_=round_) for round_ in due]


def ensure_published(round_: Round) -> bool:
    """Whether the round's results are published; a closed round not yet published is published
    first (so a page read the morning after closing does not wait for the nightly job)."""
    if round_.is_published:
        return True
    if round_.is_closed():
        publish_round(round_=round_)
        return True
    return False
