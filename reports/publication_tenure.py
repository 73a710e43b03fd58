"""Publication of the tenure cells (ansiennitet), beside the other cells of reports.publication:
two GROUP BYs in the database. Kept apart so a migration can fill them for rounds published
before they existed (the answers of a published round never change)."""

TENURE_STATEMENTS = (
    """INSERT INTO reports_tenurecell (round_id, municipality_id, tenure, n)
    SELECT r.round_id, r.municipality_id, r.tenure, COUNT(*)
    FROM assessment_response r
    WHERE r.round_id = %s
    GROUP BY r.round_id, r.municipality_id, r.tenure""",
    """INSERT INTO reports_tenurescorecell
        (round_id, municipality_id, tenure, code, n, total, sum_sq)
    SELECT r.round_id, r.municipality_id, r.tenure, s.code,
        COUNT(*), SUM(s.value), SUM(s.value * s.value)
    FROM assessment_responsescore s JOIN assessment_response r ON r.id = s.response_id
    WHERE r.round_id = %s AND s.kind = 1
    GROUP BY r.round_id, r.municipality_id, r.tenure, s.code""",
)


def publish_tenure_cells(cursor, round_id: int) -> None:
    for sql in TENURE_STATEMENTS:
        cursor.execute(sql, [round_id])
