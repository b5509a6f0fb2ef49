"""A second, empty database (and app) to import archives into."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from eventapp import create_app
from eventapp.extensions import db

from ..conftest import app_config


@pytest.fixture
def other_app(database_url: str, tmp_path) -> Iterator[Flask]:
    """Another app on its own empty database of the same kind as the test database
    (a second SQLite file, or a second PostgreSQL database made for the test)."""
    admin = None
    if database_url.startswith("postgresql"):
        url = make_url(database_url)
        name = f"{url.database}_archive_copy"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        other_url = url.set(database=name).render_as_string(hide_password=False)
    else:
        other_url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    other = create_app(app_config(other_url))
    with other.app_context():
        db.create_all()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
