import sqlite3
import stat

import pytest
from sqlalchemy import text

from eventapp import create_app
from eventapp.config import normalise_database_url
from eventapp.extensions import db


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "EVENTAPP_ENV", "DEFAULT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_without_secret_key_stops_with_a_clear_message(clean_env, tmp_path):
    clean_env.setenv("EVENTAPP_ENV", "production")
    with pytest.raises(SystemExit) as stopped:
        create_app({"INSTANCE_PATH": tmp_path, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert "SECRET_KEY is not set" in str(stopped.value.code)
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_secret_key_once_and_keeps_it(clean_env, tmp_path):
    config = {"INSTANCE_PATH": tmp_path, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secret_key_from_the_environment_wins(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "from-env")
    clean_env.setenv("EVENTAPP_ENV", "production")
    app = create_app({"INSTANCE_PATH": tmp_path, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_database_url_comes_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    app = create_app({"INSTANCE_PATH": tmp_path})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"


def test_unreachable_database_stops_with_one_line_naming_host_and_database(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgresql://ani:s3cret-pw@127.0.0.1:1/konas_db")
    with pytest.raises(SystemExit) as stopped:
        create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"})
    message = str(stopped.value.code)
    assert "'konas_db' on 127.0.0.1:1" in message
    assert "s3cret-pw" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_url_forms_are_normalised(given, expected):
    assert normalise_database_url(given) == expected


def test_bad_environment_values_are_refused(clean_env, tmp_path):
    clean_env.setenv("EVENTAPP_ENV", "staging")
    with pytest.raises(SystemExit, match="EVENTAPP_ENV"):
        create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"})
    clean_env.setenv("EVENTAPP_ENV", "development")
    clean_env.setenv("DEFAULT_LOCALE", "fr")
    with pytest.raises(SystemExit, match="DEFAULT_LOCALE"):
        create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"})


def test_sqlite_runs_with_foreign_keys_and_wal(clean_env, tmp_path):
    app = create_app({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    raw = sqlite3.connect(tmp_path / "p.db")  # WAL is a property of the file itself
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_behind_a_proxy_rate_limits_count_the_visitors_address(tmp_path, database_url):
    from flask import request

    from .conftest import app_config

    def remote():
        return request.remote_addr or ""

    proxied = create_app(app_config(database_url, TRUSTED_PROXIES=1, INSTANCE_PATH=str(tmp_path)))
    direct = create_app(app_config(database_url, INSTANCE_PATH=str(tmp_path)))
    try:
        for app in (proxied, direct):
            app.add_url_rule("/_remote", view_func=remote)
        header = {"X-Forwarded-For": "203.0.113.7"}
        assert proxied.test_client().get("/_remote", headers=header).get_data(as_text=True) == "203.0.113.7"
        assert direct.test_client().get("/_remote", headers=header).get_data(as_text=True) != "203.0.113.7"
    finally:
        for app in (proxied, direct):
            with app.app_context():
                db.engine.dispose()  # these apps' pools must not outlive the test
