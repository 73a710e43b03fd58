"""How much publication time the psychometrics add (issue 13, item 5).

Run against a throwaway PostgreSQL database:
    bash .ci/postgres-test.sh .venv/bin/python bench/psychometrics_time.py [PER_KOMMUNE]
It migrates, loads the kommuner and the instrument, generates 357 × PER_KOMMUNE responses
(default 56: 19 992), publishes the round and prints the publication time and the time of
compute_psychometrics measured on its own afterwards (the task queued by publish_round runs it
once, with the alphas: `complete_publication`).
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-not-for-production")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(per_kommune: int) -> None:
    from assessment import services
    from assessment.models import Response, Round
    from reports.psychometrics import compute_psychometrics
    from reports.publication import complete_publication, publish_round

    call_command("migrate", verbosity=0)
    call_command("load_municipalities", verbosity=0)
    call_command("load_instrument", publish=True, verbosity=0)
    today = timezone.localdate()
    services.create_round(
        slug="psy-bench",
        name="Psykometri",
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=5),
        municipality_numbers=["all"],
    )
    call_command(
        "generate_responses",
        "--round=psy-bench",
        "--municipalities=all",
        f"--per-municipality={per_kommune}",
        "--seed=1",
        verbosity=0,
    )
    round_ = Round.objects.get(slug="psy-bench")
    responses = Response.objects.filter(round=round_).count()
    start = time.perf_counter()
    publish_round(round_=round_)
    publication = time.perf_counter() - start
    round_.refresh_from_db()
    start = time.perf_counter()
    complete_publication(round_id=round_.pk)
    completion = time.perf_counter() - start
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        compute_psychometrics(round_)
        runs.append(time.perf_counter() - start)
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(compute_psychometrics, round_)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(f"responses: {responses}")
    print(f"publish_round (psychometrics queued): {publication:.2f} s")
    print(f"complete_publication (alphas and psychometrics): {completion:.2f} s")
    print("compute_psychometrics alone: " + ", ".join(f"{r:.2f} s" for r in runs))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 56)
