"""Inviting delegates in bulk from a CSV file: parse, check, preview, apply.

The flow follows the agenda import (eventapp.agenda.imports), whose file
reading it reuses (`decode_upload`, `read_records`, `column_key`…):

1. `plan_bulk()` reads the CSV and checks every row *without writing*: what each
   row will do and every problem as (line, column, reason). The line is the
   file's line, the header being line 1.
2. The preview shows the plan. On confirm the view plans again from the posted
   text (the preview is never trusted) and `apply_bulk()` writes every
   invitation or none.

What a row does:

- an error (no name, an invalid or repeated e-mail address, an unknown sector,
  gender or language, a value too long for the database) blocks the whole
  file: nothing is imported, and every bad row is listed;
- an e-mail address that already has a delegate invitation in this conference
  (not revoked) is *skipped*, not an error, so a corrected file can be
  uploaded again, and a double-submitted confirm invites nobody twice; a
  revoked invitation is renewed (as `invite_delegate` does);
- a category is found by name (ignoring case) or created on confirm.

Quotas limit acceptances, not invitations: inviting more people than a
category's quota is only a warning.

Speed: the rows are checked and applied in a fixed number of queries whatever
their number (existing invitations, categories, quota counts); `apply_bulk`
adds every row and flushes once, and SQLAlchemy batches the INSERTs (on
PostgreSQL; SQLite's driver sends them one by one, in-process). The mails go
into the outbox here and out through the worker (bench/invitations_bulk.py:
514 rows confirm in well under a second).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError

from ..agenda.imports import (
    Problem,
    _choice_map,
    _parse_choice,
    column_key,
    normalise_text,
    read_records,
)
from ..agenda.services import lock_conference
from ..audit.services import record
from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from ..i18n import LANGUAGE_NAMES
from ..people.models import GENDER_LABELS, SECTOR_LABELS, Gender, Sector
from .models import Invitation, InvitationCategory, InvitationKind, InvitationStatus
from .services import (
    DELEGATE_TARGET,
    Invitee,
    _check_respond_by,
    _fill,
    normalise_email,
    send_invitation,
)

COLUMNS = (
    "name", "email", "honorific", "position", "organisation", "sector", "gender", "language", "category",
)
REQUIRED_COLUMNS = ("name", "email")
# Other spellings of a column name (after column_key()), e.g. the people import's.
ALIASES = {"full_name": "name", "e_mail": "email"}
# Where each column is stored, so an overlong value is a row error, not a database error.
_STORED_IN = {
    "name": Invitation.__table__.c.full_name,
    "email": Invitation.__table__.c.email,
    "honorific": Invitation.__table__.c.honorific,
    "position": Invitation.__table__.c.position,
    "organisation": Invitation.__table__.c.organisation,
    "category": InvitationCategory.__table__.c.name,
}
MAX_LENGTHS = {column: stored.type.length for column, stored in _STORED_IN.items()}
LANGUAGES = ("id", "en")
# Every row becomes an invitation and a rendered e-mail in one transaction;
# this keeps one import to what a conference plausibly sends at once.
MAX_ROWS = 2000
MAX_MESSAGE_LENGTH = 2000


class RowAction(enum.StrEnum):
    INVITE = "invite"
    RENEW = "renew"  # a revoked invitation, invited again
    SKIP = "skip"  # already invited: left as it is


@dataclass
class BulkRow:
    line: int
    cells: dict[str, str]
    invitee: Invitee | None = None
    category: str = ""  # the category's name as stored (existing spelling, or the file's)
    existing: Invitation | None = None  # this e-mail's delegate invitation, if any
    action: RowAction = RowAction.INVITE  # decided when planning
    errors: list[Problem] = field(default_factory=list)

    def error(self, column: str | None, message: str) -> None:
        self.errors.append(Problem(self.line, column, message))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class BulkPlan:
    text: str
    rows: list[BulkRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Categories named in the file that do not exist yet: created on confirm.
    new_categories: list[str] = field(default_factory=list)
    # The conference's categories, by _category_key(name).
    categories: dict[str, InvitationCategory] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.errors]

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.problems

    @property
    def to_invite(self) -> list[BulkRow]:
        return [row for row in self.rows if row.ok and row.action is not RowAction.SKIP]

    @property
    def skipped(self) -> list[BulkRow]:
        return [row for row in self.rows if row.ok and row.action is RowAction.SKIP]


@dataclass(frozen=True)
class BulkOptions:
    """What the organiser chose for everyone in the file."""

    reserved_seat: bool = False
    respond_by: datetime | None = None  # None: the usual deadline (default_respond_by)
    message: str = ""


@dataclass(frozen=True)
class BulkResult:
    invited: int  # new and renewed invitations
    renewed: int
    skipped: int
    categories_created: list[str]


def deadline_on(conference: Conference, day: date) -> datetime:
    """An answer deadline given as a day: the end of that day in the conference's zone."""
    return datetime.combine(day, time(23, 59), tzinfo=conference.zone).astimezone(UTC)


