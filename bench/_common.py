"""Shared set-up for the benchmark scripts: environment, the benchmark database and its data.

Everything here talks only to the local PostgreSQL (127.0.0.1:5432, user postgres) and Redis
(127.0.0.1:6379, database 13 by default, so `cache.clear()` flushes nothing of anyone else's).
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DB", "innovasjonsradar_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
SECRET = "bench-only-secret-key-0123456789-not-for-production"

NATIONAL_SLUG = "bench-national"  # the 200 000-response round (357 × 560)
SMALL_SLUG = "bench-national-50k"  # the 50 000-response round (357 × 140), for flatness
PER_MUNICIPALITY = int(os.environ.get("BENCH_PER_MUNICIPALITY", "560"))
SMALL_PER_MUNICIPALITY = int(os.environ.get("BENCH_SMALL_PER_MUNICIPALITY", "140"))
# The cells are views over the tallies (reports/models/snapshot.py): deleting the publication
# hides them, and the tallies stay as the open round has them.
SNAPSHOT_TABLES = (
    "reports_psychometrics",
    "reports_municipalityscore",
    "reports_publishedmunicipality",
    "reports_publishedunit",
    "reports_publication",
)
SEED = 2026
COORDINATOR_NUMBER = "4640"  # Sogndal, the kommune of the kommune report
UNITS = [
    ("helse_omsorg", "Hjemmetjenesten"),
    ("helse_omsorg", "Sykehjemmet"),
    ("oppvekst", "Skolene"),
    ("oppvekst", "Barnehagene"),
    ("teknisk", "Teknisk drift"),
    ("nav_sosial", "NAV"),
    ("administrasjon", "Rådhuset"),
    ("kultur", "Kulturtjenesten"),
]


def bench_env() -> dict:
    """The environment every benchmark process (this one, manage.py, gunicorn) runs with."""
    return {
        "DATABASE_URL": f"{PG}/{BENCH_DB}",
        "REDIS_URL": REDIS,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "DJANGO_LOG_LEVEL": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
        "PYTHONPATH": str(ROOT),
    }


def setup_django() -> None:
    os.environ.update(bench_env())
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    ensure_database_exists()
    import django

    django.setup()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_database_exists() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not found:
            log(f"creating database {BENCH_DB}")
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    mem_kib = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "cpu": cpu,
        "postgresql": pg_version,
        "shared_buffers": shared_buffers,
        "python": sys.version.split()[0],
        "loadavg_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "git": git_state(),
    }


def git_state() -> str:
    """The commit measured, and how many files differed from it (others work in the same tree)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
    except OSError:
        return "unknown"
    return f"{head} + {len(changed)} modified files" if changed else head


# --- Base data -------------------------------------------------------------------------------


def ensure_base_data() -> None:
    """Migrations, the kommune register, the published instrument, org units, the national round,
    and the users the benchmarks sign in as. Idempotent and quick when already done."""
    from django.core.management import call_command
    from django.utils import timezone

    from assessment import services
    from assessment.models import Round
    from assessment.selectors import latest_published_version
    from municipalities.models import Municipality, OrgUnit, Sector
    from municipalities.services import grant_role, load_municipalities

    call_command("migrate", verbosity=0, interactive=False)
    if Municipality.objects.count() < 357:
        log("loading kommuner")
        load_municipalities()
    if latest_published_version() is None:
        log("loading and publishing the instrument")
        services.load_instrument(publish=True)
    municipalities = list(Municipality.objects.order_by("number"))
    if OrgUnit.objects.count() < len(municipalities) * len(UNITS):
        log("creating org units")
        existing = set(OrgUnit.objects.values_list("municipality_id", "name"))
        sectors = {s.code: s for s in Sector.objects.all()}
        OrgUnit.objects.bulk_create(
            OrgUnit(municipality=m, sector=sectors[code], name=name)
            for m in municipalities
            for code, name in UNITS
            if (m.pk, name) not in existing
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE municipalities_orgunit SET path = '/' || id || '/' WHERE path = ''"
            )
    today = timezone.localdate()
    for slug, name in (
        (NATIONAL_SLUG, "Benchmark: nasjonal runde"),
        (SMALL_SLUG, "Benchmark: nasjonal runde, 50 000 svar"),
    ):
        if not Round.objects.filter(slug=slug).exists():
            services.create_round(
                slug=slug,
                name=name,
                opens_on=today - timedelta(days=14),
                closes_on=today + timedelta(days=3650),
                municipality_numbers=["all"],
            )
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(username="bench-ks").exists():
        grant_role(username="bench-ks", role="ks_analyst")
    if not User.objects.filter(username="bench-koordinator").exists():
        grant_role(
            username="bench-koordinator",
            role="coordinator",
            municipality_number=COORDINATOR_NUMBER,
        )
    collectstatic()


def collectstatic() -> None:
    """The manifest static storage of DEBUG=0 needs collectstatic (into /tmp, once)."""
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        return
    log(f"collectstatic into {settings.STATIC_ROOT} (once)")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **bench_env()},
        check=True,
    )


def national_target(n_municipalities: int = 357, per: int = PER_MUNICIPALITY) -> int:
    return n_municipalities * per


