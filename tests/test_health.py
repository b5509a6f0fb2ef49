"""GET /healthz: 200 when the database answers, 503 when it does not."""
from __future__ import annotations

from eventapp import create_app
from eventapp.extensions import db

from .conftest import app_config

UNREACHABLE = "postgresql+psycopg://postgres:hunter2-secret@127.0.0.1:1/nothing"


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_signed_in_visitor_gets_no_new_cookie(client, make, auth):
    auth.login(make.user())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_exempt_from_rate_limits(client, app):
    from flask_limiter import ExemptionScope

    from eventapp.extensions import limiter

    scope = limiter.limit_manager.exemption_scope(app, "health.check", "health")
    assert scope & ExemptionScope.DEFAULT and scope & ExemptionScope.APPLICATION
    assert {client.get("/healthz").status_code for _ in range(40)} == {200}


def test_unreachable_database_is_503_without_the_url(database_url, caplog):
    broken = create_app(app_config(UNREACHABLE, CHECK_DATABASE_ON_START=False))
    try:
        response = broken.test_client().get("/healthz")
    finally:
        with broken.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "hunter2" not in body and "127.0.0.1" not in body and "nothing" not in body
    assert "hunter2" not in caplog.text
