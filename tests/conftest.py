"""Fixtures: app, client, database, factories, auth and query counting.

Tests run on SQLite (a file in a temporary folder) by default, and on
PostgreSQL when TEST_DATABASE_URL is set. The schema is built by the Alembic
migrations, so the tests also prove that the migrations make a working schema.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import delete, event, text

from eventapp import create_app
from eventapp.extensions import db, limiter

from . import factories

TEST_PASSWORD = factories.TEST_PASSWORD


def app_config(database_url: str, **extra: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "eventapp.test",
        "BASE_URL": "http://eventapp.test",
        "MAIL_DELIVERY": "keep",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; real hashing is tested below
        "PAGE_MICROCACHE_SECONDS": 0,  # tests/test_microcache.py turns it on
        # Tests sign in often; tests/test_rate_limits.py lowers the limits it tests.
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
        "SIGN_IN_EMAIL_RATE_LIMIT": "1000 per minute",
        **extra,
    }


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str):
    app = create_app(app_config(database_url))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _app_context(app) -> Iterator[None]:
    """Each test runs in an app context and starts with empty tables."""
    with app.app_context():
        limiter.reset()  # rate-limit counters do not leak from one test into the next
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(delete(table))


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (its own `g` and database session),
    as in production, even though the test itself holds one open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make():
    """The factories: make.conference(...), make.session(...), make.user(...)…"""
    return factories


@pytest.fixture
def auth(client):
    """Sign the test client in as a user (through the real sign-in form)."""

    class Auth:
        def login(self, user, password: str = TEST_PASSWORD):
            response = client.post(
                "/login", data={"email": user.email, "password": password}
            )
            assert response.status_code == 303, response.get_data(as_text=True)
            return response

        def logout(self):
            return client.post("/logout")

    return Auth()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: …` then `len(queries)`."""

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter


@pytest.fixture
def world(make):
    """See tests/access.py."""
    from eventapp.agenda.models import RoleKind

    published = make.conference(slug="terbit")
    draft = make.conference(slug="draf", published=False)
    room = make.room(draft, "Ruang Uji")
    theme = make.sub_theme(draft, code="UJI")
    person = make.person(draft, "Orang Uji", email="speaker-world@example.org")
    agenda_session = make.session(draft, room=room, sub_theme=theme, title_id="Sesi Uji")
    role = make.role(agenda_session, person, RoleKind.SPEAKER)
    release = make.publish(draft)
    return {
        "published": published, "draft": draft,
        "venue": room.venue_id, "room": room.id, "sub_theme": theme.id, "person": person.id,
        "session": agenda_session.id, "role": role.id, "release": release.number,
    }


@pytest.fixture
def sign_in_as(make, auth, world):
    """Sign in as one of tests.access.ROLES."""

    def sign_in(role: str) -> None:
        if role == "anonymous":
            return
        if role == "attendee":
            user = make.user()
            make.registration(world["draft"], email=user.email)
        elif role == "speaker":
            user = make.user()
            make.person(world["draft"], email=user.email)
        elif role == "checkin":
            from eventapp.accounts.models import MembershipRole
            from eventapp.accounts.services import grant_role

            user = make.user()
            grant_role(user, world["draft"], MembershipRole.CHECKIN)
            db.session.commit()
        elif role == "other_organiser":
            user = make.organiser(world["published"])
        elif role == "organiser":
            user = make.organiser(world["draft"], world["published"])
        else:
            raise ValueError(f"unknown role {role!r}")
        auth.login(user)

    return sign_in


@pytest.fixture
def english(client):
    """Pages and messages in English (the source strings) for tests that assert on
    them: the visitor's language for requests, and the locale for service calls."""
    from flask_babel import force_locale

    client.post("/language", data={"lang": "en", "next": "/"})
    with force_locale("en"):
        yield
