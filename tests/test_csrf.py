"""Every state-changing route refuses a form posted without its CSRF token, and
writes nothing — signed in as an organiser of the conference or not."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from eventapp import create_app
from eventapp.extensions import db

from .conftest import app_config

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def fill(rule: str) -> str:
    """A concrete URL for a rule: the draft conference of `world`, id 1, a 43-character token."""
    url = re.sub(r"<(?:int:)?(slug)>", "draf", rule)
    url = re.sub(r"<int:[a-z_]+>", "1", url)
    url = re.sub(r"<(?:string:)?token>", "t" * 43, url)
    return re.sub(r"<[^>]+>", "x", url)


def counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "organiser"])
def test_no_write_without_a_csrf_token(database_url, world, make, signed_in):
    app = create_app(app_config(database_url, WTF_CSRF_ENABLED=True, TOKEN_RATE_LIMIT="10000 per minute",
                                REGISTRATION_RATE_LIMIT="10000 per minute"))
    organiser = make.organiser(world["draft"])
    client = app.test_client()
    if signed_in:
        with client.session_transaction() as session:
            session["_user_id"] = str(organiser.id)
            session["_fresh"] = True
    routes = sorted(
        (method, fill(rule.rule))
        for rule in app.url_map.iter_rules() if not rule.rule.startswith("/static")
        for method in rule.methods & WRITE_METHODS
    )
    assert len(routes) > 40  # the walk found the app's forms
    before = counts()
    refused = []
    try:
        for method, url in routes:
            response = client.open(url, method=method, data={"name": "x", "answer": "accept"})
            if response.status_code != 400:
                refused.append(f"{method} {url}: {response.status_code}")
    finally:
        with app.app_context():
            db.engine.dispose()  # this second app's pool must not outlive the test
    assert refused == []
    assert counts() == before
