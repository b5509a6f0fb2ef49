"""Rules and writes for people (speakers, moderators)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from .models import Person


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def create_person(conference: Conference, full_name: str, **details: object) -> Person:
    """A person needs a name; an e-mail address belongs to one person per conference."""
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
    return person
