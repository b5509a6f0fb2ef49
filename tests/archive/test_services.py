"""The conference archive: what it holds, the round trip between two databases,
and the refusals that leave the database as it was."""
from __future__ import annotations

import base64
import copy
import json
import re
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from eventapp.accounts.models import ConferenceMembership, User
from eventapp.agenda.models import AgendaRelease, AgendaSession, ConflictAcknowledgement
from eventapp.agenda.releases import draft_status
from eventapp.archive.services import ARCHIVED_TABLES, NOT_ARCHIVED, export_conference, import_conference
from eventapp.conferences.models import Conference
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.invitations.models import Invitation
from eventapp.people.models import Person, PersonPhoto
from eventapp.registration.models import QuestionKind, Registration, RegistrationQuestion
from eventapp.tokens import hash_token

from .rich import PHOTO, PLAIN_TOKEN, build_rich_conference

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def without_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "exported_at"}


def row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def empty_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


def conference_owned_tables() -> set[str]:
    """Every table with a foreign key to the conference, or to such a table, and so on."""
    owned = {"conference"}
    while True:
        more = {t.name for t in db.metadata.sorted_tables if t.name not in owned
                and any(fk.column.table.name in owned for fk in t.foreign_keys)}
        if not more:
            return owned - {"conference"}
        owned |= more


def test_every_conference_owned_table_is_archived_or_deliberately_left_out():
    # A new table that hangs off a conference must be added to ARCHIVED_TABLES
    # (in insert order) or, with a reason, to NOT_ARCHIVED.
    assert conference_owned_tables() == set(ARCHIVED_TABLES) | set(NOT_ARCHIVED)
    assert not set(ARCHIVED_TABLES) & set(NOT_ARCHIVED)


def test_the_rich_conference_fills_every_archived_table():
    # Otherwise the round trip below would not prove anything for the empty ones.
    data = export_conference(build_rich_conference())
    assert [name for name in ARCHIVED_TABLES if not data["tables"][name]] == []


def test_archive_holds_keys_not_ids_and_hashes_not_secrets(count_queries):
    conference = build_rich_conference()
    organiser = db.session.scalar(select(User).where(User.email == "ketua@demo.example"))
    secrets = [m.secret for m in db.session.scalars(select(OutboxMessage)) if m.secret]
    with count_queries() as queries:
        data = export_conference(conference)
    assert len(queries) <= len(ARCHIVED_TABLES) + 3  # one per table, whatever the number of rows
    text = json.dumps(data)

    assert (data["format"], data["version"]) == ("eventapp-archive", 1)
    assert data["conference"]["slug"] == conference.slug
    assert ISO_WITH_OFFSET.match(data["conference"]["created_at"])
    assert data["conference"]["starts_on"] == "2019-11-27"
    for records in data["tables"].values():
        assert all("id" not in record for record in records)
    rooms = {r["_key"] for r in data["tables"]["room"]}
    assert {s["room"] for s in data["tables"]["agenda_session"]} - {None} <= rooms
    assert all(ISO_WITH_OFFSET.match(s["starts_at"]) for s in data["tables"]["agenda_session"])

    # Token hashes as stored; no plaintext, no sealed mail secrets, no password hashes.
    assert hash_token(PLAIN_TOKEN) in text and PLAIN_TOKEN not in text
    assert secrets and not any(secret in text for secret in secrets)
    assert organiser.password_hash and organiser.password_hash not in text
    assert all(set(user) == {"email", "name", "locale", "active"} for user in data["users"])

    photo = data["tables"]["person_photo"][0]
    assert base64.b64decode(photo["data"]) == PHOTO
    speaker = next(p for p in data["tables"]["person"] if p["_key"] == photo["person"])
    assert speaker["locked_fields"] == ["position", "photo"]
    # Ids inside values become keys too; rows deleted since become "gone" keys.
    assert {a["key"].split(":")[0] for a in data["tables"]["conflict_acknowledgement"]} == {
        "no_moderator", "person_overlap", "room_overlap"}
    assert "person_overlap:person-1:agenda_session-" in text
    assert any(i["target"].startswith("session:agenda_session-gone-") for i in data["tables"]["invitation"])
    v2 = next(r for r in data["tables"]["agenda_release"] if r["number"] == 2)
    assert any(s["room_id"] == "room-gone-1" for s in v2["snapshot"]["sessions"])


def build_neighbour(make) -> None:
    """Another conference made first, so the rich one's ids differ from those the
    empty database hands out: a missed translation of an id would then show."""
    neighbour = make.conference(slug="tetangga")
    for n in range(3):
        session = make.session(neighbour, room=make.room(neighbour), sub_theme=make.sub_theme(neighbour),
                               start=(9 + n, 0), end=(10 + n, 0))
        make.role(session, make.person(neighbour))
    make.publish(neighbour)
    make.registration(neighbour)
    db.session.add(RegistrationQuestion(conference_id=neighbour.id, label_id="Asal", kind=QuestionKind.SHORT_TEXT))
    db.session.commit()


