"""Every URL of the project against every kind of user. A URL pattern without an entry in
MATRIX makes `test_every_url_pattern_has_an_entry` fail, so nothing new ships unchecked."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from assessment import services
from assessment.models import MailBatch
from assessment.tokens import open_link_token
from tests.conftest import publish
from tests.factories import RoundFactory

ROLES = (
    "anon",
    "respondent",
    "no_role",
    "unit_leader",
    "coordinator_a",
    "coordinator_b",
    "ks",
    "superuser",
    "tillitsvalgt",
)


def row(*statuses):
    """One status per role. A row of eight leaves out the tillitsvalgt, who then gets the unit
    leader's status: both read a report in their kommune and nothing else of it (no dashboard,
    no invitations, no comparison); URLs where they differ (action plans) give all nine."""
    if len(statuses) == len(ROLES) - 1:
        statuses = (*statuses, statuses[ROLES.index("unit_leader")])
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


ALL_200 = row(*[200] * 8)
ALL_404 = row(*[404] * 8)
ALL_405 = row(*[405] * 8)
POST_ONLY = row(302, 302, 405, 405, 405, 405, 405, 405)
KS_ONLY = row(302, 302, 404, 404, 404, 404, 200, 200)
COORDINATOR_A = row(302, 302, 404, 404, 200, 404, 404, 200)
REPORT_A = row(302, 302, 404, 200, 200, 404, 200, 200)
BENCHMARK = row(302, 302, 404, 404, 200, 200, 200, 200)
API_REPORT_A = row(401, 401, 404, 200, 200, 404, 200, 200)
UNIT_LEADER = row(302, 302, 404, 200, 404, 404, 404, 404, 404)
RESPONDENT_ONLY = row(404, 200, 404, 404, 404, 404, 404, 404)

# name -> (path template, expected status per role for GET)
MATRIX = {
    "home": ("/", ALL_200),
    "favicon": ("/favicon.ico", row(*[302] * 8)),
    "login": ("/konto/logg-inn/", row(200, 200, 302, 302, 302, 302, 302, 302)),
    "logout": ("/konto/logg-ut/", ALL_405),
    "after_sign_in": ("/konto/videre/", row(*[302] * 8)),
    # single sign-on is not configured in the test settings (tests/test_sso.py configures it)
    "oidc_authentication_init": ("/oidc/authenticate/", ALL_404),
    "oidc_authentication_callback": ("/oidc/callback/", ALL_404),
    "set_language": ("/i18n/setlang/", row(*[302] * 8)),
    "reports:method": ("/om-metoden/", ALL_200),
    "assessment:round_list": ("/runder/", KS_ONLY),
    "assessment:round_create": ("/runder/ny/", KS_ONLY),
    "assessment:municipality_rounds": ("/kommune/4640/runder/", COORDINATOR_A),
    "assessment:join": ("/kommune/4640/runder/runde-2026/delta/", POST_ONLY),
    "reports:dashboard": ("/kommune/4640/runder/runde-2026/", COORDINATOR_A),
    "reports:invite_email": ("/kommune/4640/runder/runde-2026/epost/", POST_ONLY),
    "assessment:printed_codes": ("/kommune/4640/runder/runde-2026/koder/", POST_ONLY),
    "assessment:remind": ("/kommune/4640/runder/runde-2026/paminnelse/", POST_ONLY),
    "assessment:invitation_text": (
        "/kommune/4640/runder/runde-2026/invitasjonstekst/",
        COORDINATOR_A,
    ),
    "assessment:retry_batch": (
        "/kommune/4640/runder/runde-2026/utsendinger/{batch}/nytt-forsok/",
        POST_ONLY,
    ),
    "assessment:open_link_create": ("/kommune/4640/runder/runde-2026/lenker/", POST_ONLY),
    "assessment:poster": ("/kommune/4640/runder/runde-2026/lenker/{link}/", COORDINATOR_A),
    "assessment:open_link_deactivate": (
        "/kommune/4640/runder/runde-2026/lenker/{link}/stopp/",
        POST_ONLY,
    ),
    "assessment:headcounts": ("/kommune/4640/runder/runde-2026/antall/", COORDINATOR_A),
    "assessment:naming": ("/kommune/4640/runder/runde-2026/navn/", POST_ONLY),
    "assessment:personal_link": ("/svar/ukjent-eller-forfalsket-token/", ALL_404),
    "assessment:enter_code": ("/kode/", ALL_200),
    "assessment:open_link": ("/apen/{open_token}/", ALL_200),
    "assessment:resume": ("/fortsett/", ALL_200),
    "assessment:page": ("/skjema/side/1/", RESPONDENT_ONLY),
    "assessment:change_language": ("/skjema/sprak/", ALL_405),
    "assessment:submit": ("/skjema/send/", ALL_405),
    "assessment:thanks": ("/skjema/takk/", ALL_404),
    "assessment:paused": ("/skjema/pause/", RESPONDENT_ONLY),
    "municipalities:units": ("/kommune/4640/enheter/", COORDINATOR_A),
    "municipalities:unit_edit": ("/kommune/4640/enheter/{unit}/", COORDINATOR_A),
    "municipalities:fact_sheet": ("/kommune/4640/runder/runde-2026/faktaark/", COORDINATOR_A),
    # Results: runde-2025 is published; runde-2026 is open (answering and links).
    "reports:municipality_report": ("/runder/runde-2025/kommuner/4640/", REPORT_A),
    "reports:dimension": ("/runder/runde-2025/kommuner/4640/dimensjon/lederstotte/", REPORT_A),
    "reports:explore": ("/runder/runde-2025/kommuner/4640/utforsk/", REPORT_A),
    "reports:export_xlsx": ("/runder/runde-2025/kommuner/4640/rapport.xlsx", REPORT_A),
    "reports:export_csv": ("/runder/runde-2025/kommuner/4640/rapport-csv.zip", REPORT_A),
    "reports:export_pdf": ("/runder/runde-2025/kommuner/4640/rapport.pdf", REPORT_A),
    "reports:export_docx": ("/runder/runde-2025/kommuner/4640/saksframlegg.docx", REPORT_A),
    "reports:meeting_kit": ("/runder/runde-2025/kommuner/4640/motepakke/samarbeid/", REPORT_A),
    # A unit's own page: only its unit leader (a coordinator or KS seeing every subtree beside
    # the kommune and the sector could subtract one subtree from another).
    "reports:unit_report": ("/runder/runde-2025/kommuner/4640/enheter/{unit}/", UNIT_LEADER),
    "reports:benchmark": ("/runder/runde-2025/sammenligning/", BENCHMARK),
    "reports:close_round": ("/runder/runde-2026/steng/", KS_ONLY),
    "reports:psychometrics": ("/runder/runde-2025/psykometri/", KS_ONLY),
    "api-v1:api-root": ("/api/v1/", ALL_404),
    "api-v1:openapi-json": ("/api/v1/openapi.json", ALL_200),
    "api-v1:rounds": ("/api/v1/rounds/", row(401, 401, 200, 200, 200, 200, 200, 200)),
    "api-v1:instrument": (
        "/api/v1/rounds/runde-2026/instrument/",
        row(401, 401, 404, 200, 200, 200, 200, 200),
    ),
    "api-v1:municipality": ("/api/v1/rounds/runde-2025/municipalities/4640/", API_REPORT_A),
    "api-v1:benchmark_view": (
        "/api/v1/rounds/runde-2025/benchmark/",
        row(401, 401, 404, 404, 200, 200, 200, 200),
    ),
    # From results to action (issue 14). KS sees plans only as national counts.
    "reports:action_plan": (
        "/runder/runde-2025/kommuner/4640/tiltaksplan/",
        row(302, 302, 404, 200, 200, 404, 404, 200, 200),
    ),
    "reports:unit_action_plan": (
        "/runder/runde-2025/kommuner/4640/tiltaksplan/enhet/{unit}/",
        row(302, 302, 404, 200, 200, 404, 404, 200, 200),
    ),
    "reports:staff_page_publish": ("/kommune/4640/runder/runde-2025/ansattside/", POST_ONLY),
    "reports:staff_page": ("/resultater/{staff_token}/", ALL_200),
    "reports:action_cycle": ("/runder/runde-2025/tiltak/", KS_ONLY),
    # The admin is checked as a whole: only staff users get in.
    "admin:*": ("/admin/", row(302, 302, 302, 302, 302, 302, 302, 200)),
}


# name -> expected status per role for a POST with an empty form, in this order (the last two
# change the world: KS closes the open round, then everybody logs out). Views that only read
# answer 405; a new URL needs an entry here as well as in MATRIX.
POST_LAST = ("reports:close_round", "logout")
REPORT_POST = row(302, 302, 405, 405, 405, 405, 405, 405)
COORDINATOR_POST = row(302, 302, 404, 404, 302, 404, 404, 302)
POST_MATRIX = {
    "admin:*": row(302, 302, 302, 302, 302, 302, 302, 200),
    "api-v1:api-root": ALL_404,
    "api-v1:benchmark_view": ALL_405,
    "api-v1:instrument": ALL_405,
    "api-v1:municipality": ALL_405,
    "api-v1:openapi-json": ALL_200,
    "api-v1:rounds": ALL_405,
    "assessment:change_language": row(404, 302, 404, 404, 404, 404, 404, 404),
    "after_sign_in": POST_ONLY,
    "oidc_authentication_init": ALL_405,
    "oidc_authentication_callback": ALL_404,
    "favicon": ALL_405,
    "assessment:enter_code": ALL_200,
    "assessment:headcounts": COORDINATOR_POST,
    # an empty form is shown again with its error (and the text kept)
    "reports:invite_email": COORDINATOR_A,
    "assessment:invitation_text": COORDINATOR_A,  # an empty text previews the standard one
    "assessment:retry_batch": COORDINATOR_POST,
    "assessment:join": COORDINATOR_POST,
    "assessment:municipality_rounds": REPORT_POST,
    "assessment:naming": COORDINATOR_POST,
    "assessment:open_link": row(*[302] * 8),
    "assessment:open_link_create": COORDINATOR_POST,
    "assessment:open_link_deactivate": COORDINATOR_POST,
    "assessment:page": ALL_200,  # everybody has a draft now: the open link above started one
    "assessment:paused": ALL_405,
    "assessment:personal_link": ALL_404,
    "assessment:poster": REPORT_POST,
    "assessment:printed_codes": COORDINATOR_POST,
    "assessment:remind": COORDINATOR_POST,
    "assessment:resume": ALL_200,
    "assessment:round_create": KS_ONLY,
    "assessment:round_list": REPORT_POST,
    "assessment:submit": row(*[302] * 8),
    "assessment:thanks": ALL_405,
    "home": ALL_405,
    "login": row(200, 200, 302, 302, 302, 302, 302, 302),
    "municipalities:unit_edit": COORDINATOR_A,
    "municipalities:fact_sheet": row(302, 302, 404, 404, 200, 404, 404, 200),  # form errors
    "municipalities:units": COORDINATOR_A,
    "reports:benchmark": REPORT_POST,
    "reports:dashboard": REPORT_POST,
    "reports:dimension": REPORT_POST,
    "reports:export_csv": REPORT_POST,
    "reports:export_pdf": REPORT_POST,
    "reports:export_docx": REPORT_POST,
    "reports:meeting_kit": REPORT_POST,
    "reports:explore": REPORT_POST,
    "reports:export_xlsx": REPORT_POST,
    "reports:method": ALL_405,
    "reports:municipality_report": REPORT_POST,
    "reports:unit_report": REPORT_POST,
    "reports:psychometrics": REPORT_POST,
    "set_language": row(*[302] * 8),
    "reports:close_round": KS_ONLY,
    "logout": row(*[302] * 8),
    # An empty form is an unknown change: 400 for those who may open the plan, 404 for others.
    "reports:action_plan": row(302, 302, 404, 400, 400, 404, 404, 400, 400),
    "reports:unit_action_plan": row(302, 302, 404, 400, 400, 404, 404, 400, 400),
    "reports:staff_page_publish": COORDINATOR_POST,
    "reports:staff_page": ALL_405,
    "reports:action_cycle": REPORT_POST,
}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield "admin:*" if name.startswith("admin:") else name


def test_every_url_pattern_has_an_entry():
    names = set(_names(get_resolver().url_patterns))
    assert names - set(MATRIX) == set(), "new URL without an entry in the access matrix"
    assert set(MATRIX) - names == set(), "matrix entry for a URL that no longer exists"
    assert set(POST_MATRIX) == set(MATRIX), "every URL needs a POST entry too"


def _published_round(spec):
    """Last year's round, published: the results URLs of the matrix read it."""
    import random

    from assessment.models import ResponseSource
    from assessment.synthetic import synthetic_rows
    from municipalities.models import Municipality

    round_ = RoundFactory(
        slug="runde-2025",
        name="Runde 2025",
        opens_in=-400,
        days=20,
        municipality_numbers=["4640", "1506"],
    )
    rows = []
    for number in ("4640", "1506"):
        municipality = Municipality.objects.get(number=number)
        rows += synthetic_rows(
            spec=spec, municipality_id=municipality.pk, count=20, rng=random.Random(1)
        )
    services.record_responses(round_=round_, rows=rows, source=ResponseSource.IMPORT)
    return publish(round_)