def unpublish(slug: str) -> None:
    """Bench only: delete the round's snapshot and reopen it, so that the next run can measure
    its publication again (the app itself never unpublishes: published numbers never change).
    An open round has its running tallies (the app keeps them as answers arrive): rounds filled
    before tallies existed get them here, untimed, as the open round would have them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from assessment.models import Response, Round
    from assessment.services.tallies import rebuild_tallies

    round_ = Round.objects.get(slug=slug)
    with transaction.atomic(), connection.cursor() as cursor:
        for table in SNAPSHOT_TABLES:
            column = "publication_id" if table == "reports_psychometrics" else "round_id"
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [round_.pk])
        cursor.execute(
            "UPDATE assessment_round SET published_at = NULL, closes_on = %s WHERE id = %s",
            [timezone.localdate() + timedelta(days=3650), round_.pk],
        )
        cursor.execute(
            "SELECT COUNT(*) FROM assessment_respondenttally WHERE round_id = %s", [round_.pk]
        )
        if cursor.fetchone()[0] == 0 and Response.objects.filter(round=round_).exists():
            started = time.monotonic()
            cursor.execute("SET LOCAL work_mem = '128MB'")
            rebuild_tallies(round_id=round_.pk)
            log(f"{slug}: running tallies summed afresh in {time.monotonic() - started:.0f} s")


def ensure_round_responses(slug: str, per_municipality: int, keep_published=False) -> int:
    """357 × per_municipality synthetic responses in the round (generate_responses, COPY-based),
    unless exactly that many are already there. The round is reopened (unpublished) first:
    answers go only into an open round, and every run measures the publication afresh.
    Returns the count."""
    from django.core.management import call_command

    from assessment.models import Response, Round
    from municipalities.models import Municipality

    round_ = Round.objects.get(slug=slug)
    target = national_target(Municipality.objects.count(), per_municipality)
    count = Response.objects.filter(round=round_).count()
    if keep_published and count == target and round_.published_at is not None:
        return count  # --pages-only: the last run's snapshot is measured as it is
    unpublish(slug)
    if count == target:
        return count
    if count:
        log(f"{slug} has {count} responses, not {target}: removing them")
        delete_round_responses(round_.pk)
    log(f"generating {target} responses in {slug} (generate_responses, about 10k per 10 s)")
    started = time.monotonic()
    call_command(
        "generate_responses",
        slug=slug,
        municipalities="all",
        per_municipality=per_municipality,
        seed=SEED,
    )
    log(f"generated in {time.monotonic() - started:.0f} s")
    vacuum()
    return Response.objects.filter(round=round_).count()


def ensure_national_responses(keep_published=False) -> int:
    return ensure_round_responses(NATIONAL_SLUG, PER_MUNICIPALITY, keep_published)


RESPONSE_TABLES = (
    "assessment_response",
    "assessment_responsescore",
    "assessment_answer",
    "assessment_responsechoice",
)


def vacuum() -> None:
    """VACUUM ANALYZE the response tables, so the rows a benchmark wrote and deleted leave no
    dead tuples behind (otherwise autovacuum of a 1 GB table runs during the next measurement)."""
    from django.db import connection

    from assessment.services.tallies import TALLY_TABLES

    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in (
            RESPONSE_TABLES
            + SNAPSHOT_TABLES
            + TALLY_TABLES
            + ("assessment_draft", "django_session")
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    log(f"VACUUM ANALYZE of the response tables: {time.monotonic() - started:.0f} s")


def delete_round_responses(round_id: int) -> None:
    """Raw deletes (the ORM's cascade would load every answer into Python)."""
    from django.db import connection, transaction

    from assessment.services.tallies import TALLY_TABLES

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("assessment_answer", "assessment_responsescore", "assessment_responsechoice"):
            cursor.execute(
                f"DELETE FROM {table} t USING assessment_response r "
                "WHERE t.response_id = r.id AND r.round_id = %s",
                [round_id],
            )
        cursor.execute("DELETE FROM assessment_response WHERE round_id = %s", [round_id])
        for table in TALLY_TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE round_id = %s", [round_id])


def drop_round(slug: str) -> None:
    from assessment.models import Round

    round_ = Round.objects.filter(slug=slug).first()
    if round_ is None:
        return
    delete_round_responses(round_.pk)
    unpublish(slug)
    Round.objects.filter(pk=round_.pk).delete()


def fresh_open_round(slug: str, name: str):
    """A new open round with every kommune, for writes that must not touch the national round."""
    from django.utils import timezone

    from assessment import services

    drop_round(slug)
    today = timezone.localdate()
    return services.create_round(
        slug=slug,
        name=name,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        municipality_numbers=["all"],
    )


def ratio(value: float, floor: float) -> float:
    return value / floor if floor else float("inf")


def print_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """Rows as a Markdown table; columns are (key, header, format)."""
    header = "| " + " | ".join(h for _k, h, _f in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    lines = [header, rule]
    for row in rows:
        cells = []
        for key, _h, fmt in columns:
            value = row.get(key)
            cells.append("" if value is None else format(value, fmt) if fmt else str(value))
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text, flush=True)
    return text