def test_round_trip_into_an_empty_database(app, other_app, make):
    build_neighbour(make)
    conference = build_rich_conference()
    first = export_conference(conference)
    titles = db.session.scalars(select(AgendaSession.title_id).where(
        AgendaSession.conference_id == conference.id, AgendaSession.starts_at.is_not(None))).all()
    before = app.test_client().get(f"/c/{conference.slug}/agenda").get_data(as_text=True)
    assert not draft_status(conference).differs

    with other_app.app_context():
        imported = import_conference(json.loads(json.dumps(first)))
        db.session.commit()
        second = export_conference(imported)
        # The release snapshots were rewritten with the new ids: the draft equals v3.
        assert not draft_status(imported).differs
        question = db.session.scalar(select(RegistrationQuestion))
        answers = [r.answers for r in db.session.scalars(select(Registration)) if r.answers]
        assert answers == [{str(question.id): "M"}]  # keyed by the new question id
        # Ids inside values point at the new rows (or, for deleted rows, at negative ids).
        by_uid = {str(s.uid): s.id for s in db.session.scalars(select(AgendaSession))}
        changes = [c for r in db.session.scalars(select(AgendaRelease)) for c in r.changes]
        assert {c["id"] for c in changes if c["uid"] in by_uid} == set(by_uid.values())
        assert all(c["id"] == by_uid[c["uid"]] for c in changes if c["uid"] in by_uid)
        assert all(c["id"] < 0 for c in changes if c["uid"] not in by_uid)
        overlap = db.session.scalar(select(ConflictAcknowledgement).where(
            ConflictAcknowledgement.key.startswith("person_overlap")))
        _kind, person_id, first_session, _second = overlap.key.split(":")
        assert db.session.get(Person, int(person_id)).full_name == "Ilham Azikin"
        assert int(first_session) == overlap.session_id
        assert db.session.scalars(select(Invitation.target).where(Invitation.session_id.is_(None),
                                                                  Invitation.kind == "speaker")).all() == ["session:-1"]
        photo = db.session.scalar(select(PersonPhoto))
        assert photo.data == PHOTO
        users = {u.email: u for u in db.session.scalars(select(User))}
        assert all(u.password_hash is None for u in users.values())  # they sign in by link
        memberships = db.session.scalars(select(ConferenceMembership)).all()
        assert db.session.scalars(select(Conference.slug)).all() == [conference.slug]  # one conference only
        assert {m.user.email for m in memberships} == {"ketua@demo.example", "meja@demo.example",
                                                       "pengamat@demo.example"}
        after = other_app.test_client().get(f"/c/{conference.slug}/agenda").get_data(as_text=True)

    assert without_time(second) == without_time(first)
    assert len(titles) >= 8
    assert [t for t in titles if t in before] == [t for t in titles if t in after] == titles


def test_import_links_existing_accounts_by_email(english):
    data = export_conference(build_rich_conference())
    empty_database()
    existing = User(email="ketua@demo.example", name="Sudah Ada")
    existing.set_password("kata sandi lama")
    db.session.add(existing)
    db.session.commit()

    conference = import_conference(data)
    db.session.commit()

    membership = db.session.scalar(select(ConferenceMembership).where(
        ConferenceMembership.conference_id == conference.id, ConferenceMembership.user_id == existing.id))
    assert membership is not None and membership.role.value == "organiser"
    db.session.refresh(existing)
    assert existing.name == "Sudah Ada" and existing.check_password("kata sandi lama")
    assert db.session.scalar(select(User).where(User.email == "meja@demo.example")).password_hash is None


def _set(path: tuple, value: Any):
    def change(data: dict[str, Any]) -> Any:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return data
    return change


REFUSALS = [
    ("not JSON", lambda data: "{not json", "not valid JSON"),
    ("a list", lambda data: [data], "not an eventapp conference archive"),
    ("other format", _set(("format",), "something-else"), "not an eventapp conference archive"),
    ("newer version", _set(("version",), 2), "version 2"),
    ("no tables", _set(("tables",), None), "incomplete"),
    ("bad time zone", _set(("conference", "timezone"), "Mars/Olympus"), "time zone"),
    ("dangling key", _set(("tables", "session_role", 0, "person"), "person-999"), "person-999"),
    ("dangling user", _set(("tables", "conference_membership", 0, "user"), "nobody@example.org"),
     "nobody@example.org"),
    ("repeated key", _set(("tables", "room", 1, "_key"), "room-1"), "repeated key"),
    ("unknown field", _set(("tables", "venue", 0, "colour"), "red"), "unknown fields: colour"),
    ("unknown table", _set(("tables", "spaceship"), []), "spaceship"),
]


@pytest.mark.parametrize(("change", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refused_archives_change_nothing(english, change, message):
    data = export_conference(build_rich_conference())
    empty_database()
    with pytest.raises(DomainError) as refused:
        import_conference(change(copy.deepcopy(data)))
    db.session.commit()
    assert message in refused.value.message
    assert set(row_counts().values()) == {0}


def test_an_existing_slug_is_refused(english):
    conference = build_rich_conference()
    data = export_conference(conference)
    counts = row_counts()
    with pytest.raises(DomainError, match="already exists"):
        import_conference(data)
    db.session.commit()
    assert row_counts() == counts


HALF_WAY = [
    # A late table breaks a unique constraint, after hundreds of rows went in.
    ("duplicate token hash", lambda d: d["tables"]["invitation_token"][-1].update(
        token_hash=d["tables"]["invitation_token"][0]["token_hash"]), "could not be imported"),
    # A key hidden in a release snapshot names a row the archive lacks.
    ("dangling key in a snapshot", lambda d: d["tables"]["agenda_release"][-1]["snapshot"]["sessions"][0].update(
        room_id="room-99"), "room-99"),
]


@pytest.mark.parametrize(("break_it", "message"), [h[1:] for h in HALF_WAY], ids=[h[0] for h in HALF_WAY])
def test_an_import_failing_half_way_leaves_no_rows(english, count_queries, break_it, message):
    data = export_conference(build_rich_conference())
    empty_database()
    break_it(data)
    with count_queries() as queries, pytest.raises(DomainError) as refused:
        import_conference(data)
    db.session.commit()
    assert message in refused.value.message
    assert sum(q.lstrip().upper().startswith("INSERT") for q in queries) > 50  # it did get half way
    assert set(row_counts().values()) == {0}
    assert db.session.scalar(select(func.count()).select_from(Conference)) == 0
