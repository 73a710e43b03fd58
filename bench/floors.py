"""The floors and the reference SQL: hand-written statements over the raw answers of a round.

FLOOR_SQL is the one floor every ratio is taken against: a single aggregate over the response
scores of the round, GROUP BY kommune × dimension, i.e. what computing the comparison live would
cost at the very least. BENCHMARK_SQL and REPORT_SQL return every number the comparison and the
kommune report show, for the agreement checks (bench/agreement.py)."""

FLOOR_SQL = """
SELECT r.municipality_id, s.code, AVG(s.value), COUNT(*), STDDEV_SAMP(s.value)
FROM assessment_responsescore s
JOIN assessment_response r ON r.id = s.response_id
WHERE r.round_id = %(round)s AND s.kind = 1
GROUP BY r.municipality_id, s.code
"""

BENCHMARK_SQL = """
SELECT r.municipality_id, s.code, AVG(s.value), COUNT(*), STDDEV_SAMP(s.value)
FROM assessment_responsescore s
JOIN assessment_response r ON r.id = s.response_id
WHERE r.round_id = %(round)s AND s.kind = 1
GROUP BY GROUPING SETS ((r.municipality_id, s.code), (s.code))
UNION ALL
SELECT municipality_id, NULL, NULL, COUNT(*), NULL
FROM assessment_response WHERE round_id = %(round)s
GROUP BY municipality_id
"""

# Everything the kommune report shows, in one statement: national and peer-group means (one scan
# of the round), the kommune's dimension and trait scores overall and per staff group, sector and
# unit, its respondent counts per group, statement distributions and barrier/promoter choices.
REPORT_SQL = """
WITH nat AS (
  SELECT s.code,
         AVG(s.value) AS m, COUNT(*) AS n, STDDEV_SAMP(s.value) AS sd,
         AVG(s.value) FILTER (WHERE mu.size_class = %(size)s) AS pm,
         COUNT(*) FILTER (WHERE mu.size_class = %(size)s) AS pn,
         STDDEV_SAMP(s.value) FILTER (WHERE mu.size_class = %(size)s) AS psd
  FROM assessment_responsescore s
  JOIN assessment_response r ON r.id = s.response_id
  JOIN municipalities_municipality mu ON mu.id = r.municipality_id
  WHERE r.round_id = %(round)s AND s.kind = 1
  GROUP BY s.code
),
k AS (
  SELECT r.staff_group_id, r.sector_id, r.unit_id, s.kind, s.code, s.value
  FROM assessment_responsescore s
  JOIN assessment_response r ON r.id = s.response_id
  WHERE r.round_id = %(round)s AND r.municipality_id = %(m)s
)
SELECT 'national' AS part, NULL AS k1, NULL AS k2, code, m, n, sd FROM nat
UNION ALL SELECT 'peer', NULL, NULL, code, pm, pn, psd FROM nat
UNION ALL
SELECT CASE WHEN GROUPING(staff_group_id) = 0 THEN 'staff_group'
            WHEN GROUPING(sector_id) = 0 THEN 'sector'
            WHEN GROUPING(unit_id) = 0 THEN 'unit' ELSE 'kommune' END,
       COALESCE(staff_group_id, sector_id, unit_id::text), kind::text, code,
       AVG(value), COUNT(*), STDDEV_SAMP(value)
FROM k
GROUP BY GROUPING SETS ((kind, code), (kind, staff_group_id, code), (kind, sector_id, code),
                        (kind, unit_id, code))
UNION ALL
SELECT CASE WHEN GROUPING(staff_group_id) = 0 THEN 'count_staff_group'
            WHEN GROUPING(unit_id) = 0 THEN 'count_unit'
            WHEN GROUPING(sector_id) = 0 THEN 'count_sector' ELSE 'count' END,
       COALESCE(staff_group_id, sector_id), unit_id::text, NULL, NULL, COUNT(*), NULL
FROM assessment_response
WHERE round_id = %(round)s AND municipality_id = %(m)s
GROUP BY GROUPING SETS ((), (staff_group_id), (sector_id), (sector_id, unit_id))
UNION ALL
SELECT 'item', a.item_id::text, a.value::text, NULL, NULL, COUNT(*), NULL
FROM assessment_answer a JOIN assessment_response r ON r.id = a.response_id
WHERE r.round_id = %(round)s AND r.municipality_id = %(m)s
GROUP BY a.item_id, a.value
UNION ALL
SELECT 'choice', c.option_id::text, r.staff_group_id, NULL, NULL, COUNT(*), NULL
FROM assessment_responsechoice c JOIN assessment_response r ON r.id = c.response_id
WHERE r.round_id = %(round)s AND r.municipality_id = %(m)s
GROUP BY c.option_id, r.staff_group_id
"""


def run_sql(sql: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
