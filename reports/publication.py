"""Publication: a round's answers summed once into the snapshot cells (domain.md §6).

Each INSERT … SELECT below is one GROUP BY in the database; nothing loops over answers in Python.
The round row is locked for the whole publication, and every write path for answers takes a
shared lock on it first (assessment.services.lock_round_for_answers), so no answer can slip in
between the sums and the mark that the round is published.
"""

import logging
import time

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assessment.models import Round
from assessment.services import purge_round_personal_data

from .models import Psychometrics, Publication
from .psychometrics import compute_psychometrics
from .publication_tenure import publish_tenure_cells
from .reliability import compute_alphas

logger = logging.getLogger(__name__)

_CELL_COLUMNS = "round_id, municipality_id, staff_group_id, sector_id, unit_id, unit_path"

# 1. One respondent cell per kommune × staff group × sector × unit.
_RESPONDENT_CELLS = f"""INSERT INTO reports_respondentcell ({_CELL_COLUMNS}, n)
    SELECT r.round_id, r.municipality_id, r.staff_group_id, r.sector_id, r.unit_id,
        COALESCE(u.path, ''), COUNT(*)
    FROM assessment_response r LEFT JOIN municipalities_orgunit u ON u.id = r.unit_id
    WHERE r.round_id = %s
    GROUP BY r.round_id, r.municipality_id, r.staff_group_id, r.sector_id, r.unit_id, u.path"""

# 2. Each response's cell, as an integer: the sums over millions of answers then group by small
# integers instead of by text columns.
_CELL_MAP = """CREATE TEMPORARY TABLE publication_cell_map AS
    SELECT r.id AS response_id, c.id AS cell_id
    FROM assessment_response r
    JOIN reports_respondentcell c
        ON c.round_id = r.round_id AND c.municipality_id = r.municipality_id
        AND c.staff_group_id = r.staff_group_id AND c.sector_id = r.sector_id
        AND COALESCE(c.unit_id, 0) = COALESCE(r.unit_id, 0)
    WHERE r.round_id = %s"""


def _per_cell(table: str, columns: str, select: str, source: str, group: str) -> str:
    """INSERT the sums of `source` per response cell, with the cell's own columns."""
    return f"""INSERT INTO {table} ({_CELL_COLUMNS}, {columns})
    SELECT c.round_id, c.municipality_id, c.staff_group_id, c.sector_id, c.unit_id,
        c.unit_path, {", ".join("g." + col.strip() for col in columns.split(","))}
    FROM (SELECT m.cell_id, {select}
          FROM {source} x JOIN publication_cell_map m ON m.response_id = x.response_id
          GROUP BY m.cell_id, {group}) g
    JOIN reports_respondentcell c ON c.id = g.cell_id"""


_STATEMENTS = (
    _per_cell(
        "reports_scorecell",
        "kind, code, n, total, sum_sq",
        "x.kind, x.code, COUNT(*) AS n, SUM(x.value) AS total, SUM(x.value * x.value) AS sum_sq",
        "assessment_responsescore",
        "x.kind, x.code",
    ),
    _per_cell(
        "reports_itemcell",
        "item_id, n1, n2, n3, n4, n5, dont_know, not_relevant",
        "x.item_id, "
        + ", ".join(f"SUM(CASE WHEN x.value = {v} THEN 1 ELSE 0 END) AS n{v}" for v in range(1, 6))
        + ", SUM(CASE WHEN x.value IS NULL AND NOT x.not_relevant THEN 1 ELSE 0 END) AS dont_know"
        + ", SUM(CASE WHEN x.not_relevant THEN 1 ELSE 0 END) AS not_relevant",
        "assessment_answer",
        "x.item_id",
    ),
    _per_cell(
        "reports_choicecell",
        "option_id, n",
        "x.option_id, COUNT(*) AS n",
        "assessment_responsechoice",
        "x.option_id",
    ),
    """INSERT INTO reports_publishedmunicipality
        (round_id, municipality_id, size_class, county_number, respondents, headcount)
    SELECT p.round_id, p.municipality_id, m.size_class, m.county_number,
        COALESCE((SELECT SUM(c.n) FROM reports_respondentcell c
                  WHERE c.round_id = p.round_id AND c.municipality_id = p.municipality_id), 0),
        COALESCE((SELECT SUM(h.count) FROM assessment_headcount h
                  WHERE h.participation_id = p.id), 0)
    FROM assessment_participation p
    JOIN municipalities_municipality m ON m.id = p.municipality_id
    WHERE p.round_id = %s""",
    """INSERT INTO reports_municipalityscore
        (round_id, municipality_id, size_class, county_number, kind, code, n, total, sum_sq)
    SELECT c.round_id, c.municipality_id, pm.size_class, pm.county_number, c.kind, c.code,
        SUM(c.n), SUM(c.total), SUM(c.sum_sq)
    FROM reports_scorecell c
    JOIN reports_publishedmunicipality pm
        ON pm.round_id = c.round_id AND pm.municipality_id = c.municipality_id
    WHERE c.round_id = %s
    GROUP BY c.round_id, c.municipality_id, pm.size_class, pm.county_number, c.kind, c.code""",
    """INSERT INTO reports_publishedunit (round_id, unit_id, municipality_id, sector_id, name, path)
    SELECT %s, u.id, u.municipality_id, u.sector_id, u.name, u.path
    FROM municipalities_orgunit u
    WHERE u.municipality_id IN
        (SELECT municipality_id FROM assessment_participation WHERE round_id = %s)""",
)

# Tables that the following statements read, analysed right after they are filled.
_ANALYZE_AFTER = (
    "INSERT INTO reports_scorecell",
    "INSERT INTO reports_publishedmunicipality",
)


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
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            # For this transaction only: the GROUP BYs over millions of answers sort or hash in
            # memory instead of spilling to disk with the default 4 MB.
            cursor.execute("SET LOCAL work_mem = '128MB'")
            # Each statement runs once over millions of rows: compiling it costs more than it
            # saves here.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute("DROP TABLE IF EXISTS publication_cell_map")
        cursor.execute(_RESPONDENT_CELLS, [round_.pk])
        cursor.execute(_CELL_MAP, [round_.pk])
        cursor.execute(
            "CREATE INDEX publication_cell_map_response ON publication_cell_map (response_id)"
        )
        if postgresql:
            cursor.execute("ANALYZE reports_respondentcell")
            cursor.execute("ANALYZE publication_cell_map")
        for sql in _STATEMENTS:
            cursor.execute(sql, [round_.pk] * sql.count("%s"))
            if postgresql and sql.lstrip().startswith(_ANALYZE_AFTER):
                # The cell tables were just filled: without fresh statistics the planner takes
                # them for empty and joins them by nested loops (seconds instead of milliseconds).
                cursor.execute(f"ANALYZE {sql.split()[2]}")
        publish_tenure_cells(cursor, round_.pk)
        cursor.execute(
            "SELECT COALESCE(SUM(respondents), 0), COUNT(*) FROM reports_publishedmunicipality "
            "WHERE round_id = %s AND respondents > 0",
            [round_.pk],
        )
        respondents, municipalities = cursor.fetchone()
        cursor.execute("DROP TABLE publication_cell_map")
    publication.respondents = respondents
    publication.municipalities = municipalities
    publication.reliability = compute_alphas(round_)
    publication.save()
    Psychometrics.objects.create(publication=publication, **compute_psychometrics(round_))
    return publication


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
