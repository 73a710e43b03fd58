"""The published cells become views over the rounds' running tallies (assessment 0008).

Published rounds whose cells were tables get tallies from those cells (the same numbers), then the
cell tables go and views of the same names and columns take their place. A view shows a round's
tallies only once the round has a `Publication`, with each unit's path as it was published."""

from django.db import migrations

_CELL = "round_id, municipality_id, staff_group_id, sector_id"


def _cells_into_tallies(cell: str, tally: str, columns: str) -> str:
    return f"""INSERT INTO {tally} ({_CELL}, unit_key, {columns})
    SELECT {_CELL}, COALESCE(unit_id, 0), {columns} FROM {cell} c
    WHERE NOT EXISTS (SELECT 1 FROM {tally} t WHERE t.round_id = c.round_id)"""


def _view(cell: str, tally: str, columns: str) -> str:
    return f"""CREATE VIEW {cell} AS
    SELECT t.id, t.round_id, t.municipality_id, t.staff_group_id, t.sector_id,
        NULLIF(t.unit_key, 0) AS unit_id, COALESCE(u.path, '') AS unit_path,
        {", ".join("t." + c.strip() for c in columns.split(","))}
    FROM {tally} t
    JOIN reports_publication p ON p.round_id = t.round_id
    LEFT JOIN reports_publishedunit u ON u.round_id = t.round_id AND u.unit_id = t.unit_key"""


_CELLS = (
    ("reports_respondentcell", "assessment_respondenttally", "n"),
    ("reports_scorecell", "assessment_scoretally", "kind, code, n, total, sum_sq"),
    (
        "reports_itemcell",
        "assessment_itemtally",
        "item_id, n1, n2, n3, n4, n5, dont_know, not_relevant",
    ),
    ("reports_choicecell", "assessment_choicetally", "option_id, n"),
)

_TENURE_INTO_TALLIES = (
    """INSERT INTO assessment_tenuretally
        (round_id, municipality_id, tenure, code, n, total, sum_sq)
    SELECT round_id, municipality_id, tenure, '', n, 0, 0 FROM reports_tenurecell c
    WHERE NOT EXISTS (SELECT 1 FROM assessment_tenuretally t WHERE t.round_id = c.round_id)""",
    """INSERT INTO assessment_tenuretally
        (round_id, municipality_id, tenure, code, n, total, sum_sq)
    SELECT round_id, municipality_id, tenure, code, n, total, sum_sq FROM reports_tenurescorecell c
    WHERE NOT EXISTS (SELECT 1 FROM assessment_tenuretally t
                      WHERE t.round_id = c.round_id AND t.code <> '')""",
)

_TENURE_VIEWS = (
    """CREATE VIEW reports_tenurecell AS
    SELECT t.id, t.round_id, t.municipality_id, t.tenure, t.n
    FROM assessment_tenuretally t JOIN reports_publication p ON p.round_id = t.round_id
    WHERE t.code = ''""",
    """CREATE VIEW reports_tenurescorecell AS
    SELECT t.id, t.round_id, t.municipality_id, t.tenure, t.code, t.n, t.total, t.sum_sq
    FROM assessment_tenuretally t JOIN reports_publication p ON p.round_id = t.round_id
    WHERE t.code <> ''""",
)

FORWARD = (
    [_cells_into_tallies(*cell) for cell in _CELLS]
    + list(_TENURE_INTO_TALLIES)
    + [f"DROP TABLE {cell}" for cell, _, _ in _CELLS]
    + ["DROP TABLE reports_tenurecell", "DROP TABLE reports_tenurescorecell"]
    + [_view(*cell) for cell in _CELLS]
    + list(_TENURE_VIEWS)
)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_merge_20261202_1327"),
        ("assessment", "0008_running_tallies"),
    ]

    operations = [
        *(
            migrations.AlterModelOptions(name=name, options={"managed": False})
            for name in (
                "choicecell",
                "itemcell",
                "respondentcell",
                "scorecell",
                "tenurecell",
                "tenurescorecell",
            )
        ),
        migrations.RunSQL(FORWARD),
    ]
