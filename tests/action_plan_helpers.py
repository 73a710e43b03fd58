"""Helpers for the action plan tests (tests/test_action_plans.py, tests/test_action_plan_editing.py):
a published round of synthetic answers, a signed-in client, and making a plan and adding an action
the way the plan page does."""

import random

from django.test import Client

from assessment import services as assessment_services
from assessment.models import ResponseSource
from tests.conftest import publish
from tests.helpers import closed_round, kommune_rows

PLAN = "/runder/runde-2025/kommuner/4640/tiltaksplan/"
REPORT_2026 = "/runder/runde-2026/kommuner/4640/"


def _round(slug, days_ago, spec, levels, units=None, counts=(60, 40)):
    round_ = closed_round(slug, days_ago, ["4640", "1506"])
    rows = []
    for (number, level), count in zip(levels.items(), counts, strict=True):
        rows += kommune_rows(
            spec,
            number,
            count,
            random.Random(number),
            level=level,
            units_by_sector=units if number == "4640" else None,
        )
    assessment_services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return publish(round_)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, path, **data):
    return client.post(path, data)


def make_plan(client, path=PLAN, focus=("samarbeid", "ideer")):
    response = client.post(path, {"op": "focus", "focus": list(focus)})
    assert response.status_code == 302, response.content.decode()[:2000]


def add(client, path=PLAN, **fields):
    data = {
        "op": "add_action",
        "dimension": "samarbeid",
        "what": "Hospitering mellom enhetene",
        "why": "Samarbeid på tvers er lavest i rapporten",
        "owner": "Personalsjefen",
        "due_on": "2027-06-01",
        "status": "planlagt",
        "ks_tool": "",
    }
    data.update(fields)
    return client.post(path, data)
