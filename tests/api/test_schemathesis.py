"""The JSON API fuzzed by schemathesis against its own OpenAPI document.

Schemathesis reads /api/v1/openapi.json from the Flask app (WSGI, no server),
generates requests for every operation (valid and invalid query and path
values), and checks that none is a server error and that every response
matches the status codes, content type and schema the document declares.
Path values are mostly the real ones of the `forum` fixture, so the 200
answers (not only 404s) are checked too. Bounded: a few seconds per operation.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventapp.api.openapi import openapi_document

from .test_api import forum  # noqa: F401  (the fixture: a published conference with release v1)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
OPERATIONS = [(path, method.upper()) for path, item in openapi_document()["paths"].items() for method in item]
FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _config(forum: dict) -> SchemathesisConfig:
    """Real slugs and ids most of the time; a random one otherwise (a 404)."""
    sessions = [forum["opening"].id, forum["talk"].id, forum["second_day"].id, forum["secret"].id]
    return SchemathesisConfig.from_dict({
        "dictionaries": {
            "slugs": {"values": ["forum", "tidak-ada"]},
            "sessions": {"values": sessions},
            "days": {"values": ["2026-03-10", "2026-03-11", "2030-01-01"]},
            "rooms": {"values": [forum["room_a"].id, forum["room_b"].id]},
            "codes": {"values": ["PS", "KK", "XX"]},
        },
        "parameters": {
            "path.slug": {"dictionary": "slugs", "probability": 0.8},
            "path.session_id": {"dictionary": "sessions", "probability": 0.8},
            "query.day": {"dictionary": "days", "probability": 0.5},
            "query.room": {"dictionary": "rooms", "probability": 0.5},
            "query.sub_theme": {"dictionary": "codes", "probability": 0.5},
        },
    })


# schemathesis's own pytest integration (`schemathesis.pytest.from_fixture`) relies on
# pytest internals that pytest 9 removed, so each operation is a plain test here,
# driven by the operation's Hypothesis strategy.
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_api_conforms_to_its_openapi_document(app, forum, path, method):  # noqa: F811
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=_config(forum))
    operation = schema[path][method]
    statuses: list[int] = []

    @FUZZ
    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    def fuzz(case) -> None:
        response = case.call_and_validate(checks=CHECKS)
        statuses.append(response.status_code)

    fuzz()
    if "{slug}" in path:  # the real data was reached, not only 404s
        assert 200 in statuses, statuses
