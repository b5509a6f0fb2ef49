"""CSV import of people and sessions: parse, check, preview, apply.

The flow:

1. `decode_upload()` turns the uploaded bytes into text (UTF-8 with or without
   a BOM; anything else is refused with a message).
2. `plan_import()` reads the CSV (comma or semicolon, Excel-style quoting) and
   checks every row *without writing*: what each row would create, and every
   problem as (line, column, reason). Duplicates inside the file and against
   the database are found here.
3. `dry_run()` applies the rows that passed through the real services inside
   the request's transaction and rolls it back, so the rules that need the
   earlier rows in place (a room booked twice by two rows of the same file)
   show up in the preview too, at the right line.
4. On confirm, the view plans again from the posted text (the preview is never
   trusted) and `apply_import()` writes every row or none: the first broken
   rule raises `RowError` and the view rolls the whole transaction back.

Idempotency: the audit entry of an import ("import.people" or
"import.sessions") carries the SHA-256 digest of the normalised CSV text. A
file whose digest is already in the conference's log is refused, so a
double-submitted confirm imports once. `apply_import()` checks again after
taking the conference lock, so two confirms racing each other cannot both pass.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..audit.models import AuditEntry
from ..audit.services import record
from ..conferences.models import Conference, Room, SubTheme, Venue
from ..errors import DomainError
from ..extensions import db
from ..i18n import format_datetime_local
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Person, Sector
from ..people.services import create_person, normalise_email
from .models import SESSION_KIND_LABELS, AgendaSession, RoleKind, SessionKind
from .services import assign_person, check_times, create_session, lock_conference

KINDS = ("people", "sessions")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Each row goes through the services (a few queries each), so a file is kept
# to what a conference plausibly has.
MAX_ROWS = 2000
# A dry run stops looking for rule errors after this many (each one costs a pass).
MAX_DRY_RUN_PASSES = 10

PEOPLE_COLUMNS = (
    "full_name", "honorific", "position", "organisation", "sector", "gender", "email",
    "bio_id", "bio_en",
)
SESSION_COLUMNS = (
    "title_id", "title_en", "kind", "day", "start", "end", "room", "sub_theme", "capacity",
    "abstract_id", "abstract_en", "spans_all_rooms", "keynotes", "speakers", "moderators",
    "rapporteurs",
)
COLUMNS = {"people": PEOPLE_COLUMNS, "sessions": SESSION_COLUMNS}
# Role columns in the order the people are added to a session.
ROLE_COLUMNS = {
    "keynotes": RoleKind.KEYNOTE,
    "speakers": RoleKind.SPEAKER,
    "moderators": RoleKind.MODERATOR,
    "rapporteurs": RoleKind.RAPPORTEUR,
}
# Column widths of the database, so an overlong value is a row error, not a crash.
MAX_LENGTHS = {
    "full_name": 200, "honorific": 40, "position": 200, "organisation": 200, "email": 254,
    "title_id": 300, "title_en": 300,
}
# Which CSV column a service's DomainError.field belongs to.
FIELD_COLUMNS = {
    "people": {"full_name": "full_name", "email": "email"},
    "sessions": {
        "title_id": "title_id", "title_en": "title_en", "kind": "kind", "starts_at": "day",
        "ends_at": "end", "room": "room", "sub_theme": "sub_theme", "capacity": "capacity",
        "spans_all_rooms": "spans_all_rooms",
    },
}

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DAY_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DMY_DAY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
CLOCK_RE = re.compile(r"^(\d{1,2})[:.](\d{2})$")
YES = {"yes", "ya", "y", "true", "1"}
NO = {"no", "tidak", "n", "false", "0", ""}


class RowError(DomainError):
    """A broken rule at one line (and column) of the file."""

    def __init__(self, message: str, line: int, column: str | None) -> None:
        super().__init__(message, column)
        self.line = line
        self.column = column


@dataclass
class Problem:
    line: int | None  # None: the file as a whole
    column: str | None
    message: str


@dataclass
class PlannedRow:
    line: int
    cells: dict[str, str]
    # Parsed values, ready for the services (rooms, people… as objects).
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)

    def error(self, column: str | None, message: str) -> None:
        self.errors.append(Problem(self.line, column, message))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPlan:
    kind: str
    text: str
    digest: str
    rows: list[PlannedRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.errors]

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.problems

    def row_at(self, line: int) -> PlannedRow | None:
        return next((row for row in self.rows if row.line == line), None)


# --- reading the file -------------------------------------------------------------


def normalise_text(text: str) -> str:
    """One newline convention, no BOM: the text is hashed, and browsers send a
    hidden field's line breaks as CRLF."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def decode_upload(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte-order mark."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _("The file is not UTF-8 text. In your spreadsheet, save it as "
              "“CSV UTF-8” and upload it again."),
            "file",
        ) from None
    if "\x00" in text:
        raise DomainError(_("The file is not a CSV text file."), "file")
    return normalise_text(text)


