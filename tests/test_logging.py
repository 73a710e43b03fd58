"""What the operator reads in the log (config/settings.py LOGGING): publications, imports, mail
batches, login lockouts and every 500, with counts and never personal data."""

import io
import logging

import pytest
from django.conf import settings
from django.test import Client

from assessment.importing import import_responses
from assessment.services import invite_by_email, send_reminders
from tests.conftest import publish
from tests.helpers import participation
from tests.test_import import build_rows, to_csv

SECRET_ADDRESS = "kari.nordmann@sogndal.kommune.no"


def logged(caplog, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


def test_a_publication_logs_the_round_the_counts_and_the_seconds(filled_round, caplog):
    with caplog.at_level(logging.INFO):
        publish(filled_round)
    psychometrics, line = logged(caplog, "reports.publication")
    assert line.startswith("Round runde-2026 published: 180 responses, 2 kommuner, ")
    assert line.endswith(" s")
    assert psychometrics.startswith("Round runde-2026: psychometrics in ")


def test_an_import_logs_its_counts_and_a_refusal_where_but_not_the_value(open_round, spec, caplog):
    rows = build_rows(spec, 12, seed=5)
    with caplog.at_level(logging.INFO):
        assert import_responses(round_=open_round, raw=to_csv(rows).encode()) == 12
    (line,) = logged(caplog, "assessment.importing")
    assert line.startswith("Imported 12 responses from 2 kommuner into round runde-2026 in ")

    caplog.clear()
    code = next(code for code, value in rows[2].items() if value in "12345" and value)
    rows[2][code] = "7"
    with caplog.at_level(logging.INFO), pytest.raises(Exception, match="er ikke et gyldig svar"):
        import_responses(round_=open_round, raw=to_csv(rows).encode())
    (line,) = logged(caplog, "assessment.importing")
    assert line.startswith("Import into round runde-2026 refused (")
    assert f"line 4, column {code}: «…» er ikke et gyldig svar" in line
    assert "7" not in line.split(code)[1]


def test_mail_batches_are_counted_without_the_addresses(
    open_round, caplog, django_capture_on_commit_callbacks
):
    sogndal = participation(open_round, "4640")
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        invite_by_email(participation=sogndal, emails=[SECRET_ADDRESS, "per@sogndal.kommune.no"])
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        send_reminders(participation=sogndal)
    sent = [m for m in logged(caplog, "assessment.mail") if m.startswith("Mail batch")]
    assert len(sent) == 2
    assert all("2 sent, 0 failed, 0 to retry, of 2 due" in m for m in sent)
    assert all("for round runde-2026, kommune 4640" in m for m in sent)
    assert "kari" not in caplog.text and "@" not in caplog.text


@pytest.mark.django_db
def test_a_login_lockout_is_logged_once_without_the_username_or_address(django_user_model, caplog):
    django_user_model.objects.create_user(username="kari.nordmann", password="riktig-passord-1")
    with caplog.at_level(logging.INFO):
        for _ in range(settings.AXES_FAILURE_LIMIT + 3):
            Client(REMOTE_ADDR="198.51.100.7").post(
                "/konto/logg-inn/", {"username": "kari.nordmann", "password": "feil"}
            )
    assert logged(caplog, "config.login_throttle") == [
        "Login lockout: an account reached 5 failures from one address; "
        "locked from that address for 15 minutes"
    ]
    assert "kari" not in caplog.text and "198.51.100.7" not in caplog.text


def test_a_500_goes_to_stderr_without_the_link_token(open_round, monkeypatch):
    """The handler configured for django.request, with its filter: the path of a personal link
    carries the token, and an error text may carry an address."""
    from assessment import selectors

    def broken(token):
        raise RuntimeError(f"database gone while serving {SECRET_ADDRESS}")

    monkeypatch.setattr(selectors, "find_invitation", broken)
    assert settings.LOGGING["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    (handler,) = [
        h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler
    ]
    stream = io.StringIO()
    monkeypatch.setattr(handler, "stream", stream)
    response = Client(raise_request_exception=False).get("/svar/Hemmelig-token_123/")
    assert response.status_code == 500
    text = stream.getvalue()
    assert "Internal Server Error: /svar/…/" in text
    assert "RuntimeError: database gone while serving …@…" in text
    assert "Hemmelig" not in text and "kari" not in text
