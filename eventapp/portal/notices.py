"""One e-mail per person when a release changes their agenda.

Publishing a release (agenda.releases.publish) calls `queue_release_notices`.
It compares the release with the one before and, for everybody affected,
collects what changed *for them*: sessions they speak in that moved, were
retimed, retitled or cancelled, sessions they were added to or removed from;
sessions an attendee chose, starred or (for plenaries) attends that moved,
were retimed, retitled or cancelled. Each address gets one message listing
all of it, however many edits the organisers made. People with the same
changes and language share one rendering (a plenary moved for 20,000
attendees renders once).
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..agenda.models import ROLE_LABELS, AgendaRelease, AgendaSession, RoleKind, SessionKind
from ..conferences.models import Conference
from ..extensions import db
from ..i18n import format_instant_range
from ..mail.services import external_url, queue_mail_many
from ..people.models import Person
from ..registration.models import Registration, RegistrationStatus, SessionChoice
from .models import DroppedChoice, PersonalAgenda, StarredSession
from .services import NOTICE_TYPES


def remember_choices(session: AgendaSession) -> None:
    """Before a session is deleted from the draft: note who had chosen it, so
    the next release can tell them it was cancelled."""
    rows = db.session.execute(
        select(SessionChoice.registration_id).where(SessionChoice.session_id == session.id)
    ).scalars().all()
    for registration_id in rows:
        exists = db.session.scalar(select(DroppedChoice.id).where(
            DroppedChoice.registration_id == registration_id, DroppedChoice.session_uid == session.uid))
        if exists is None:
            db.session.add(DroppedChoice(conference_id=session.conference_id, registration_id=registration_id,
                                         session_uid=session.uid))
    db.session.flush()


def _item(change: dict[str, Any], old: dict[str, Any] | None, new: dict[str, Any] | None,
          rooms: dict[int, str], **extra: Any) -> dict[str, Any]:
    """What the mail says about one session: its title, when and where now
    (and before), and what happened."""
    current = new or old or {}
    before = old or current

    def room(s: dict[str, Any]) -> str | None:
        return None if s.get("spans_all_rooms") else rooms.get(s.get("room_id"))  # type: ignore[arg-type]

    return {
        "type": change["type"], "uid": change["uid"],
        "title_id": current.get("title_id", change.get("title_id", "")),
        "title_en": current.get("title_en", change.get("title_en", "")),
        "old_title_id": before.get("title_id", ""), "old_title_en": before.get("title_en", ""),
        "starts_at": current.get("starts_at"), "ends_at": current.get("ends_at"),
        "old_starts_at": before.get("starts_at"), "old_ends_at": before.get("ends_at"),
        "room": room(current), "old_room": room(before), **extra,
    }


def collect(previous: dict[str, Any], current: dict[str, Any], changes: list[dict[str, Any]],
            *, conference: Conference) -> dict[str, dict[str, Any]]:
    """{address: {"name", "language", "items": [...]}} for everybody affected."""
    old = {s["uid"]: s for s in previous["sessions"]}
    new = {s["uid"]: s for s in current["sessions"]}
    rooms = {r["id"]: r["name"] for r in previous.get("rooms", []) + current.get("rooms", [])}
    changed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in changes:
        if change["type"] in NOTICE_TYPES:
            changed[change["uid"]].append(change)

    recipients: dict[str, dict[str, Any]] = {}

    def add(address: str | None, name: str, language: str, item: dict[str, Any]) -> None:
        if not address:
            return
        entry = recipients.setdefault(address, {"name": name, "language": language, "items": {}})
        # One line per session and kind of change, whoever's reason it is.
        entry["items"].setdefault((item["uid"], item["type"]), item)

    # Speakers: their own sessions' changes, and being added or removed.
    def roles(snapshot_sessions: dict[str, dict[str, Any]]) -> dict[int, dict[str, str]]:
        by_person: dict[int, dict[str, str]] = defaultdict(dict)
        for uid, s in snapshot_sessions.items():
            for r in s["roles"]:
                by_person[r["person_id"]][uid] = r["role"]
        return by_person

    old_roles, new_roles = roles(old), roles(new)
    person_ids = set(old_roles) | set(new_roles)
    people = {p.id: p for p in db.session.scalars(
        select(Person).where(Person.id.in_(person_ids), Person.email.is_not(None))
    )} if person_ids else {}
    registrations_by_email: dict[str, Registration] = {}
    if people:
        for registration in db.session.scalars(select(Registration).where(
            Registration.conference_id == conference.id,
            Registration.email.in_([p.email for p in people.values()]),
        )):
            registrations_by_email[registration.email] = registration
    for person_id, person in people.items():
        was, now = old_roles.get(person_id, {}), new_roles.get(person_id, {})
        language = registrations_by_email[person.email].language if person.email in registrations_by_email else conference_language(conference)
        for uid in now.keys() - was.keys():
            add(person.email, person.display_name, language,
                _item({"type": "added", "uid": uid}, None, new[uid], rooms, role=now[uid]))
        for uid in was.keys() - now.keys():
            kind = "cancelled" if uid not in new else "removed"
            add(person.email, person.display_name, language,
                _item({"type": kind, "uid": uid}, old[uid], new.get(uid), rooms, role=was[uid]))
        for uid in was.keys() & now.keys():
            for change in changed.get(uid, []):
                add(person.email, person.display_name, language, _item(change, old[uid], new[uid], rooms))

    # Attendees: chosen sessions, plenaries (every confirmed attendee), starred sessions.
    if changed:
        changed_ids = [old[uid]["id"] for uid in changed if uid in old]
        everyone = any(old[uid]["kind"] != SessionKind.PARALLEL.value for uid in changed if uid in old)
        active = (Registration.conference_id == conference.id,
                  Registration.status == RegistrationStatus.CONFIRMED, Registration.erased_at.is_(None))

        def notify(registration_email: str, name: str, language: str, uid: str) -> None:
            for change in changed[uid]:
                add(registration_email, name, language, _item(change, old.get(uid), new.get(uid), rooms))

        uid_by_id = {old[uid]["id"]: uid for uid in changed if uid in old}
        for email, name, language, session_id in db.session.execute(
            select(Registration.email, Registration.full_name, Registration.language, SessionChoice.session_id)
            .join(SessionChoice, SessionChoice.registration_id == Registration.id)
            .where(*active, SessionChoice.session_id.in_(changed_ids))
        ):
            notify(email, name, language, uid_by_id[session_id])
        for email, name, language, session_uid in db.session.execute(
            select(Registration.email, Registration.full_name, Registration.language, DroppedChoice.session_uid)
            .join(DroppedChoice, DroppedChoice.registration_id == Registration.id)
            .where(*active)
        ):
            if str(session_uid) in changed:
                notify(email, name, language, str(session_uid))
        if everyone:
            plenaries = [uid for uid in changed if uid in old and old[uid]["kind"] != SessionKind.PARALLEL.value]
            for email, name, language in db.session.execute(
                select(Registration.email, Registration.full_name, Registration.language).where(*active)
            ):
                for uid in plenaries:
                    notify(email, name, language, uid)
        from ..accounts.models import User

        starred_uids = [uuid.UUID(uid) for uid in changed]
        for email, name, locale, session_uid in db.session.execute(
            select(User.email, User.name, User.locale, StarredSession.session_uid)
            .join(PersonalAgenda, PersonalAgenda.user_id == User.id)
            .join(StarredSession, StarredSession.agenda_id == PersonalAgenda.id)
            .where(PersonalAgenda.conference_id == conference.id, StarredSession.session_uid.in_(starred_uids))
        ):
            notify(email, name, locale or conference_language(conference), str(session_uid))

    return {address: {**entry, "items": sorted(entry["items"].values(), key=_order)}
            for address, entry in recipients.items()}


def describe(item: dict[str, Any], language: str, conference: Conference) -> list[str]:
    """The notice's lines for one session, in the current locale (templates
    call this while rendering in the recipient's language)."""
    zone = conference.timezone

    def title(prefix: str = "") -> str:
        return item[f"{prefix}title_{language}"] or item[f"{prefix}title_id"] or item[f"{prefix}title_en"]

    def when(prefix: str = "") -> str:
        return format_instant_range(item[f"{prefix}starts_at"], item[f"{prefix}ends_at"], zone)

    kind = item["type"]
    if kind == "added":
        role = ROLE_LABELS.get(RoleKind(item["role"])) if item.get("role") else None
        line = _("You are now on “%(session)s” as %(role)s.", session=title(), role=str(role or "").lower())
    elif kind == "removed":
        line = _("You are no longer on “%(session)s”.", session=title())
    elif kind == "cancelled":
        line = _("Cancelled: “%(session)s” (was %(when)s).", session=title(), when=when("old_"))
    elif kind == "retimed":
        line = _("New time for “%(session)s”: %(when)s (was %(before)s).",
                 session=title(), when=when(), before=when("old_"))
    elif kind == "moved":
        line = _("New room for “%(session)s”: %(room)s (was %(before)s).", session=title(),
                 room=item["room"] or _("all rooms"), before=item["old_room"] or _("all rooms"))
    else:  # retitled
        line = _("“%(before)s” is now called “%(session)s”.", before=title("old_"), session=title())
    lines = [line]
    if kind in ("added", "moved", "retitled") and item.get("starts_at"):
        lines.append(", ".join(part for part in (when(), item.get("room") or "") if part))
    return lines


