"""Keeping the running tallies of an open round (assessment.models.tallies) up to date.

Every write path calls `add_to_tallies` in the transaction that stores the responses, after
`lock_round_for_answers`, so the tallies always equal the sums of the round's answers when
publication (which locks the round for update) reads them. Each statement below is one GROUP BY
in the database over the new responses only, upserted into the tally rows; the rows are written
in key order, so concurrent submissions lock shared rows in the same order and never deadlock.

`rebuild_tallies` sums a whole round from its answers: publication calls it when the tallies do
not match the responses (a round answered before tallies existed, or responses deleted)."""

from typing import Any

from django.db import connection

_KEY = "round_id, municipality_id, staff_group_id, sector_id, unit_key"
_FROM_RESPONSE = (
    "r.round_id, r.municipality_id, r.staff_group_id, r.sector_id, COALESCE(r.unit_id, 0)"
)


def _upsert(table: str, columns: str, select: str, source: str, group: str, update: str) -> str:
    """INSERT the sums of `source` (rows of the responses chosen by {ids}) per cell, adding to
    the row that is there."""
    extra = f", {group}" if group else ""
    keys = 5 + len(group.split(",")) if group else 5
    # Summed first (hashing), then only the sums sorted into key order.
    return f"""INSERT INTO {table} ({_KEY}{", " + columns if columns else ""}, {update})
    SELECT * FROM (
        SELECT {_FROM_RESPONSE}{extra}, {select}
        FROM {source}
        WHERE r.round_id = %s AND {{ids}}
        GROUP BY {_FROM_RESPONSE}{extra}
    ) sums
    ORDER BY {", ".join(str(i) for i in range(1, keys + 1))}
    ON CONFLICT ({_KEY}{", " + columns if columns else ""}) DO UPDATE SET
    {", ".join(f"{c.strip()} = {table}.{c.strip()} + excluded.{c.strip()}" for c in update.split(","))}"""


_ITEM_COUNTS = ", ".join(f"SUM(CASE WHEN x.value = {v} THEN 1 ELSE 0 END)" for v in range(1, 6)) + (
    ", SUM(CASE WHEN x.value IS NULL AND NOT x.not_relevant THEN 1 ELSE 0 END)"
    ", SUM(CASE WHEN x.not_relevant THEN 1 ELSE 0 END)"
)

_STATEMENTS: tuple[str, ...] = (
    _upsert("assessment_respondenttally", "", "COUNT(*)", "assessment_response r", "", "n"),
    _upsert(
        "assessment_scoretally",
        "kind, code",
        "COUNT(*), SUM(x.value), SUM(x.value * x.value)",
        "assessment_responsescore x JOIN assessment_response r ON r.id = x.response_id",
        "x.kind, x.code",
        "n, total, sum_sq",
    ),
    _upsert(
        "assessment_itemtally",
        "item_id",
        _ITEM_COUNTS,
        "assessment_answer x JOIN assessment_response r ON r.id = x.response_id",
        "x.item_id",
        "n1, n2, n3, n4, n5, dont_know, not_relevant",
    ),
    _upsert(
        "assessment_choicetally",
        "option_id",
        "COUNT(*)",
        "assessment_responsechoice x JOIN assessment_response r ON r.id = x.response_id",
        "x.option_id",
        "n",
    ),
)

_TENURE = """INSERT INTO assessment_tenuretally
        (round_id, municipality_id, tenure, code, n, total, sum_sq)
    SELECT r.round_id, r.municipality_id, r.tenure, {code}, COUNT(*), {sums}
    FROM {source}
    WHERE {where}r.round_id = %s AND {{ids}}
    GROUP BY r.round_id, r.municipality_id, r.tenure{group}
    ORDER BY r.round_id, r.municipality_id, r.tenure{group}
    ON CONFLICT (round_id, municipality_id, tenure, code) DO UPDATE SET
    n = assessment_tenuretally.n + excluded.n,
    total = assessment_tenuretally.total + excluded.total,
    sum_sq = assessment_tenuretally.sum_sq + excluded.sum_sq"""

_STATEMENTS += (
    # Respondents per tenure band (code ''), then their dimension scores: tenure is shown for
    # dimensions only.
    _TENURE.format(code="''", sums="0, 0", source="assessment_response r", where="", group=""),
    _TENURE.format(
        code="x.code",
        sums="SUM(x.value), SUM(x.value * x.value)",
        source="assessment_responsescore x JOIN assessment_response r ON r.id = x.response_id",
        where="x.kind = 1 AND ",
        group=", x.code",
    ),
)

TALLY_TABLES = (
    "assessment_respondenttally",
    "assessment_scoretally",
    "assessment_itemtally",
    "assessment_choicetally",
    "assessment_tenuretally",
)


def add_to_tallies(*, round_id: int, response_ids: list[int]) -> None:
    """Add just-stored responses (and their answers, scores and choices) to the round's
    tallies. Call in the transaction that stored them."""
    if not response_ids:
        return
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL takes the ids as one array; elsewhere the IN list must fit the parameter limit.
    limit = connection.features.max_query_params or 999
    chunk_size = len(response_ids) if postgresql else limit - 1
    with connection.cursor() as cursor:
        if postgresql:
            # A batch of an import sums hundreds of thousands of answers: in memory, not on disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for sql in _STATEMENTS:
            # The ids select the responses only; their rows are found through the join, by
            # response id. (The ids on the answer side too let PostgreSQL, when its statistics
            # still count the round as empty, test every id against every answer: 15 s instead
            # of 0.14 s for a batch of 10 000.)
            for start in range(0, len(response_ids), chunk_size):
                chunk = list(response_ids[start : start + chunk_size])
                values: list[Any]
                if postgresql:
                    clause, values = "r.id = ANY(%s)", [chunk]
                else:
                    clause, values = f"r.id IN ({', '.join(['%s'] * len(chunk))})", list(chunk)
                cursor.execute(sql.format(ids=clause), [round_id, *values])
        if postgresql:
            cursor.execute("SET LOCAL work_mem TO DEFAULT")


def rebuild_tallies(*, round_id: int) -> None:
    """The round's tallies summed afresh from all its answers."""
    with connection.cursor() as cursor:
        for table in TALLY_TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [round_id])
        for sql in _STATEMENTS:
            cursor.execute(sql.format(ids="1 = 1"), [round_id])
