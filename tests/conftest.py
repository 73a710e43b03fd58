"""Shared fixtures. The instrument is the real one from assessment/instrument/ (published)."""

import os
import random

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from hypothesis import settings

from assessment import services as assessment_services
from assessment.models import ResponseSource
from assessment.selectors import get_instrument_spec
from assessment.synthetic import synthetic_rows
from municipalities.models import Sector
from municipalities.national_lists import ensure_national_lists
from municipalities.services import create_org_unit, load_municipalities
from tests.factories import RoundFactory, SuperuserFactory, UserFactory
from tests.helpers import invite, open_link_path, participation, staff_client

# Hypothesis profiles (README: *Egenskapstester og fuzzing*). "ci" is the default: the same
# examples on every run of the same code, and nothing saved between runs, so `make test` and
# `.ci/run` give the same answer for the same commit. "fuzz" (`make fuzz`) draws random examples,
# many more of them, and keeps failures in .hypothesis/ to replay them on the next fuzz run.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile(
    "fuzz",
    derandomize=False,
    deadline=None,
    print_blob=True,
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "2000")),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every Hypothesis property test is marked `fuzz`, so `make fuzz` (-m fuzz) finds new ones."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    """Today's date in Oslo, taken once per test (never at import: a run that passes midnight
    would otherwise compare against yesterday)."""
    return timezone.localdate()


# --- Data shared by the whole session ---------------------------------------------------------
# The kommune register (357 rows) and the published instrument are loaded once per test database
# (once per session, or per xdist worker), not once per test. A test that changes them does so in
# its own transaction, which is rolled back. A transactional test (`transaction=True`,
# `live_server`) ends with a flush that empties every table; the data is then loaded again right
# after it (`pytest_runtest_teardown` below).

_shared = {}


def _load_shared_data():
    load_municipalities()
    ensure_national_lists()
    _shared["instrument_pk"] = assessment_services.load_instrument(publish=True).pk


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_shared_data()
    _shared["blocker"] = django_db_blocker


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # After the session's last test the test database is already gone (nextitem is None).
    if "blocker" in _shared and nextitem is not None and _is_transactional(item):
        with _shared["blocker"].unblock():
            _load_shared_data()
    return result


@pytest.fixture
def municipalities(db):
    """The 357 kommuner (loaded once per session)."""


@pytest.fixture
def instrument(db):
    """The published instrument from assessment/instrument/ (loaded once per session)."""
    from assessment.models import InstrumentVersion

    return InstrumentVersion.objects.get(pk=_shared["instrument_pk"])


@pytest.fixture
def no_instrument(db):
    """No instrument at all, for tests of the first load. The shared one is published, so the
    freeze is stepped around here (tests only); the test's rollback brings it back."""
    from django.db.models import QuerySet

    from assessment.models import InstrumentVersion

    QuerySet.delete(InstrumentVersion.objects.all())


@pytest.fixture
def spec(instrument):
    return get_instrument_spec(instrument)


@pytest.fixture
def draft(instrument):
    """An editable copy (2027.1) of the published instrument."""
    return assessment_services.copy_version(source=instrument, new_version="2027.1")


@pytest.fixture
def open_round(municipalities, instrument):
    """A round open today with Sogndal (4640, nynorsk) and Molde (1506) taking part."""
    return RoundFactory(slug="runde-2026", name="Runde 2026", opens_in=-3, days=23)


@pytest.fixture
def sogndal_units(municipalities):
    from municipalities.models import Municipality

    sogndal = Municipality.objects.get(number="4640")
    sectors = {s.code: s for s in Sector.objects.all()}
    return {
        "heim": create_org_unit(
            municipality=sogndal, sector=sectors["helse_omsorg"], name="Heimetenesta"
        ),
        "skule": create_org_unit(
            municipality=sogndal, sector=sectors["oppvekst"], name="Sogndal skule"
        ),
    }


@pytest.fixture
def users(open_round, sogndal_units):
    """One user per role: coordinators of kommune A (Sogndal) and B (Molde), a unit leader in A,
    a KS analyst, a superuser and a signed-in user with no role at all."""
    return {
        "coordinator_a": UserFactory(
            username="koord-a", role="coordinator", municipality_number="4640"
        ),
        "coordinator_b": UserFactory(
            username="koord-b", role="coordinator", municipality_number="1506"
        ),
        "unit_leader": UserFactory(
            username="leder", role="unit_leader", unit_id=sogndal_units["heim"].pk
        ),
        "ks": UserFactory(username="ks", role="ks_analyst"),
        "superuser": SuperuserFactory(username="super"),
        "no_role": UserFactory(username="ingen"),
    }


