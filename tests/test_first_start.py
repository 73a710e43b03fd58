"""Issue 15, first start: `make demo` prints a short summary (no raw e-mails; they go to files),
runs on another port with PORT=…, and every page has an icon (no 404 for /favicon.ico)."""

import io
import re
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from assessment.management.commands.seed_demo import Command as SeedDemo

ROOT = Path(__file__).resolve().parents[1]


def _dry_run(*args) -> str:
    """What `make` would run, without running anything (make -n)."""
    result = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_make_demo_writes_e_mails_to_files_and_follows_port():
    commands = _dry_run("demo", "PORT=8001")
    assert "runserver 127.0.0.1:8001" in commands
    assert "SITE_URL=http://127.0.0.1:8001" in commands
    assert "DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend" in commands
    assert f"DJANGO_EMAIL_FILE_PATH={ROOT}/demo-epost" in commands
    assert "migrate --noinput --verbosity 0" in commands
    assert re.search(r"seed_demo --verbosity 0\n.*publish_due_rounds\n.*seed_demo\n", commands)
    assert "runserver 127.0.0.1:8000" in _dry_run("demo")


def test_the_demo_summary_says_where_the_e_mails_went(settings, open_round, users):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = "/tmp/demo-epost"
    command = SeedDemo()
    assert command._mail_summary(None) == (
        "0 invitasjoner på e-post til Sogndal i 2027-runden: skrevet som filer til /tmp/demo-epost/."
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "sendt via localhost:25" in command._mail_summary(None)


def test_seed_demo_needs_the_registry_first_and_says_so_in_norwegian(db):
    out = io.StringIO()
    try:
        call_command("seed_demo", stdout=out)
    except Exception as exc:  # noqa: BLE001 (CommandError)
        assert "Kjør load_municipalities og load_instrument --publish først." in str(exc)
    else:
        raise AssertionError("seed_demo ran without kommuner")


def test_every_page_has_an_icon_and_favicon_ico_is_found(db):
    client = Client()
    html = client.get("/").content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert len(icons) == 2 and icons[0].endswith("favicon.svg")
    for icon in icons:
        assert client.get(icon).status_code == 200, icon
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == icons[1]
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content if icon.streaming else [icon.content])[:4] == (
        b"\x00\x00\x01\x00"
    )
    assert client.post("/favicon.ico").status_code == 405