@pytest.fixture
def world(filled_round, spec, users, sogndal_units, django_capture_on_commit_callbacks):
    from reports.action_plans import publish_staff_page, staff_page_token
    from reports.services import create_api_token
    from tests.conftest import make_user

    published = _published_round(spec)
    staff_page = publish_staff_page(
        round_=published,
        municipality=published.participations.get(municipality__number="4640").municipality,
    )
    users = {**users, "tillitsvalgt": make_user("tv", "tillitsvalgt", municipality_number="4640")}
    participation = filled_round.participations.get(municipality__number="4640")
    link = services.create_open_link(participation=participation)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_by_email(participation=participation, emails=["kari@example.no"])
    token = mail.outbox[-1].body.split("/svar/")[1].split("/")[0]
    clients, tokens = {"anon": Client()}, {}
    respondent = Client()
    assert respondent.get(f"/svar/{token}/").status_code == 302
    clients["respondent"] = respondent
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
        tokens[role] = create_api_token(username=user.username)
    return {
        "clients": clients,
        "tokens": tokens,
        "values": {
            "link": link.pk,
            "open_token": open_link_token(link.salt),
            "unit": sogndal_units["heim"].pk,
            "batch": MailBatch.objects.get().pk,
            "staff_token": staff_page_token(staff_page.salt),
        },
    }


