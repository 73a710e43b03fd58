"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), scripted per recipient, and a way to
run the real queue worker (django-tasks' database backend) until nothing is due."""

import email
import re
import socket
from collections import defaultdict
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.management.commands.db_worker import Worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedHandler:
    """Accepts every recipient unless `script[address]` holds actions for its next attempts:
    "451" and "550" refuse at RCPT with that code, "drop" drops the connection at RCPT."""

    def __init__(self):
        self.script = defaultdict(list)
        self.messages = []  # (recipient, email.message.Message)
        self.connections = 0
        self.attempts = defaultdict(int)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts[address] += 1
        action = self.script[address].pop(0) if self.script[address] else "accept"
        if action == "drop":
            server.transport.close()
            return "421 4.4.2 Forbindelsen ble brutt"
        if action in ("451", "550"):
            text = "Prøv igjen senere" if action == "451" else "Ukjent mottaker"
            return f"{action} {action[0]}.1.1 {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        for recipient in envelope.rcpt_tos:
            self.messages.append((recipient, message))
        return "250 Message accepted"

    def received(self, address: str) -> list:
        return [m for r, m in self.messages if r == address]


def body_of(message) -> str:
    payload = message.get_payload(decode=True)
    return payload.decode(message.get_content_charset() or "utf-8")


def link_path(message) -> str:
    (path,) = re.findall(r"https?://[^/\s]+(/svar/[^\s/]+/)", body_of(message))
    return path


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; the app sends to it and queues through the database."""
    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 10
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield handler
    controller.stop()


def run_worker() -> None:
    """The worker `python manage.py db_worker` runs, until no task is due. Inside the test's
    transaction it must not close the connection between tasks as it does in production."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        _worker().run()


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
