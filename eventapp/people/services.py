"""Rules and writes for people (speakers, moderators)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from .models import Gender, Person, Sector


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def create_person(conference: Conference, full_name: str, *, actor=None, **details: object) -> Person:
    """A person needs a name; an e-mail address belongs to one person per conference.
    With an `actor`, the creation goes in the audit log."""
    full_name = full_name.strip()
    if not full_name:
        raise DomainError(_("Enter the person's name."), "full_name")
    email = normalise_email(details.pop("email", None))  # type: ignore[arg-type]
    if email and db.session.scalar(
        select(Person.id).where(Person.conference_id == conference.id, Person.email == email)
    ):
        raise DomainError(_("Another person in this conference has this e-mail address."), "email")
    person = Person(conference=conference, full_name=full_name, email=email, **details)
    db.session.add(person)
    db.session.flush()
    if actor is not None:
        record(conference, actor, "person.create", f"Added {person.display_name}")
    return person


PERSON_FIELDS = ("honorific", "full_name", "position", "organisation", "sector", "gender",
                 "email", "bio_id", "bio_en")


def update_person(person: Person, *, actor=None, **fields: object) -> Person:
    """Change a person's profile (any of PERSON_FIELDS; `is_demo` is not
    editable). A person needs a name; an e-mail address belongs to one person
    per conference."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"not person fields: {sorted(unknown)}")
    for name, value in list(fields.items()):
        if isinstance(value, str) and name not in ("sector", "gender", "email"):
            fields[name] = value.strip()
    if "full_name" in fields and not fields["full_name"]:
        raise DomainError(_("Enter the person's name."), "full_name")
    if "sector" in fields:
        fields["sector"] = Sector(fields["sector"])
    if "gender" in fields:
        fields["gender"] = Gender(fields["gender"] or Gender.NOT_STATED)
    if "email" in fields:
        email = normalise_email(fields["email"])  # type: ignore[arg-type]
        if email and db.session.scalar(
            select(Person.id).where(
                Person.conference_id == person.conference_id,
                Person.email == email,
                Person.id != person.id,
            )
        ):
            raise DomainError(
                _("Another person in this conference has this e-mail address."), "email"
            )
        fields["email"] = email
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    if changed:
        for name in changed:
            setattr(person, name, fields[name])
        db.session.flush()
        record(person.conference, actor, "person.update",
               f"Changed {person.display_name}: {', '.join(changed)}")
    return person


def roles_of(person: Person) -> list:
    """The person's roles with their sessions, in session time order (unscheduled last)."""
    from ..agenda.models import AgendaSession, SessionRole

    return list(
        db.session.scalars(
            select(SessionRole)
            .join(SessionRole.session)
            .where(SessionRole.person_id == person.id)
            .options(selectinload(SessionRole.session).selectinload(AgendaSession.room))
            .order_by(AgendaSession.starts_at.is_(None), AgendaSession.starts_at, AgendaSession.id)
        )
    )


def delete_person(person: Person, *, actor=None) -> int:
    """Delete a person and their roles in sessions (published releases keep
    their copy). Returns how many roles were removed."""
    roles = roles_of(person)
    summary = f"Deleted {person.display_name}"
    if roles:
        titles = ", ".join(f"“{role.session.local('title', 'id')}”" for role in roles)
        summary += f" and their roles in {titles}"
    record(person.conference, actor, "person.delete", summary)
    for role in roles:
        session = role.session
        session.roles.remove(role)
        # Keep the remaining people numbered 0, 1, 2… in their session.
        for position, other in enumerate(sorted(session.roles, key=lambda r: r.position)):
            other.position = position
    db.session.delete(person)
    db.session.flush()
    return len(roles)


def session_counts(people: list[Person]) -> dict[int, int]:
    """How many sessions each of these people is in, in one query."""
    from ..agenda.models import SessionRole

    if not people:
        return {}
    rows = db.session.execute(
        select(SessionRole.person_id, func.count(SessionRole.session_id.distinct()))
        .where(SessionRole.person_id.in_([p.id for p in people]))
        .group_by(SessionRole.person_id)
    )
    return {person_id: count for person_id, count in rows}
