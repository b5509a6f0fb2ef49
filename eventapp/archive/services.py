"""A whole conference as one JSON archive: export, and import into another database.

The archive is table-driven: every table in ARCHIVED_TABLES is copied column by
column, so a column added later travels without touching this module, and a
test (tests/archive/test_services.py) fails when a new conference-owned table is
neither archived nor listed in NOT_ARCHIVED.

Database ids never leave the database. Each row gets an archive-local key
("venue-1", "agenda_session-4": the table and the row's rank by id), foreign keys
become those keys, links to accounts become e-mail addresses, and the few ids
hidden inside values (invitation targets, conflict keys, registration answers,
release snapshots) are translated the same way. Ids of rows that no longer exist
(a snapshot naming a deleted room) become "<table>-gone-<n>" and come back as
negative ids, which no row ever has.
"""
from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Column, Date, LargeBinary, Select, Table, Uuid, insert, select
from sqlalchemy.exc import SQLAlchemyError

from ..conferences.models import Conference, known_timezones
from ..db_types import UTCDateTime, utcnow
from ..errors import DomainError
from ..extensions import db

FORMAT = "eventapp-archive"
VERSION = 1

# Every table that belongs to one conference, parents before children (the
# import inserts in this order). The conference itself is the archive's root.
ARCHIVED_TABLES = (
    "venue",
    "room",
    "sub_theme",
    "person",
    "person_photo",
    "agenda_session",
    "session_role",
    "conflict_acknowledgement",
    "agenda_release",
    "invitation_category",
    "invitation",
    "invitation_token",
    "registration_question",
    "registration",
    "session_choice",
    "dropped_choice",
    "conference_membership",
    "personal_agenda",
    "starred_session",
    "speaker_task",
    "speaker_task_done",
    "audit_entry",
)

# Conference-owned tables deliberately left out, and why.
NOT_ARCHIVED = {
    # The mail queue is transient delivery state; pending messages carry links
    # sealed with this installation's key, useless (and unwanted) elsewhere.
    "outbox_message": "transient mail queue",
}

KEY = "_key"  # each record's archive-local key (no column starts with "_")
USERS = "user_account"  # referenced by e-mail, never copied whole (no password hashes)
ROOT = "conference"
_GONE = re.compile(r"^(?P<table>[a-z_]+)-gone-(?P<n>[1-9][0-9]*)$")
_KEY = re.compile(r"^(?P<table>[a-z_]+)-(?P<n>[1-9][0-9]*)$")


# --- the archive's shape, read from the metadata -----------------------------------------------


@dataclass
class TableShape:
    """How one table travels: which column ties it to its parent, and what each column becomes."""

    table: Table
    owner: Column  # the FK column that scopes rows to the conference
    fields: dict[str, Column] = field(default_factory=dict)  # archive field → column

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def keyed(self) -> bool:
        return [c.name for c in self.table.primary_key.columns] == ["id"]


def _target(column: Column) -> str | None:
    """The table a foreign-key column points at (None for a plain column)."""
    targets = {fk.column.table.name for fk in column.foreign_keys}
    return targets.pop() if targets else None


def _field_name(column: Column) -> str:
    """A foreign key "venue_id" travels as "venue" (its value is a key, not an id)."""
    if _target(column) and column.name.endswith("_id"):
        return column.name[: -len("_id")]
    return column.name


def shapes() -> list[TableShape]:
    """The archived tables in insert order, each with its owner column and fields."""
    tables = db.metadata.tables
    known = {ROOT}
    result = []
    for name in ARCHIVED_TABLES:
        table = tables[name]
        owners = [c for c in table.columns if _target(c) == ROOT] or [
            c for c in table.columns if _target(c) in known
        ]
        if not owners:
            raise RuntimeError(f"archive: {name} has no foreign key to an earlier archived table")
        shape = TableShape(table, owners[0])
        for column in table.columns:
            target = _target(column)
            if column.name == "id" or target == ROOT:
                continue  # ids never travel; the conference is implied
            if target is not None and target not in known and target != USERS:
                raise RuntimeError(f"archive: {name}.{column.name} points outside the archive")
            name_in_archive = _field_name(column)
            if name_in_archive in shape.fields or name_in_archive == KEY:
                raise RuntimeError(f"archive: {name}.{column.name} collides with another field")
            shape.fields[name_in_archive] = column
        known.add(name)
        result.append(shape)
    return result


def _root_fields() -> dict[str, Column]:
    return {c.name: c for c in db.metadata.tables[ROOT].columns if c.name != "id"}


# --- values -------------------------------------------------------------------------------------