# --- planning ----------------------------------------------------------------------


def _category_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _language_map() -> dict[str, str]:
    spellings = {code: code for code in LANGUAGES}
    for code in LANGUAGES:
        spellings[LANGUAGE_NAMES[code].casefold()] = code
    spellings.update({"indonesia": "id", "indonesian": "id", "inggris": "en"})
    return spellings


def plan_bulk(conference: Conference, text: str) -> BulkPlan:
    """Parse and check the whole file without writing anything."""
    text = normalise_text(text)
    plan = BulkPlan(text=text)
    records, read_error = read_records(text)
    if read_error:
        plan.file_errors.append(read_error)
    if not records:
        plan.file_errors.append(_("The file is empty."))
        return plan
    _header_line, header = records[0]
    keys = [ALIASES.get(column_key(name), column_key(name)) for name in header]
    seen: set[str] = set()
    for name, key in zip(header, keys, strict=True):
        if not key:
            continue  # an empty heading: fine as long as its column is empty (checked per row)
        if key in seen:
            plan.file_errors.append(_("The column “%(name)s” appears twice.", name=name.strip()))
        elif key not in COLUMNS:
            plan.file_errors.append(_("The column “%(name)s” is not known. The columns are: %(columns)s.",
                                      name=name.strip(), columns=", ".join(COLUMNS)))
        seen.add(key)
    for required_column in REQUIRED_COLUMNS:
        if required_column not in seen:
            plan.file_errors.append(_("The required column “%(name)s” is missing.", name=required_column))
    if plan.file_errors:
        return plan
    for line, record_ in records[1:]:
        row = BulkRow(line=line, cells={})
        for key, value in zip(keys, record_, strict=False):
            if key:
                row.cells[key] = value.strip()
            elif value.strip():
                row.error(None, _("This row has a value in a column without a heading."))
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
    _check_rows(conference, plan)
    return plan


def _check_rows(conference: Conference, plan: BulkPlan) -> None:
    sectors = _choice_map(Sector, SECTOR_LABELS)
    genders = _choice_map(Gender, GENDER_LABELS)
    languages = _language_map()
    categories = plan.categories = {
        _category_key(category.name): category
        for category in db.session.scalars(
            select(InvitationCategory).where(InvitationCategory.conference_id == conference.id)
        )
    }
    new_categories: dict[str, str] = {}  # key → the spelling of its first row
    first_line_of: dict[str, int] = {}
    for row in plan.rows:
        cells = row.cells
        for column, limit in MAX_LENGTHS.items():
            if len(cells.get(column, "")) > limit:
                row.error(column, _("Use at most %(max)d characters.", max=limit))
        name = cells.get("name", "")
        if not name:
            row.error("name", _("Enter the person's name."))
        email = normalise_email(cells.get("email"))
        if not email:
            row.error("email", _("Enter an e-mail address."))
        elif len(email) <= MAX_LENGTHS["email"]:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError:
                row.error("email", _("Enter a valid e-mail address."))
            else:
                if email in first_line_of:
                    row.error("email", _("The same e-mail address is on line %(line)d.",
                                         line=first_line_of[email]))
                first_line_of.setdefault(email, row.line)
        sector = _parse_choice(row, "sector", sectors, Sector, Sector.OTHER)
        gender = _parse_choice(row, "gender", genders, Gender, Gender.NOT_STATED)
        language = "id"
        if raw := cells.get("language", ""):
            language = languages.get(raw.casefold(), "")
            if not language:
                row.error("language", _("“%(value)s” is not allowed. Use one of: %(allowed)s.",
                                        value=raw, allowed=", ".join(LANGUAGES)))
        category = " ".join(cells.get("category", "").split())
        if category:
            key = _category_key(category)
            if key in categories:
                category = categories[key].name
            else:
                category = new_categories.setdefault(key, category)
        row.category = category
        if row.ok:
            row.invitee = Invitee(
                email=email, full_name=name, honorific=cells.get("honorific", ""),
                position=cells.get("position", ""), organisation=cells.get("organisation", ""),
                sector=sector, gender=gender, language=language,
            )
    plan.new_categories = list(new_categories.values())
    if plan.problems:
        return
    # One query for everyone's existing invitation.
    existing = {
        invitation.email: invitation
        for invitation in db.session.scalars(
            select(Invitation).where(
                Invitation.conference_id == conference.id,
                Invitation.target == DELEGATE_TARGET,
                Invitation.email.in_(list(first_line_of)),
            )
        )
    }
    for row in plan.rows:
        row.existing = existing.get(row.invitee.email) if row.invitee else None
        if row.existing is not None:
            renew = row.existing.status is InvitationStatus.REVOKED
            row.action = RowAction.RENEW if renew else RowAction.SKIP
    # Only the categories of people to invite are created.
    wanted = {row.category for row in plan.to_invite}
    plan.new_categories = [name for name in plan.new_categories if name in wanted]
    _warn_over_quota(conference, plan)