def test_every_url_answers_every_role_as_the_matrix_says(world):
    """One pass over all URLs × roles (one data set), listing every difference at once."""
    differences = []
    for name, (template, expected) in sorted(MATRIX.items()):
        path = template.format(**world["values"])
        for role in ROLES:
            headers = {}
            if name.startswith("api-v1:") and role in world["tokens"]:
                headers["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][role]}"
            status = world["clients"][role].get(path, **headers).status_code
            if status != expected[role]:
                differences.append(
                    f"{name} {path} as {role}: got {status}, expected {expected[role]}"
                )
    assert differences == []


CROSS_TENANT_POSTS = [
    ("/kommune/4640/runder/runde-2026/epost/", {"emails": "ola@example.no"}),
    ("/kommune/4640/runder/runde-2026/koder/", {"count": "3"}),
    ("/kommune/4640/runder/runde-2026/paminnelse/", {}),
    ("/kommune/4640/runder/runde-2026/utsendinger/{batch}/nytt-forsok/", {}),
    ("/kommune/4640/runder/runde-2026/invitasjonstekst/", {"intro": "Innbrudd", "save": "1"}),
    ("/kommune/4640/runder/runde-2026/lenker/", {}),
    ("/kommune/4640/runder/runde-2026/lenker/{link}/stopp/", {}),
    ("/kommune/4640/runder/runde-2026/antall/", {"hc-0-medarbeider": "40"}),
    ("/kommune/4640/runder/runde-2026/navn/", {"named": "1"}),
    ("/kommune/4640/runder/runde-2026/delta/", {}),
    ("/kommune/4640/enheter/", {"name": "Ny eining", "sector": "kultur"}),
    ("/kommune/4640/enheter/{unit}/", {"name": "Nytt namn"}),
    ("/runder/runde-2025/kommuner/4640/tiltaksplan/", {"op": "focus", "focus": "samarbeid"}),
    ("/kommune/4640/runder/runde-2025/ansattside/", {"op": "revoke"}),
]


def test_writes_to_another_kommune_are_refused_and_change_nothing(world):
    from assessment.models import (
        Headcount,
        Invitation,
        InvitationText,
        MailDelivery,
        OpenLink,
        Participation,
    )
    from municipalities.models import OrgUnit
    from reports.models import ActionPlan, StaffPage

    def snapshot():
        return (
            Invitation.objects.count(),
            OpenLink.objects.filter(active=True).count(),
            Headcount.objects.count(),
            list(Participation.objects.values_list("named_in_comparisons", flat=True)),
            sorted(OrgUnit.objects.values_list("name", flat=True)),
            list(InvitationText.objects.values_list("intro", flat=True)),
            list(MailDelivery.objects.values_list("status", "attempts")),
            ActionPlan.objects.count(),
            StaffPage.objects.filter(revoked_at__isnull=True).count(),
        )

    before, sent = snapshot(), len(mail.outbox)
    for role in ("coordinator_b", "unit_leader", "ks", "no_role", "tillitsvalgt"):
        for template, data in CROSS_TENANT_POSTS:
            response = world["clients"][role].post(template.format(**world["values"]), data)
            assert response.status_code == 404, (role, template)
    assert snapshot() == before
    assert len(mail.outbox) == sent


def test_only_ks_can_close_a_round_early(world):
    from assessment.models import Round

    def state():
        return list(Round.objects.order_by("slug").values_list("published_at", "closes_on"))

    before = state()
    for role in ("anon", "respondent", "no_role", "unit_leader", "coordinator_a", "coordinator_b"):
        response = world["clients"][role].post("/runder/runde-2026/steng/", {"confirm": "yes"})
        assert response.status_code in (302, 404), role
        if response.status_code == 302:
            assert "/konto/logg-inn/" in response["Location"], role
    assert state() == before
    response = world["clients"]["ks"].post("/runder/runde-2026/steng/", {"confirm": "yes"})
    assert response.status_code == 302
    assert Round.objects.get(slug="runde-2026").is_published


def test_every_url_answers_a_post_from_every_role_as_the_matrix_says(world):
    """POSTs with an empty form: writes refuse other kommuners and roles (404), views that only
    read refuse the method (405), nobody gets a 500."""
    differences = []
    names = sorted(n for n in POST_MATRIX if n not in POST_LAST) + list(POST_LAST)
    for name in names:
        path = MATRIX[name][0].format(**world["values"])
        for role in ROLES:
            headers = {}
            if name.startswith("api-v1:") and role in world["tokens"]:
                headers["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][role]}"
            status = world["clients"][role].post(path, {}, **headers).status_code
            if status != POST_MATRIX[name][role]:
                differences.append(
                    f"POST {name} {path} as {role}: got {status}, expected {POST_MATRIX[name][role]}"
                )
    assert differences == []