def _dump(column: Column, value: Any) -> Any:
    """A column's value as JSON: instants ISO 8601 with offset, bytes base64, enums by value."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime | Date) or isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(kind, Uuid):
        return str(value)
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "value") and isinstance(value, str):  # StrEnum member
        return value.value
    return value


def _load(column: Column, value: Any) -> Any:
    """The reverse of _dump; raises ValueError/TypeError on a malformed value."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        instant = datetime.fromisoformat(value)
        if instant.tzinfo is None:
            raise ValueError(f"{column.name}: instant without a time-zone offset")
        return instant
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Uuid):
        return uuid.UUID(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value, validate=True)
    return value


# --- ids hidden inside values ---------------------------------------------------------------------

Ref = Callable[[str, Any], Any]  # (table, id or key) → key or id


def _int_ref(ref: Ref, table: str, value: Any) -> Any:
    return None if value is None else ref(table, value)


def _target_value(value: str, ref: Ref) -> str:
    """Invitation.target: "delegate" or "session:<id>"."""
    kind, _sep, rest = value.partition(":")
    if kind == "session" and rest:
        return f"session:{ref('agenda_session', _parse_id(rest))}"
    return value


def _conflict_key(value: str, ref: Ref) -> str:
    """ConflictAcknowledgement.key: "room_overlap:<s>:<s>", "person_overlap:<p>:<s>:<s>", or a plain name."""
    parts = value.split(":")
    tables = {"room_overlap": ("agenda_session", "agenda_session"),
              "person_overlap": ("person", "agenda_session", "agenda_session")}.get(parts[0])
    if tables is None or len(parts) != len(tables) + 1:
        return value
    return ":".join([parts[0], *(str(ref(t, _parse_id(p))) for t, p in zip(tables, parts[1:]))])


def _answers(value: dict[str, Any], ref: Ref) -> dict[str, Any]:
    """Registration.answers: {"<question id>": answer}."""
    return {str(ref("registration_question", _parse_id(k))): v for k, v in (value or {}).items()}


def _snapshot(value: dict[str, Any] | None, ref: Ref) -> dict[str, Any] | None:
    """AgendaRelease.snapshot (see agenda.releases.snapshot): ids of rooms, themes, people, sessions."""
    if not value:
        return value
    out = dict(value)
    for section, table in (("rooms", "room"), ("sub_themes", "sub_theme"), ("people", "person")):
        if section in out:
            out[section] = [{**item, "id": _int_ref(ref, table, item.get("id"))} for item in out[section]]
    if "sessions" in out:
        sessions = []
        for item in out["sessions"]:
            item = dict(item)
            item["id"] = _int_ref(ref, "agenda_session", item.get("id"))
            for key, table in (("room_id", "room"), ("sub_theme_id", "sub_theme")):
                if key in item:
                    item[key] = _int_ref(ref, table, item[key])
            if "roles" in item:
                item["roles"] = [{**r, "person_id": _int_ref(ref, "person", r.get("person_id"))}
                                 for r in item["roles"]]
            sessions.append(item)
        out["sessions"] = sessions
    return out


def _changes(value: list[dict[str, Any]] | None, ref: Ref) -> list[dict[str, Any]] | None:
    """AgendaRelease.changes (see agenda.releases.diff): each names its session's id."""
    if value is None:
        return None
    return [{**c, "id": _int_ref(ref, "agenda_session", c.get("id")) if c.get("id") else c.get("id")}
            for c in value]


TRANSLATORS: dict[tuple[str, str], Callable[[Any, Ref], Any]] = {
    ("invitation", "target"): lambda v, ref: v if v is None else _target_value(v, ref),
    ("conflict_acknowledgement", "key"): lambda v, ref: v if v is None else _conflict_key(v, ref),
    ("registration", "answers"): _answers,
    ("agenda_release", "snapshot"): _snapshot,
    ("agenda_release", "changes"): _changes,
}


def _parse_id(text: str) -> Any:
    """An id as written inside a value: an int in the database, a key in the archive."""
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else text


# --- export ---------------------------------------------------------------------------------------