def digest_of(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def detect_delimiter(text: str) -> str:
    """Comma or semicolon, whichever the header line uses more (spreadsheets in
    Indonesian and most European locales save CSV with semicolons)."""
    header = next((line for line in text.split("\n") if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


def column_key(name: str) -> str:
    """'Full name', 'full-name' and 'FULL_NAME' all mean full_name."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def read_records(text: str) -> tuple[list[tuple[int, list[str]]], str | None]:
    """Non-blank records with the line each starts on; or an error message."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    records: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for record_ in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in record_):
                records.append((start, record_))
    except csv.Error as error:
        return records, _("Line %(line)d cannot be read: %(reason)s", line=previous + 1, reason=str(error))
    return records, None


# --- values -------------------------------------------------------------------------


def _choice_map(enum_cls: type, labels: dict) -> dict[str, Any]:
    """Every spelling accepted for an enum: value, value with spaces, and the
    English and Indonesian labels (case-insensitive)."""
    spellings: dict[str, Any] = {}
    for member in enum_cls:
        spellings[member.value.casefold()] = member
        spellings[member.value.replace("_", " ").casefold()] = member
        for lang in ("en", "id"):
            with force_locale(lang):
                spellings[str(labels[member]).casefold()] = member
    return spellings


def _parse_choice(row: PlannedRow, column: str, spellings: dict[str, Any], enum_cls: type, default):
    raw = row.cells.get(column, "").strip()
    if not raw:
        return default
    member = spellings.get(raw.casefold())
    if member is None:
        row.error(column, _("“%(value)s” is not allowed. Use one of: %(allowed)s.",
                            value=raw, allowed=", ".join(m.value for m in enum_cls)))
    return member or default


def parse_day(raw: str) -> date | None:
    """2019-11-27 or 27/11/2019."""
    raw = raw.strip()
    try:
        if match := ISO_DAY_RE.match(raw):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := DMY_DAY_RE.match(raw):
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def parse_clock(raw: str) -> time | None:
    """09:00 or 09.00."""
    match = CLOCK_RE.match(raw.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _check_lengths(row: PlannedRow) -> None:
    for column, limit in MAX_LENGTHS.items():
        if len(row.cells.get(column, "").strip()) > limit:
            row.error(column, _("Use at most %(max)d characters.", max=limit))


# --- planning ------------------------------------------------------------------------


def previous_import(conference: Conference, kind: str, digest: str) -> AuditEntry | None:
    """The audit entry of an earlier import of exactly this file, if any."""
    return db.session.scalar(
        select(AuditEntry)
        .where(
            AuditEntry.conference_id == conference.id,
            AuditEntry.action == f"import.{kind}",
            AuditEntry.summary.contains(digest),
        )
        .limit(1)
    )


def _already_imported_message(conference: Conference, entry: AuditEntry) -> str:
    return _("This file was already imported (%(when)s). Nothing was imported again.",
             when=format_datetime_local(entry.created_at, conference.timezone))


def plan_import(conference: Conference, kind: str, text: str) -> ImportPlan:
    """Parse and check the whole file without writing anything."""
    if kind not in KINDS:
        raise ValueError(kind)
    text = normalise_text(text)
    plan = ImportPlan(kind=kind, text=text, digest=digest_of(text))
    records, read_error = read_records(text)
    if read_error:
        plan.file_errors.append(read_error)
    if not records:
        plan.file_errors.append(_("The file is empty."))
        return plan
    header_line, header = records[0]
    keys = [column_key(name) for name in header]
    known = COLUMNS[kind]
    plan.columns = [key for key in keys if key in known]
    seen: set[str] = set()
    for name, key in zip(header, keys, strict=True):
        if key in seen and key:
            plan.file_errors.append(_("The column “%(name)s” appears twice.", name=name.strip()))
        seen.add(key)
        if key and key not in known:
            plan.warnings.append(_("The column “%(name)s” is not used and was ignored.",
                                   name=name.strip() or "?"))
    if kind == "people" and "full_name" not in seen:
        plan.file_errors.append(_("The required column “%(name)s” is missing.", name="full_name"))
    if kind == "sessions" and not {"title_id", "title_en"} & seen:
        plan.file_errors.append(_("The file needs a column “title_id” or “title_en”."))
    if plan.file_errors:
        return plan
    for line, record_ in records[1:]:
        row = PlannedRow(line=line, cells={})
        for key, value in zip(keys, record_, strict=False):
            if key in known:
                row.cells[key] = value.strip()
        if any(cell.strip() for cell in record_[len(keys):]):
            row.error(None, _("This row has %(cells)d values but the header has %(columns)d. "
                              "Put values that contain the separator in double quotes.",
                              cells=len(record_), columns=len(keys)))
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append(_("The file has a header but no rows to import."))
        return plan
    if len(plan.rows) > MAX_ROWS:
        plan.file_errors.append(_("The file has %(rows)d rows; import at most %(max)d at a time.",
                                  rows=len(plan.rows), max=MAX_ROWS))
        return plan
    if kind == "people":
        _check_people(conference, plan)
    else:
        _check_sessions(conference, plan)
    earlier = previous_import(conference, kind, plan.digest)
    if earlier is not None:
        plan.file_errors.append(_already_imported_message(conference, earlier))
    return plan


def _check_people(conference: Conference, plan: ImportPlan) -> None:
    sectors = _choice_map(Sector, SECTOR_LABELS)
    genders = _choice_map(Gender, GENDER_LABELS)
    existing = set(
        db.session.scalars(
            select(Person.email).where(Person.conference_id == conference.id, Person.email.is_not(None))
        )
    )
    first_line_of: dict[str, int] = {}
    for row in plan.rows:
        cells = row.cells
        _check_lengths(row)
        if not cells.get("full_name"):
            row.error("full_name", _("Enter the person's name."))
        email = normalise_email(cells.get("email"))
        if email and not EMAIL_RE.match(email):
            row.error("email", _("Enter a valid e-mail address."))
        elif email in existing:
            row.error("email", _("A person with this e-mail address already exists in this conference."))
        elif email in first_line_of:
            row.error("email", _("The same e-mail address is on line %(line)d.", line=first_line_of[email]))
        if email:
            first_line_of.setdefault(email, row.line)
        row.values = {
            "full_name": cells.get("full_name", ""),
            "honorific": cells.get("honorific", ""),
            "position": cells.get("position", ""),
            "organisation": cells.get("organisation", ""),
            "sector": _parse_choice(row, "sector", sectors, Sector, Sector.OTHER),
            "gender": _parse_choice(row, "gender", genders, Gender, Gender.NOT_STATED),
            "email": email,
            "bio_id": cells.get("bio_id", ""),
            "bio_en": cells.get("bio_en", ""),
        }


class _PeopleIndex:
    """This conference's people, found by e-mail or by full name."""

    def __init__(self, conference: Conference) -> None:
        self.by_email: dict[str, Person] = {}
        self.by_name: dict[str, list[Person]] = {}
        for person in db.session.scalars(select(Person).where(Person.conference_id == conference.id)):
            if person.email:
                self.by_email[person.email.lower()] = person
            self.by_name.setdefault(_name_key(person.full_name), []).append(person)

    def find(self, row: PlannedRow, column: str) -> list[Person]:
        people: list[Person] = []
        for token in (part.strip() for part in row.cells.get(column, "").split(";")):
            if not token:
                continue
            if "@" in token:
                person = self.by_email.get(token.lower())
                if person is None:
                    row.error(column, _("Nobody in this conference has the e-mail address %(email)s.",
                                        email=token))
                    continue
            else:
                matches = self.by_name.get(_name_key(token), [])
                if len(matches) > 1:
                    row.error(column, _("Several people are called “%(name)s”: use their e-mail "
                                        "address instead.", name=token))
                    continue
                if not matches:
                    row.error(column, _("Nobody in this conference is called “%(name)s”. Import "
                                        "or add the person first.", name=token))
                    continue
                person = matches[0]
            people.append(person)
        return people


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_sessions(conference: Conference, plan: ImportPlan) -> None:
    kinds = _choice_map(SessionKind, SESSION_KIND_LABELS)
    rooms: dict[str, list[Room]] = {}
    for room in db.session.scalars(
        select(Room).join(Venue).where(Venue.conference_id == conference.id)
    ):
        rooms.setdefault(room.name.strip().casefold(), []).append(room)
    themes = {
        theme.code.strip().casefold(): theme
        for theme in db.session.scalars(select(SubTheme).where(SubTheme.conference_id == conference.id))
    }
    people = _PeopleIndex(conference)
    existing: set[tuple[str, datetime | None]] = set()
    for title_id, title_en, starts_at in db.session.execute(
        select(AgendaSession.title_id, AgendaSession.title_en, AgendaSession.starts_at)
        .where(AgendaSession.conference_id == conference.id)
    ):
        for title in (title_id, title_en):
            if title.strip():
                existing.add((_name_key(title), starts_at))
    first_line_of: dict[tuple[str, date | None, time | None], int] = {}
    for row in plan.rows:
        cells = row.cells
        values: dict[str, Any] = row.values
        _check_lengths(row)
        title_id, title_en = cells.get("title_id", ""), cells.get("title_en", "")
        if not (title_id or title_en):
            row.error("title_id", _("Give the session a title."))
        values.update(title_id=title_id, title_en=title_en,
                      abstract_id=cells.get("abstract_id", ""), abstract_en=cells.get("abstract_en", ""))
        values["kind"] = _parse_choice(row, "kind", kinds, SessionKind, SessionKind.PARALLEL)

        day = start = end = None
        if cells.get("day"):
            day = parse_day(cells["day"])
            if day is None:
                row.error("day", _("Write the day as YYYY-MM-DD or DD/MM/YYYY."))
        for column in ("start", "end"):
            if cells.get(column):
                clock = parse_clock(cells[column])
                if clock is None:
                    row.error(column, _("Write the time as HH:MM or HH.MM."))
                elif column == "start":
                    start = clock
                else:
                    end = clock
        given = [bool(cells.get(column)) for column in ("day", "start", "end")]
        if any(given) and not all(given):
            missing = [c for c, present in zip(("day", "start", "end"), given, strict=True) if not present]
            for column in missing:
                row.error(column, _("Give the day, start and end, or none of them (unscheduled)."))
        starts_at = ends_at = None
        if day and start and end:
            starts_at = datetime.combine(day, start, tzinfo=conference.zone)
            ends_at = datetime.combine(day, end, tzinfo=conference.zone)
            try:
                check_times(conference, starts_at, ends_at)
            except DomainError as error:
                row.error(FIELD_COLUMNS["sessions"].get(error.field or "", "day"), error.message)
        values.update(starts_at=starts_at, ends_at=ends_at)

        values["room"] = None
        if cells.get("room"):
            found = rooms.get(cells["room"].casefold(), [])
            if len(found) == 1:
                values["room"] = found[0]
            elif found:
                row.error("room", _("Several venues have a room called “%(name)s”.", name=cells["room"]))
            else:
                row.error("room", _("This conference has no room called “%(name)s”. Rooms: %(rooms)s.",
                                    name=cells["room"],
                                    rooms=", ".join(sorted(r[0].name for r in rooms.values())) or "–"))
        values["sub_theme"] = None
        if cells.get("sub_theme"):
            values["sub_theme"] = themes.get(cells["sub_theme"].casefold())
            if values["sub_theme"] is None:
                row.error("sub_theme", _("This conference has no sub-theme with the code “%(code)s”. "
                                         "Codes: %(codes)s.", code=cells["sub_theme"],
                                         codes=", ".join(t.code for t in themes.values()) or "–"))
        values["capacity"] = None
        if cells.get("capacity"):
            if cells["capacity"].isdigit() and int(cells["capacity"]) > 0:
                values["capacity"] = int(cells["capacity"])
            else:
                row.error("capacity", _("Capacity must be a positive number."))
        spans = cells.get("spans_all_rooms", "").casefold()
        if spans not in YES | NO:
            row.error("spans_all_rooms", _("Write yes or no."))
        values["spans_all_rooms"] = spans in YES

        assigned: dict[int, str] = {}
        for column in ROLE_COLUMNS:
            values[column] = people.find(row, column)
            for person in values[column]:
                if person.id in assigned:
                    row.error(column, _("%(name)s is already in this session (%(column)s).",
                                        name=person.full_name, column=assigned[person.id]))
                assigned.setdefault(person.id, column)
            values[column] = list(dict.fromkeys(values[column]))

        titles = [_name_key(t) for t in (title_id, title_en) if t]
        if any((title, starts_at) in existing for title in titles):
            row.error("title_id" if title_id else "title_en",
                      _("A session with this title at this time already exists."))
        for title in titles:
            key = (title, day, start)
            if key in first_line_of:
                row.error("title_id" if title_id else "title_en",
                          _("The same session is on line %(line)d.", line=first_line_of[key]))
                break
        for title in titles:
            first_line_of.setdefault((title, day, start), row.line)


# --- applying --------------------------------------------------------------------------


def _apply_rows(conference: Conference, kind: str, rows: Iterable[PlannedRow], actor) -> int:
    """Create each row through the services, in file order; the first broken
    rule raises RowError at that row's line and column."""
    columns = FIELD_COLUMNS[kind]
    count = 0
    for row in rows:
        values = row.values
        try:
            if kind == "people":
                create_person(conference, actor=actor, **values)
            else:
                session = create_session(
                    conference, actor=actor,
                    **{name: values[name] for name in (
                        "title_id", "title_en", "kind", "starts_at", "ends_at", "room", "sub_theme",
                        "capacity", "abstract_id", "abstract_en", "spans_all_rooms")},
                )
                for column, role in ROLE_COLUMNS.items():
                    for person in values[column]:
                        try:
                            assign_person(session, person, role)
                        except DomainError as error:
                            raise RowError(error.message, row.line, column) from None
        except RowError:
            raise
        except DomainError as error:
            raise RowError(error.message, row.line, columns.get(error.field or "")) from None
        count += 1
    return count


def apply_import(conference: Conference, plan: ImportPlan, *, actor) -> int:
    """Create every row of a checked plan, or raise (the caller rolls back, so
    nothing is written). One audit entry names the file's digest; a file
    already imported into this conference is refused."""
    if not plan.ok:
        raise DomainError(_("Correct the errors in the file and upload it again."))
    lock_conference(conference)
    earlier = previous_import(conference, plan.kind, plan.digest)
    if earlier is not None:
        raise DomainError(_already_imported_message(conference, earlier))
    count = _apply_rows(conference, plan.kind, plan.rows, actor)
    rows = "1 row" if count == 1 else f"{count} rows"
    record(conference, actor, f"import.{plan.kind}",
           f"Imported {plan.kind} from a CSV file: {rows} (sha256 {plan.digest})")
    return count


def dry_run(conference: Conference, plan: ImportPlan, *, actor) -> ImportPlan:
    """Find the rule errors that only show when the rows are applied (a room
    taken by an earlier row): apply the error-free rows, then roll back. Each
    failing row is noted and left out of the next pass. Writes nothing:
    it rolls back the caller's transaction, so call it with nothing pending."""
    if plan.file_errors:
        return plan
    excluded: set[int] = set()
    try:
        for _pass in range(MAX_DRY_RUN_PASSES):
            rows = [row for row in plan.rows if row.ok and row.line not in excluded]
            try:
                _apply_rows(conference, plan.kind, rows, actor)
            except RowError as error:
                db.session.rollback()
                excluded.add(error.line)
                row = plan.row_at(error.line)
                if row is not None:
                    row.error(error.column, error.message)
                continue
            break
    finally:
        db.session.rollback()
    return plan
