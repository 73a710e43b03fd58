"""Cronbach's alpha per dimension, computed once at publication from the answers (one SQL
statement) and stored with the publication; the method page reads the stored figures."""

from django.db import connection

from assessment.models import Round
from assessment.selectors import get_instrument_spec
from municipalities.models import StaffGroup

_ALPHA_SQL = """
SELECT d.code, i.id, a.response_id,
       CASE WHEN i.reverse THEN 6 - a.value ELSE a.value END AS score
FROM assessment_answer a
JOIN assessment_item i ON i.id = a.item_id
JOIN assessment_dimension d ON d.id = i.dimension_id
JOIN assessment_response r ON r.id = a.response_id
WHERE r.round_id = %s AND a.value IS NOT NULL
"""

_ALPHA_AGG_SQL = """
WITH s AS ({base}),
k AS (SELECT code, COUNT(DISTINCT id) AS items FROM s GROUP BY code),
complete AS (
  SELECT s.code, s.response_id, SUM(s.score) AS total
  FROM s JOIN k ON k.code = s.code
  GROUP BY s.code, s.response_id, k.items HAVING COUNT(*) = k.items
),
item_var AS (
  SELECT s.code, s.id, {var_samp} AS v
  FROM s JOIN complete c ON c.code = s.code AND c.response_id = s.response_id
  GROUP BY s.code, s.id
)
SELECT k.code, k.items,
       (SELECT SUM(v) FROM item_var WHERE item_var.code = k.code) AS sum_item_var,
       (SELECT {var_total} FROM complete WHERE complete.code = k.code) AS total_var,
       (SELECT COUNT(*) FROM complete WHERE complete.code = k.code) AS n
FROM k
"""

MIN_COMPLETE_CASES = 10
# Above this many responses, alpha is computed on a random sample of about this size (response
# keys are random, so every k-th key is a random sample): it is then precise to about ±0.005,
# and publication does not pay a second full pass over ten million answers.
ALPHA_SAMPLE = 20_000


def _var_samp(x: str) -> str:
    """Sample variance from sums, NULL below two values (SQLite's VAR_SAMP raises there)."""
    return (
        f"CASE WHEN COUNT(*) > 1 THEN (SUM({x} * {x} * 1.0) - SUM({x}) * SUM({x}) * 1.0 / COUNT(*))"
        f" / (COUNT(*) - 1) END"
    )


def compute_alphas(round_: Round) -> dict:
    """{dimension code: {"alpha", "n", "items"}} from respondents who answered every item of the
    dimension. Only statements answered by all core staff groups count as complete cases."""
    core = set(StaffGroup.objects.filter(is_optional=False).values_list("code", flat=True))
    spec = get_instrument_spec(round_.instrument)
    ids = [i.id for i in spec.items.values() if core <= i.audience] or [0]
    base = _ALPHA_SQL + f"AND i.id IN ({', '.join(['%s'] * len(ids))})\n"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM assessment_response WHERE round_id = %s", [round_.pk])
        every = -(-cursor.fetchone()[0] // ALPHA_SAMPLE)
        if every > 1:
            base += f"AND r.id %% {every} = 0\n"
        sql = _ALPHA_AGG_SQL.format(
            base=base, var_samp=_var_samp("s.score"), var_total=_var_samp("total")
        )
        no_nested_loops = connection.vendor == "postgresql" and connection.in_atomic_block
        if no_nested_loops:
            # PostgreSQL estimates the sample filter (`id % k = 0`) at 0.5 % and every CTE
            # below it at a few rows, and then joins answers to complete cases by nested loop
            # once per dimension: 10^9 comparisons, minutes at 50 000 responses. Hash joins
            # take seconds. For this statement only (SET LOCAL: inside the publication).
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, [round_.pk, *ids])
        rows = cursor.fetchall()
        if no_nested_loops:
            cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")
    result = {}
    for code, items, sum_item_var, total_var, n in rows:
        alpha = None
        if n and n >= MIN_COMPLETE_CASES and items >= 2 and total_var:
            k = int(items)
            alpha = round(k / (k - 1) * (1 - float(sum_item_var) / float(total_var)), 2)
        result[code] = {"alpha": alpha, "n": n or 0, "items": int(items)}
    return result
