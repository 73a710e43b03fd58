"""The foundation: settings from the environment, the kommune register, roles and tenancy,
the base page and static assets served from our own files."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404

from municipalities.models import Membership, Municipality, Role, Sector, SizeClass, StaffGroup
from municipalities.selectors import (
    get_access_for_user,
    get_municipality_for_coordinator,
    get_municipality_for_user,
    get_report_scope_for_user,
)
from municipalities.services import grant_role
from tests.helpers import ALL_STAFF_GROUPS, SECTORS

ROOT = Path(settings.BASE_DIR)


def _settings_in_subprocess(
    env: dict, code: str = "from django.conf import settings; print(settings.MIN_GROUP_SIZE)"
):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("MIN_GROUP_SIZE", "DATABASE_URL", "REDIS_URL")
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _settings_in_subprocess({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_min_group_size_can_never_be_below_three():
    result = _settings_in_subprocess({"DJANGO_DEBUG": "1", "MIN_GROUP_SIZE": "2"})
    assert result.returncode != 0
    assert "MIN_GROUP_SIZE" in result.stderr
    ok = _settings_in_subprocess({"DJANGO_DEBUG": "1", "MIN_GROUP_SIZE": "7"})
    assert ok.stdout.strip() == "7"


def test_production_settings_are_hardened_and_database_url_selects_postgres():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.SECURE_PROXY_SSL_HEADER[0], s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE)"
    )
    result = _settings_in_subprocess(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
        },
        code,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
        "django.db.backends.postgresql",
        "Europe/Oslo",
        "nb",
    ]


def test_default_database_is_a_sqlite_file_inside_the_project():
    result = _settings_in_subprocess(
        {"DJANGO_DEBUG": "1"},
        "from django.conf import settings as s; print(s.DATABASES['default']['NAME'])",
    )
    assert result.stdout.strip() == str(ROOT / "db.sqlite3")


@pytest.mark.django_db
def test_load_municipalities_gives_357_twice_in_a_row():
    call_command("load_municipalities", stdout=io.StringIO())
    call_command("load_municipalities", stdout=io.StringIO())
    assert Municipality.objects.count() == 357
    oslo = Municipality.objects.get(number="0301")
    assert oslo.size_class == SizeClass.FROM_50K
    assert Municipality.objects.get(number="4640").default_language == "nn"


@pytest.mark.django_db
def test_load_municipalities_updates_changed_rows(tmp_path):
    call_command("load_municipalities", stdout=io.StringIO())
    source = (ROOT / "municipalities" / "data" / "kommuner-2025.csv").read_text(encoding="utf-8")
    changed = source.replace(
        "4640,Sogndal,46,Vestland,Sogndalsfjøra,12319",
        "4640,Sogndal,46,Vestland,Sogndalsfjøra,4999",
    )
    path = tmp_path / "k.csv"
    path.write_text(changed, encoding="utf-8")
    call_command("load_municipalities", str(path), stdout=io.StringIO())
    sogndal = Municipality.objects.get(number="4640")
    assert Municipality.objects.count() == 357
    assert (sogndal.population, sogndal.size_class) == (4999, SizeClass.UNDER_5K)


@pytest.mark.parametrize(
    "population, expected",
    [
        (0, "under_5000"),
        (4999, "under_5000"),
        (5000, "5000_19999"),
        (19999, "5000_19999"),
        (20000, "20000_49999"),
        (49999, "20000_49999"),
        (50000, "50000_plus"),
    ],
)
def test_size_class_boundaries(population, expected):
    assert SizeClass.for_population(population) == expected


def test_fixed_national_lists_have_the_agreed_codes(municipalities):
    assert list(StaffGroup.objects.values_list("code", flat=True)) == list(ALL_STAFF_GROUPS)
    assert list(Sector.objects.values_list("code", flat=True)) == list(SECTORS)


@pytest.mark.django_db
def test_grant_role_command_creates_user_without_usable_password(municipalities):
    call_command(
        "grant_role", "kari", "coordinator", "--municipality", "4640", stdout=io.StringIO()
    )
    membership = Membership.objects.get(user__username="kari")
    assert membership.role == Role.COORDINATOR
    assert membership.municipality.number == "4640"
    assert not membership.user.has_usable_password()
    call_command(
        "grant_role", "kari", "coordinator", "--municipality", "4640", stdout=io.StringIO()
    )
    assert Membership.objects.filter(user__username="kari").count() == 1


@pytest.mark.django_db
def test_grant_role_refuses_bad_input_with_norwegian_messages(municipalities):
    with pytest.raises(ValidationError, match="må ha en kommune"):
        grant_role(username="a", role="coordinator")
    with pytest.raises(ValidationError, match="Fant ingen kommune"):
        grant_role(username="a", role="coordinator", municipality_number="9999")
    with pytest.raises(ValidationError, match="Ukjent rolle"):
        grant_role(username="a", role="sjef")
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_tenancy_helpers_scope_to_the_users_kommune(users, sogndal_units):
    coordinator_a, coordinator_b = users["coordinator_a"], users["coordinator_b"]
    assert get_municipality_for_user(coordinator_a, "4640").number == "4640"
    with pytest.raises(Http404):
        get_municipality_for_user(coordinator_b, "4640")
    with pytest.raises(Http404):
        get_municipality_for_coordinator(users["unit_leader"], "4640")
    with pytest.raises(Http404):
        get_municipality_for_user(users["no_role"], "4640")
    assert get_municipality_for_user(users["ks"], "4640").number == "4640"
    sogndal = Municipality.objects.get(number="4640")
    scope = get_report_scope_for_user(users["unit_leader"], sogndal)
    assert scope.unit == sogndal_units["heim"]
    assert get_report_scope_for_user(coordinator_a, sogndal).is_whole
    assert get_access_for_user(users["ks"]).is_national


@pytest.mark.django_db
def test_start_page_explains_the_product_and_has_landmarks(client):
    html = client.get("/").content.decode()
    assert "Innovasjonsradar" in html
    assert 'class="visually-hidden-focusable skip-link" href="#main"' in html
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in html
    assert 'name="language"' in html


@pytest.mark.django_db
def test_login_page_is_norwegian_and_a_demo_user_can_log_in(client, municipalities):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="kari", password="et-langt-passord-123")
    page = client.get("/konto/logg-inn/").content.decode()
    assert "Logg inn" in page and "Passord" in page
    response = client.post(
        "/konto/logg-inn/", {"username": "kari", "password": "et-langt-passord-123"}
    )
    assert response.status_code == 302
    assert "Velkommen, kari" in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/").content.decode().count('lang="en"') == 1


EXTERNAL = re.compile(
    r"https?://(?!127\.0\.0\.1|localhost|www\.w3\.org|json-schema\.org)[a-z0-9.-]+\.[a-z]{2,}", re.I
)


def test_no_template_or_own_static_file_references_an_external_host():
    offenders = []
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if (
                path.is_file()
                and "vendor" not in path.parts
                and path.suffix in {".html", ".js", ".css", ".txt"}
            ):
                for match in EXTERNAL.finditer(path.read_text(encoding="utf-8")):
                    offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_the_wsgi_module_loads_every_view_and_freezes_what_was_loaded():
    import gc
    import importlib
    import sys

    import config.wsgi

    gc.unfreeze()
    try:
        importlib.reload(config.wsgi)
        assert gc.get_freeze_count() > 10_000
        assert {"reports.round_views", "reports.export_views", "assessment.views"} <= set(
            sys.modules
        )
    finally:
        gc.unfreeze()


def test_no_template_line_of_table_markup_is_over_300_characters():
    """Table rows are written a cell or a few cells to a line, so a reviewer can read them."""
    long_rows = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > 300 and re.search(r"<t[rdh][\s>]", line)
    ]
    assert long_rows == []


@pytest.mark.django_db
def test_bootstrap_and_plotly_are_served_from_our_static_files(client):
    import plotly
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    plotly_js = finders.find("vendor/plotly/plotly.min.js")
    assert plotly_js and Path(plotly_js).read_bytes()[:2000].decode("utf-8", "ignore")
    assert Path(plotly_js).parent == Path(plotly.__file__).parent / "package_data"


def test_start_page_lists_only_the_users_own_kommune_and_its_rounds(client, open_round, users):
    client.force_login(users["coordinator_a"])
    html = client.get("/").content.decode()
    assert "Sogndal" in html and "Runde 2026" in html
    assert "Molde" not in html
    client.force_login(users["ks"])
    html = client.get("/").content.decode()
    assert "Sammenligning av kommunene i Runde 2026" in html
