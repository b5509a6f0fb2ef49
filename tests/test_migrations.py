"""The migrations match the models and upgrade a database that holds data."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from eventapp import create_app
from eventapp.extensions import db

from .conftest import app_config

FIRST = "ebf6e1bb5510"


def test_models_and_migrations_do_not_drift(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_upgrade_keeps_existing_sessions_and_gives_them_an_identity(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(app_config(url))
    with app.app_context():
        upgrade(revision=FIRST)
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO conference (id, slug, title_id, title_en, theme_id, theme_en, description_id,"
                " description_en, organisers, timezone, starts_on, ends_on, status, is_demo, created_at)"
                " VALUES (1, 'lama', 'Lama', '', '', '', '', '', '', 'Asia/Jakarta', '2019-11-27',"
                " '2019-11-27', 'published', 0, '2019-01-01 00:00:00')"))
            for i in (1, 2):
                connection.execute(text(
                    "INSERT INTO agenda_session (id, conference_id, title_id, title_en, abstract_id,"
                    " abstract_en, kind, starts_at, ends_at, room_id, sub_theme_id, capacity)"
                    f" VALUES ({i}, 1, 'Sesi {i}', '', '', '', 'plenary', '2019-11-27 0{i}:00:00',"
                    f" '2019-11-27 0{i}:30:00', NULL, NULL, NULL)"))
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT uid, version, spans_all_rooms FROM agenda_session")).all()
        assert len(rows) == 2 and len({r[0] for r in rows}) == 2 and all(r[0] for r in rows)
        assert {(r[1], r[2]) for r in rows} == {(1, 0)}
        with db.engine.connect() as connection:
            # Rebuilding `conference` (SQLite batch mode) must not cascade into its children.
            mode = connection.execute(text("SELECT registration_mode, contact_email FROM conference")).one()
        assert tuple(mode) == ("open", "")
        downgrade(revision=FIRST)
        upgrade()
        db.engine.dispose()
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM agenda_session")).scalar() == 2
    engine.dispose()


def test_foreign_keys_are_enforced_after_migrating(app):
    """env.py switches them off on SQLite while migrating; the pooled connection must get them back."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_this_sessions_migrations_upgrade_a_database_holding_the_demo(tmp_path):
    """Down to before the speaker-portal and insights migrations, and up again,
    with the demo conference in the database: nothing of it is lost (SQLite
    rebuilds `conference`, `person` and `session_role` in batch mode)."""
    from eventapp.demo import load_demo

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    app = create_app(app_config(url))
    tables = ("conference", "agenda_session", "person", "session_role", "registration", "session_choice",
              "invitation", "agenda_release")

    def counts() -> dict[str, int]:
        with db.engine.connect() as connection:
            return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}

    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        before = counts()
        assert all(before.values())
        db.session.remove()
        downgrade(revision="3445a02b0a0d")
        upgrade()
        assert counts() == before
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            assert connection.execute(text("SELECT count(*) FROM person WHERE locked_fields = '[]'")).scalar() \
                == before["person"]
        assert differences == []
        db.session.remove()
        db.engine.dispose()