class _ExportRefs:
    """Database id → archive key, with stable "gone" keys for ids of deleted rows."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[int, str]] = {}
        self.gone: dict[str, dict[int, str]] = {}

    def __call__(self, table: str, value: Any) -> str:
        known = self.keys.get(table, {})
        if value in known:
            return known[value]
        gone = self.gone.setdefault(table, {})
        if value not in gone:
            gone[value] = f"{table}-gone-{len(gone) + 1}"
        return gone[value]


def export_conference(conference: Conference) -> dict[str, Any]:
    """Everything of one conference as JSON-ready data (see the module docstring)."""
    db.session.flush()
    conference_table = db.metadata.tables[ROOT]
    scope: dict[str, Select] = {ROOT: select(conference_table.c.id).where(conference_table.c.id == conference.id)}
    rows: dict[str, list[Any]] = {}
    refs = _ExportRefs()
    user_ids: set[int] = set()
    plan = shapes()
    for shape in plan:
        parent = _target(shape.owner)
        table = shape.table
        where = shape.owner.in_(scope[parent])
        rows[shape.name] = list(db.session.execute(
            select(table).where(where).order_by(*table.primary_key.columns)
        ))
        if shape.keyed:
            scope[shape.name] = select(table.c.id).where(where)
            refs.keys[shape.name] = {row.id: f"{shape.name}-{n}" for n, row in enumerate(rows[shape.name], 1)}
        user_ids |= {row._mapping[c.name] for row in rows[shape.name] for c in shape.fields.values()
                     if _target(c) == USERS and row._mapping[c.name] is not None}
    users = _export_users(user_ids)
    emails = {user_id: entry["email"] for user_id, entry in users.items()}

    root = db.session.execute(select(conference_table).where(conference_table.c.id == conference.id)).one()
    tables: dict[str, list[dict[str, Any]]] = {}
    for shape in plan:
        records = []
        for row in rows[shape.name]:
            record: dict[str, Any] = {KEY: refs.keys[shape.name][row.id]} if shape.keyed else {}
            for name, column in shape.fields.items():
                value = row._mapping[column.name]
                target = _target(column)
                if target == USERS:
                    value = emails.get(value)
                elif target is not None:
                    value = None if value is None else refs(target, value)
                else:
                    translate = TRANSLATORS.get((shape.name, column.name))
                    value = _dump(column, translate(value, refs) if translate else value)
                record[name] = value
            records.append(record)
        tables[shape.name] = records
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(),
        "conference": {name: _dump(c, root._mapping[c.name]) for name, c in _root_fields().items()},
        "users": sorted(users.values(), key=lambda u: u["email"]),
        "tables": tables,
    }


def _export_users(user_ids: set[int]) -> dict[int, dict[str, Any]]:
    """The accounts the conference refers to: e-mail, name, language, active. No password."""
    if not user_ids:
        return {}
    users = db.metadata.tables[USERS]
    found = db.session.execute(select(users).where(users.c.id.in_(sorted(user_ids))))
    return {u.id: {"email": u.email, "name": u.name, "locale": u.locale, "active": u.active} for u in found}


# --- import ---------------------------------------------------------------------------------------


class _ImportRefs:
    """Archive key → new database id; "gone" keys become negative ids."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[str, int]] = {}

    def __call__(self, table: str, value: Any) -> int:
        if isinstance(value, str):
            if value in self.ids.get(table, {}):
                return self.ids[table][value]
            gone = _GONE.match(value)
            if gone and gone["table"] == table:
                return -int(gone["n"])
        raise _missing(table, value)


