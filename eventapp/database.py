"""Start-up check that the configured database answers; writing helpers."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask
from sqlalchemy import Insert, Table, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import make_transient_to_detached

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


def insert_as_loaded(*instances: Any) -> None:
    """INSERT new objects of one mapped class in one Core statement and make
    them part of the session as if loaded from the database: no flush.

    For the one write every registrant makes: the unit of work spends more on a
    few new rows (ordering, history, cascades) than the INSERTs cost. The caller
    sets every foreign-key column; relationships set on the objects are not
    written (give them with `set_committed_value` afterwards). Unset columns
    take their Python `default=` here, so each object holds every value it was
    written with; the primary keys come back from the INSERT."""
    if not instances:
        return
    mapper = inspect(instances[0]).mapper
    if mapper.version_id_col is not None or any(inspect(i).mapper is not mapper for i in instances):
        raise TypeError("insert_as_loaded takes objects of one unversioned mapped class")
    table = mapper.local_table
    (key,) = mapper.primary_key
    rows = []
    for instance in instances:
        row = {}
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if column is key:
                continue
            if prop.key not in instance.__dict__:
                default = column.default
                if (default is None and column.server_default is not None) or (
                        default is not None and not (default.is_scalar or default.is_callable)):
                    raise TypeError(f"{table.name}.{column.name}: set it (its default is the database's)")
                setattr(instance, prop.key, None if default is None
                        else default.arg(None) if default.is_callable else default.arg)
            row[column.key] = instance.__dict__[prop.key]
        rows.append(row)
    ids = db.session.connection().scalars(_insert_returning(table, len(rows) > 1),
                                          rows if len(rows) > 1 else rows[0]).all()
    for instance, new_id in zip(instances, ids, strict=True):
        setattr(instance, mapper.get_property_by_column(key).key, new_id)
        make_transient_to_detached(instance)
        db.session.add(instance)


@lru_cache(maxsize=None)
def _insert_returning(table: Table, many: bool) -> Insert:
    """Built once per table (building and keying a statement costs as much as running it)."""
    (key,) = table.primary_key.columns
    return table.insert().returning(key, sort_by_parameter_order=many)
