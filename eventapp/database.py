"""Start-up check that the configured database answers."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from .config import ConfigError
from .extensions import db


def describe_database(url: str) -> str:
    """'database "x" on host:port' — never the password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite database {parsed.database or ':memory:'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.get_backend_name()} database {parsed.database!r} on {host}{port}"


def check_database(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError) as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()
            short = reason[0] if reason else error.__class__.__name__
            password = make_url(url).password
            if password:
                short = short.replace(str(password), "***")
            raise ConfigError(
                f"cannot reach the {describe_database(url)} ({short}). Check DATABASE_URL."
            ) from None
        finally:
            db.engine.dispose()  # no connection carried into forked workers


def begin_write() -> None:
    """Make the current transaction a writer from here on.

    SQLite: BEGIN IMMEDIATE, so a read-then-write sequence (count the seats,
    then take one) cannot interleave with another writer — SQLAlchemy silently
    drops FOR UPDATE on SQLite. Other writers wait (busy_timeout). PostgreSQL:
    nothing; row locks and conditional UPDATEs do it there."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:  # no write yet in this transaction
        connection.exec_driver_sql("BEGIN IMMEDIATE")
