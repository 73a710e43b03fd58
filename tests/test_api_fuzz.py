"""Schema-driven fuzzing of the API (the equivalent of schemathesis): every path in
/api/v1/openapi.json with generated path parameters and Authorization headers answers with a
2xx or a 4xx carrying a clear `detail` message - never a 500 - and changes nothing."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.models import Response
from reports.models import ApiToken
from tests.properties import examples

segment = st.one_of(
    st.sampled_from(
        ["runde-2026", "4640", "1506", "0301", "9999", "", "..", "%00", "'; DROP TABLE x;--"]
    ),
    st.text(min_size=1, max_size=60),
)
auth = st.one_of(
    st.none(),
    st.just("VALID"),
    st.text(max_size=80),
    st.sampled_from(["Token ", "Token", "Bearer x"]),
)


@pytest.fixture
def schema_paths(filled_round, users):
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    return list(schema["paths"])


@pytest.mark.django_db
@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_generated_requests_never_fail_with_a_server_error(data, schema_paths, users):
    from reports.services import create_api_token

    key = create_api_token(username=users["coordinator_a"].username)
    before = (Response.objects.count(), ApiToken.objects.count())
    template = data.draw(st.sampled_from(schema_paths))
    path = re.sub(r"\{[^}]+\}", lambda _m: quote(data.draw(segment), safe=""), template)
    header = data.draw(auth)
    headers = {}
    if header == "VALID":
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    elif header is not None:
        headers["HTTP_AUTHORIZATION"] = header
    query = data.draw(
        st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=3)
    )
    response = Client(raise_request_exception=False).get(path, query, **headers)
    assert response.status_code < 500, (path, header, response.content[:200])
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        assert response.json()["detail"]
    assert (Response.objects.count(), ApiToken.objects.count()) == (before[0], before[1])
