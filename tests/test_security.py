"""Login and session hardening, security headers and the Content-Security-Policy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(client):
    get_user_model().objects.create_user(username="kari", password="et-langt-passord-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/konto/logg-inn/", {"username": "kari", "password": "feil"})
        assert response.status_code in (200, 429)
    locked = client.post(
        "/konto/logg-inn/", {"username": "kari", "password": "et-langt-passord-123"}
    )
    assert locked.status_code == 429
    assert "For mange mislykkede innlogginger" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password", ["kort", "12345678901234", "password"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.django_db
def test_security_headers_and_csp_without_inline_scripts(client, filled_round, users):
    client.force_login(users["coordinator_a"])
    for url in (
        "/",
        "/om-metoden/",
        "/runder/runde-2026/kommuner/4640/",
        "/runder/runde-2026/sammenligning/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert script_src.strip() == "'self'"
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        html = response.content.decode()
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
            attributes, body = script
            assert "src=" in attributes or 'type="application/json"' in attributes, script
        assert "onclick=" not in html and "onchange=" not in html


def test_production_settings_pass_check_deploy():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "DJANGO_ALLOWED_HOSTS": "innovasjonsradar.example.no",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_session_and_csrf_cookies_are_secure_in_production():
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k" * 60,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr


@pytest.mark.django_db
def test_oversized_upload_is_refused_cleanly_and_stores_nothing(client, open_round, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.models import Invitation

    client.force_login(users["coordinator_a"])
    big = SimpleUploadedFile(
        "adresser.txt", b"kari@example.no\n" * 80000, content_type="text/plain"
    )
    response = client.post("/kommune/4640/runder/runde-2026/epost/", {"upload": big}, follow=True)
    assert response.status_code == 200
    assert "Fila er for stor" in response.content.decode()
    assert Invitation.objects.count() == 0
    latin1 = SimpleUploadedFile(
        "adresser.txt", "kåre@example.no".encode("latin-1"), content_type="text/plain"
    )
    response = client.post(
        "/kommune/4640/runder/runde-2026/epost/", {"upload": latin1}, follow=True
    )
    assert "UTF-8" in response.content.decode()
    assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_a_request_body_over_the_limit_gets_400_not_500(client, open_round, users):
    client.force_login(users["coordinator_a"])
    payload = {"emails": "a@example.no\n" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 10)}
    response = client.post("/kommune/4640/runder/runde-2026/epost/", payload)
    assert response.status_code == 400