@pytest.fixture
def filled_round(open_round, spec, sogndal_units):
    """Synthetic answers: 120 in Sogndal (with units) and 60 in Molde."""
    from municipalities.models import Municipality

    rng = random.Random(7)
    by_number = {m.number: m for m in Municipality.objects.filter(number__in=["4640", "1506"])}
    units = {"helse_omsorg": [sogndal_units["heim"].pk], "oppvekst": [sogndal_units["skule"].pk]}
    rows = synthetic_rows(
        spec=spec, municipality_id=by_number["4640"].pk, count=120, rng=rng, units_by_sector=units
    )
    rows += synthetic_rows(spec=spec, municipality_id=by_number["1506"].pk, count=60, rng=rng)
    assessment_services.record_responses(round_=open_round, rows=rows, source=ResponseSource.IMPORT)
    return open_round


def publish(round_):
    """Close the round and publish its results (results are read from publications only)."""
    from reports.publication import publish_round

    publish_round(round_=round_)
    round_.refresh_from_db()
    return round_


@pytest.fixture
def published_round(filled_round):
    return publish(filled_round)


def unpublish(round_, closes_on):
    """Tests only: hypothesis examples reuse one round, so each starts unpublished again (the
    cells are views that show nothing without the publication; the tallies stay, as for an
    open round)."""
    from assessment.models import Round
    from reports import models as snapshot

    for model in (
        snapshot.Publication,
        snapshot.PublishedMunicipality,
        snapshot.PublishedUnit,
        snapshot.MunicipalityScore,
    ):
        model.objects.filter(round=round_).delete()
    Round.objects.filter(pk=round_.pk).update(published_at=None, closes_on=closes_on)
    round_.refresh_from_db()


def make_user(username, role=None, **scope):
    """A user (password «x») with `role` granted through grant_role, as the tests of other
    modules name them."""
    return UserFactory(username=username, role=role, **scope)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in another language (e.g. English cookie) leaves that language active in the
    worker's thread; every test starts and ends in bokmål."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


# --- Action plans (tests/test_action_plans.py, tests/test_action_plan_editing.py) -------------


@pytest.fixture
def rounds(municipalities, instrument, spec, sogndal_units):
    """Two published rounds: 2025 (Sogndal low) and 2026 (Sogndal a whole point higher, same
    people pattern, so every dimension improves)."""
    from tests.action_plan_helpers import _round

    units = {"helse_omsorg": [sogndal_units["heim"].pk], "oppvekst": [sogndal_units["skule"].pk]}
    first = _round("runde-2025", 400, spec, {"4640": 2.4, "1506": 3.0}, units)
    second = _round("runde-2026", 40, spec, {"4640": 3.4, "1506": 3.0}, units)
    return first, second


@pytest.fixture
def people(rounds, sogndal_units):
    """The users of the action plan tests, in Sogndal unless named otherwise: coordinator,
    tillitsvalgt, unit leader (Heimetenesta), Molde's coordinator and a KS analyst."""
    return {
        "coordinator": make_user("koord", "coordinator", municipality_number="4640"),
        "tillitsvalgt": make_user("tv", "tillitsvalgt", municipality_number="4640"),
        "leader": make_user("leder", "unit_leader", unit_id=sogndal_units["heim"].pk),
        "other_coordinator": make_user("koord-b", "coordinator", municipality_number="1506"),
        "ks": make_user("ks", "ks_analyst"),
    }


# --- Inviting respondents (tests/test_invitations.py, tests/test_round_setup.py) ---------------


@pytest.fixture
def coordinator(users):
    """A client signed in as Sogndal's coordinator."""
    return staff_client(users["coordinator_a"])


@pytest.fixture
def send_invites(coordinator, open_round, django_capture_on_commit_callbacks):
    def send(text, number="4640", client=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or coordinator).post(
                reverse("reports:invite_email", args=[number, open_round.slug]),
                {"emails": text},
                follow=True,
            )

    return send


# --- The respondent (tests/test_respondent*.py) -------------------------------------------------


@pytest.fixture
def sogndal(open_round):
    return participation(open_round, "4640")


@pytest.fixture
def molde(open_round):
    return participation(open_round, "1506")


@pytest.fixture
def link(molde, django_capture_on_commit_callbacks):
    """A personal link in Molde (bokmål), so the wording checked below is the bokmål one."""
    return invite(molde, "kari@molde.kommune.no", django_capture_on_commit_callbacks)


@pytest.fixture
def sogndal_link(sogndal, django_capture_on_commit_callbacks):
    return invite(sogndal, "kari@sogndal.kommune.no", django_capture_on_commit_callbacks)


@pytest.fixture
def open_path(open_round, users):
    """An open link in Molde, made by Molde's coordinator."""
    return open_link_path(users["coordinator_b"], open_round, number="1506")


# --- Instrument 2027.1 (tests/test_instrument_2027*.py) -------------------------------------------


@pytest.fixture
def both_versions(db):
    """2026.1 and 2027.1, both loaded and published, by version number."""
    from io import StringIO

    from django.core.management import call_command

    from assessment.models import InstrumentVersion

    ensure_national_lists()
    call_command("load_instrument", "--publish", stdout=StringIO())
    return {v.version: v for v in InstrumentVersion.objects.all()}


@pytest.fixture
def spec_2027(both_versions):
    return get_instrument_spec(both_versions["2027.1"])
