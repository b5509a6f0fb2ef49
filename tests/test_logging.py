"""Structured request logs (eventapp/logging_setup.py)."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest

from eventapp import create_app
from eventapp.config import ConfigError, load_config
from eventapp.extensions import db
from eventapp.logging_setup import REQUEST_LOGGER, JsonFormatter

from .conftest import app_config

SECRET = "s3cr3t-token-value-that-must-not-be-logged"


@pytest.fixture
def request_logs(caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)

    def records() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == REQUEST_LOGGER]

    return records


@pytest.fixture
def restore_logger():
    """JSON mode changes the process-wide "eventapp" logger: put it back afterwards."""
    logger = logging.getLogger("eventapp")
    saved = (list(logger.handlers), logger.level, logger.propagate, logger.disabled)
    yield logger
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate, logger.disabled = saved[2], saved[3]


def test_one_record_per_request_with_the_fields(client, request_logs):
    response = client.get("/?q=private")
    assert response.status_code == 200
    (record,) = request_logs()
    assert record.levelno == logging.INFO
    assert record.method == "GET"
    assert record.path == "/"  # no query string
    assert record.status == 200
    assert isinstance(record.duration_ms, float) and record.duration_ms >= 0
    assert record.remote_addr == "127.0.0.1"
    assert record.user_id is None
    assert re.fullmatch(r"[0-9a-f]{32}", record.request_id)
    assert response.headers["X-Request-ID"] == record.request_id


def test_signed_in_user_id(client, make, auth, request_logs):
    user = make.user()
    auth.login(user)
    client.get("/")
    assert request_logs()[-1].user_id == str(user.id)


def test_request_id_from_the_header_when_well_formed(client, request_logs):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abcd"})
    assert response.headers["X-Request-ID"] == "lb-1234.abcd"
    assert request_logs()[-1].request_id == "lb-1234.abcd"

    for bad in ("has space", "x" * 200, "\"quoted\"", "-leading-dash"):
        response = client.get("/healthz", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
        assert request_logs()[-1].request_id == response.headers["X-Request-ID"]


@pytest.mark.parametrize(("url", "logged"), [
    (f"/i/{SECRET}", "/i/<token>"),
    (f"/r/{SECRET}", "/r/<token>"),
    (f"/login/link/{SECRET}", "/login/link/<token>"),
    (f"/login/reset/{SECRET}", "/login/reset/<token>"),
    (f"/c/draf/feed/{SECRET}.ics", "/c/<slug>/feed/<token>.ics"),
])
def test_tokens_never_reach_the_log(client, request_logs, caplog, url, logged):
    client.get(url)
    assert request_logs()[-1].path == logged
    assert SECRET not in caplog.text
    assert SECRET not in JsonFormatter().format(request_logs()[-1])


def test_token_masked_when_no_route_matched(client, request_logs, caplog):
    response = client.delete(f"/i/{SECRET}")  # 405: no url_rule
    assert response.status_code == 405
    assert request_logs()[-1].path == "/i/…"
    assert request_logs()[-1].status == 405
    assert SECRET not in caplog.text


def test_remote_address_after_proxy_fix(database_url, request_logs):
    app = create_app(app_config(database_url, TRUSTED_PROXIES=1))
    try:
        app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    finally:
        with app.app_context():
            db.engine.dispose()
    assert request_logs()[-1].remote_addr == "203.0.113.7"


def test_json_formatter_line():
    record = logging.LogRecord(REQUEST_LOGGER, logging.INFO, __file__, 1, "GET %s", ("/",), None)
    record.path, record.status, record.user_id = "/", 200, None
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["logger"] == REQUEST_LOGGER
    assert entry["message"] == "GET /"
    assert entry["time"].endswith("+00:00") and "T" in entry["time"]
    assert entry["path"] == "/" and entry["status"] == 200 and entry["user_id"] is None


def test_json_mode_logs_requests_and_errors_as_json_lines(database_url, restore_logger):
    app = create_app(app_config(database_url, TESTING=False, LOG_FORMAT="json"))

    @app.get("/boom/<token>")
    def boom(token):
        raise RuntimeError("kaboom")

    restore_logger.disabled = False
    (handler,) = [h for h in restore_logger.handlers if isinstance(h.formatter, JsonFormatter)]
    stream = io.StringIO()
    handler.setStream(stream)
    try:
        assert app.test_client().get("/healthz").status_code == 200
        assert app.test_client().get(f"/boom/{SECRET}").status_code == 500
    finally:
        with app.app_context():
            db.engine.dispose()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert SECRET not in stream.getvalue()
    requests = [e for e in lines if e["logger"] == REQUEST_LOGGER]
    assert [(e["path"], e["status"]) for e in requests] == [("/healthz", 200), ("/boom/<token>", 500)]
    assert all(e["level"] == "INFO" and e["duration_ms"] >= 0 for e in requests)
    (error,) = [e for e in lines if e["level"] == "ERROR"]
    assert error["logger"] == "eventapp"
    assert error["path"] == "/boom/<token>" and error["request_id"] == requests[1]["request_id"]
    assert "Traceback" in error["exception"] and "RuntimeError: kaboom" in error["exception"]


def test_log_format_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    assert load_config(tmp_path, {"EVENTAPP_ENV": "development"})["LOG_FORMAT"] == "text"
    assert load_config(tmp_path, {"EVENTAPP_ENV": "production"})["LOG_FORMAT"] == "json"
    monkeypatch.setenv("LOG_FORMAT", "text")
    assert load_config(tmp_path, {"EVENTAPP_ENV": "production"})["LOG_FORMAT"] == "text"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ConfigError):
        load_config(tmp_path, {})