def _warn_over_quota(conference: Conference, plan: BulkPlan) -> None:
    """A warning for each category whose quota is smaller than its open invitations."""
    categories = plan.categories
    with_quota = {category.id: category for category in categories.values() if category.quota}
    if not with_quota:
        return
    adding: dict[int, int] = {}
    for row in plan.to_invite:
        category = categories.get(_category_key(row.category)) if row.category else None
        if category is not None and category.id in with_quota:
            adding[category.id] = adding.get(category.id, 0) + 1
    if not adding:
        return
    open_now = dict(db.session.execute(
        select(Invitation.category_id, func.count())
        .where(Invitation.conference_id == conference.id,
               Invitation.category_id.in_(list(adding)),
               Invitation.status.in_([InvitationStatus.PENDING, InvitationStatus.ACCEPTED]))
        .group_by(Invitation.category_id)
    ).all())
    for category_id, count in adding.items():
        category = with_quota[category_id]
        total = open_now.get(category_id, 0) + count
        if total > category.quota:
            plan.warnings.append(_(
                "Category “%(name)s”: %(total)d open invitations for a quota of %(quota)d. "
                "The quota limits acceptances: once %(quota)d people have accepted, the others "
                "can no longer accept.", name=category.name, total=total, quota=category.quota))


# --- applying -------------------------------------------------------------------------


def apply_bulk(conference: Conference, plan: BulkPlan, options: BulkOptions, *, actor) -> BulkResult:
    """Invite every row of a checked plan (skipping those already invited), or
    raise DomainError (the caller rolls back, so nothing is written).

    Call it with the conference locked (`lock_conference`) and the plan made
    after taking the lock, so two confirms of the same file cannot both invite."""
    if not plan.ok:
        raise DomainError(_("Correct the errors in the file and upload it again."))
    respond_by = _check_respond_by(conference, options.respond_by)
    message = options.message.strip()
    created: dict[str, InvitationCategory] = {}
    for name in plan.new_categories:
        category = InvitationCategory(conference=conference, name=name)
        db.session.add(category)
        created[_category_key(name)] = category
    rows = plan.to_invite
    renewed = 0
    invitations: list[Invitation] = []
    for row in rows:
        invitation = row.existing
        if invitation is None:
            # Counters set here: column defaults arrive only with the (single) flush.
            invitation = Invitation(conference=conference, kind=InvitationKind.DELEGATE,
                                    target=DELEGATE_TARGET, email=row.invitee.email,
                                    sent_count=0, reminder_count=0)
        else:
            renewed += 1
        category = None
        if row.category:
            key = _category_key(row.category)
            category = created.get(key) or plan.categories.get(key)
        _fill(invitation, row.invitee, respond_by=respond_by, message=message, category=category,
              actor=actor)
        invitation.reserved_seat = options.reserved_seat
        db.session.add(invitation)
        invitations.append(invitation)
    _queue_invitation_mails(invitations)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone invited one of these people (or added a category) in the meantime.
        raise DomainError(_("Some of these invitations were changed in the meantime. "
                            "Upload the file again.")) from None
    skipped = len(plan.skipped)
    if rows or created:
        summary = f"Invited {len(rows)} {'person' if len(rows) == 1 else 'people'} from a CSV file"
        details = [f"{renewed} invited again after a withdrawal"] if renewed else []
        if skipped:
            details.append(f"{skipped} already invited, skipped")
        if created:
            details.append("new categories: " + ", ".join(c.name for c in created.values()))
        record(conference, actor, "invitation.bulk", summary + (f" ({'; '.join(details)})" if details else ""))
    return BulkResult(invited=len(rows), renewed=renewed, skipped=skipped,
                      categories_created=[c.name for c in created.values()])


# --- the invitation mails -----------------------------------------------------------------


def _queue_invitation_mails(invitations: list[Invitation]) -> None:
    """Each invitee gets the same mail `send_invitation` queues for one invitation
    (rendered in their language, with their own link)."""
    for invitation in invitations:
        send_invitation(invitation)


def lock_and_plan(conference: Conference, text: str) -> BulkPlan:
    """Plan under the conference's lock, for confirming: a second confirm waits
    for the first, then finds everyone already invited."""
    lock_conference(conference)  # PostgreSQL: a row lock
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE and starts a transaction only at the first
        # write: write first (a no-op), so the reads below wait for the other
        # writer and see what it committed.
        db.session.execute(sql("UPDATE conference SET slug = slug WHERE id = :id"), {"id": conference.id})
    return plan_bulk(conference, text)