def _order(item: dict[str, Any]) -> tuple:
    return (item.get("starts_at") or item.get("old_starts_at") or "", item["uid"], item["type"])


def conference_language(conference: Conference) -> str:
    """For people whose language we do not know: the app's default (Indonesian)."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def queue_release_notices(conference: Conference, release: AgendaRelease) -> int:
    """Queue the notices for `release` (nothing for a first release: nothing
    changed for anyone). Returns how many messages were queued."""
    previous = db.session.scalar(
        select(AgendaRelease).where(AgendaRelease.conference_id == conference.id,
                                    AgendaRelease.number == release.number - 1)
    )
    count = 0
    if previous is not None:
        recipients = collect(previous.snapshot, release.snapshot, release.changes, conference=conference)
        groups: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
        items_of: dict[tuple, list[dict[str, Any]]] = {}
        for address, entry in recipients.items():
            key = (entry["language"], repr(entry["items"]))
            groups[key].append((address, entry["name"]))
            items_of[key] = entry["items"]
        links = {"agenda": external_url("portal.me"), "sign_in": external_url("accounts.link_request")}
        for (language, _signature), addresses in groups.items():
            count += queue_mail_many(
                addresses, language=language, template="agenda_changes", kind="agenda_changes",
                subject=lambda: _("Changes to your agenda"), conference=conference,
                context={"items": items_of[(language, _signature)], "release": release,
                         "describe": describe, **links},
            )
    db.session.execute(delete(DroppedChoice).where(DroppedChoice.conference_id == conference.id))
    return count