def import_conference(data: Any) -> Conference:
    """Recreate an archived conference. Refuses, with nothing written, a malformed
    archive, another format or version, a slug already in use, or a reference to a
    row the archive lacks; accounts are matched by e-mail or created without a
    password (they sign in by link). Takes the parsed data or the file's text.
    Flushes; the caller commits."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError:  # JSONDecodeError, and bytes that are not UTF-8
            raise DomainError(_("This file is not valid JSON, so it cannot be an archive.")) from None
    plan = _validate(data)
    slug = data["conference"].get("slug")
    if db.session.scalar(select(Conference.id).where(Conference.slug == slug)) is not None:
        raise DomainError(_("A conference with the address %(slug)s already exists.", slug=slug))
    try:
        with db.session.begin_nested():
            conference_id = _write(data, plan)
    except DomainError:
        raise
    except (SQLAlchemyError, ValueError, TypeError, LookupError, AttributeError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
        raise DomainError(_("The archive could not be imported (%(reason)s). Nothing was changed.",
                            reason=reason)) from None
    conference = db.session.get(Conference, conference_id)
    assert conference is not None
    return conference


def _missing(table: str, value: Any) -> DomainError:
    """A reference to a record the archive does not hold (edited or truncated file)."""
    what = f"{table} {value!r}"
    return DomainError(_("The archive refers to %(key)s, which it does not contain.", key=what))


def _validate(data: Any) -> list[TableShape]:
    """Shape checks and every foreign key resolvable, before anything is written."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError(_("This file is not an eventapp conference archive."))
    if data.get("version") != VERSION:
        raise DomainError(_("This archive has version %(found)s; this eventapp reads version %(wanted)s.",
                      found=data.get("version"), wanted=VERSION))
    conference, users, tables = data.get("conference"), data.get("users"), data.get("tables")
    if not isinstance(conference, dict) or not isinstance(users, list) or not isinstance(tables, dict):
        raise DomainError(_("The archive is incomplete: it needs a conference, its users and its tables."))
    if not isinstance(conference.get("slug"), str) or not conference["slug"]:
        raise DomainError(_("The archive's conference has no address (slug)."))
    if conference.get("timezone") not in known_timezones():
        raise DomainError(_("The archive's conference has an unknown time zone."))
    _check_fields(ROOT, conference, _root_fields())
    emails = set()
    for user in users:
        if not isinstance(user, dict) or not isinstance(user.get("email"), str) or not user["email"]:
            raise DomainError(_("The archive has a user without an e-mail address."))
        emails.add(user["email"])
    plan = shapes()
    unknown = set(tables) - {s.name for s in plan}
    if unknown:
        raise DomainError(_("The archive has tables this eventapp does not know: %(names)s.",
                      names=", ".join(sorted(unknown))))
    keys: dict[str, set[str]] = {}
    for shape in plan:
        records = tables.get(shape.name, [])
        if not isinstance(records, list):
            raise DomainError(_("The archive's table %(name)s is not a list.", name=shape.name))
        seen: set[str] = set()
        for record in records:
            if not isinstance(record, dict):
                raise DomainError(_("The archive's table %(name)s holds something other than records.",
                                    name=shape.name))
            _check_fields(shape.name, record, shape.fields, keyed=shape.keyed)
            if shape.keyed:
                key = record.get(KEY)
                match = _KEY.match(key) if isinstance(key, str) else None
                if match is None or match["table"] != shape.name or key in seen:
                    raise DomainError(_("The archive's table %(name)s has a missing or repeated key.", name=shape.name))
                seen.add(key)
            for name, column in shape.fields.items():
                value, target = record.get(name), _target(column)
                if value is None or target is None:
                    continue
                if (target == USERS and value not in emails) or (target != USERS and value not in keys[target]):
                    raise _missing(target, value)
        keys[shape.name] = seen
    return plan


def _check_fields(table: str, record: dict[str, Any], fields: dict[str, Column], *, keyed: bool = False) -> None:
    """Unknown fields are refused (a newer or edited archive); missing ones take the column default."""
    extra = set(record) - set(fields) - ({KEY} if keyed else set())
    if extra:
        raise DomainError(_("The archive's table %(name)s has unknown fields: %(fields)s.",
                      name=table, fields=", ".join(sorted(extra))))


def _write(data: dict[str, Any], plan: list[TableShape]) -> int:
    """Insert the users, the conference and every table in order; returns the conference's id."""
    emails = _import_users(data["users"])
    root = db.metadata.tables[ROOT]
    values = {c.name: _load(c, data["conference"][name])
              for name, c in _root_fields().items() if name in data["conference"]}
    conference_id = db.session.execute(insert(root).values(**values)).inserted_primary_key[0]
    refs = _ImportRefs()
    for shape in plan:
        ids = refs.ids.setdefault(shape.name, {})
        for record in data["tables"].get(shape.name, []):
            row: dict[str, Any] = {c.name: conference_id for c in shape.table.columns if _target(c) == ROOT}
            for name, column in shape.fields.items():
                if name not in record:
                    continue
                value, target = record[name], _target(column)
                if value is None:
                    row[column.name] = None
                elif target == USERS:
                    row[column.name] = emails[value]
                elif target is not None:
                    row[column.name] = refs(target, value)
                else:
                    value = _load(column, value)
                    translate = TRANSLATORS.get((shape.name, column.name))
                    row[column.name] = translate(value, refs) if translate else value
            result = db.session.execute(insert(shape.table).values(**row))
            if shape.keyed:
                ids[record[KEY]] = result.inserted_primary_key[0]
    return conference_id


def _import_users(users: list[dict[str, Any]]) -> dict[str, int]:
    """E-mail → account id: existing accounts are linked, the others created without a password."""
    table = db.metadata.tables[USERS]
    ids: dict[str, int] = {}
    for user in users:
        email = user["email"].strip().lower()
        found = db.session.scalar(select(table.c.id).where(table.c.email == email))
        if found is None:
            found = db.session.execute(insert(table).values(
                email=email, name=user.get("name") or "", locale=user.get("locale"),
                active=bool(user.get("active", True)), password_hash=None,
            )).inserted_primary_key[0]
        ids[user["email"]] = found
    return ids
