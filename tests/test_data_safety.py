"""An export of a round re-imports with import_responses and reproduces the same scores."""

import io

import pytest
from django.core.management import call_command

from municipalities.models import Municipality
from municipalities.selectors import ReportScope
from reports.selectors import benchmark, municipality_report
from tests.factories import RoundFactory


@pytest.mark.django_db
def test_export_then_import_reproduces_the_same_scores(filled_round, tmp_path):
    path = tmp_path / "runde.csv"
    call_command(
        "export_responses",
        "--round",
        filled_round.slug,
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("municipality,staff_group,sector,unit,tenure,STR1")
    copy = RoundFactory(
        slug="kopi", name="Kopi", opens_in=-1, days=2, municipality_numbers=["4640", "1506"]
    )
    out = io.StringIO()
    call_command("import_responses", str(path), "--round", "kopi", stdout=out)
    assert "180 svar importert" in out.getvalue()
    sogndal = Municipality.objects.get(number="4640")
    original = municipality_report(filled_round, ReportScope(municipality=sogndal))
    restored = municipality_report(copy, ReportScope(municipality=sogndal))
    for field in ("dimensions", "traits", "national", "peer"):
        assert [(s.code, s.mean, s.n, s.sd) for s in getattr(original, field)] == [
            (s.code, s.mean, s.n, s.sd) for s in getattr(restored, field)
        ]
    assert [(g.key, g.respondents) for g in original.units] == [
        (g.key, g.respondents) for g in restored.units
    ]
    assert original.choices == restored.choices
    assert [(m["number"], m["respondents"]) for m in benchmark(filled_round)["municipalities"]] == [
        (m["number"], m["respondents"]) for m in benchmark(copy)["municipalities"]
    ]
