"""Rules and writes for a speaker's own profile, and the organisers' locks on it.

A speaker may change the fields in SPEAKER_EDITABLE_FIELDS (and their photo)
unless the organisers have locked that field. Name, e-mail, sector and gender
stay with the organisers. Changes reach the public agenda with the next release.
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..audit.services import record
from ..errors import DomainError
from ..extensions import db
from ..i18n import _l
from .models import SPEAKER_EDITABLE_FIELDS, Person, PersonPhoto
from .photos import store_photo

# Labels for the lock checkboxes and the speaker's read-only fields.
FIELD_LABELS = {
    "honorific": _l("Honorific"),
    "position": _l("Position"),
    "organisation": _l("Organisation"),
    "bio_id": _l("Short biography (Indonesian)"),
    "bio_en": _l("Short biography (English)"),
    "photo": _l("Photo"),
}
TEXT_FIELDS = tuple(name for name in SPEAKER_EDITABLE_FIELDS if name != "photo")
MAX_LENGTHS = {"honorific": 40, "position": 200, "organisation": 200, "bio_id": 3000, "bio_en": 3000}


def locked_message() -> str:
    return _("Locked by the organisers.")


def update_own_profile(person: Person, *, actor, **fields: str) -> list[str]:
    """A speaker changes their own profile text. Only TEXT_FIELDS; a field the
    organisers locked is refused. Returns the names of the changed fields."""
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"not speaker-editable fields: {sorted(unknown)}")
    values = {name: (value or "").strip() for name, value in fields.items()}
    for name, value in values.items():
        if person.is_locked(name) and value != getattr(person, name):
            raise DomainError(locked_message(), name)
        if len(value) > MAX_LENGTHS[name]:
            raise DomainError(_("Use at most %(max)d characters.", max=MAX_LENGTHS[name]), name)
    changed = [name for name, value in values.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, values[name])
    if changed:
        db.session.flush()
        record(person.conference, actor, "person.profile",
               f"{person.display_name} changed their profile: {', '.join(changed)}")
    return changed


def set_own_photo(person: Person, data: bytes, *, actor) -> PersonPhoto:
    """A speaker uploads their photo, unless the organisers locked it."""
    if person.is_locked("photo"):
        raise DomainError(locked_message(), "photo")
    photo = store_photo(person, data)
    record(person.conference, actor, "person.photo", f"{person.display_name} uploaded a photo")
    return photo


def set_photo(person: Person, data: bytes, *, actor) -> PersonPhoto:
    """An organiser uploads a person's photo (locks do not apply to organisers)."""
    photo = store_photo(person, data)
    record(person.conference, actor, "person.photo", f"New photo for {person.display_name}")
    return photo


def remove_photo(person: Person, *, actor, by_organiser: bool = False) -> bool:
    """Remove the person's photo; a speaker cannot when the photo is locked.
    Returns whether there was one."""
    if not by_organiser and person.is_locked("photo"):
        raise DomainError(locked_message(), "photo")
    if person.photo is None:
        return False
    db.session.delete(person.photo)
    person.photo = None
    db.session.flush()
    summary = (f"Removed the photo of {person.display_name}" if by_organiser
               else f"{person.display_name} removed their photo")
    record(person.conference, actor, "person.photo", summary)
    return True


def set_locks(person: Person, fields, *, actor) -> list[str]:
    """Organisers choose which profile fields the speaker cannot change
    (names from SPEAKER_EDITABLE_FIELDS, kept in that order)."""
    wanted = set(fields)
    unknown = wanted - set(SPEAKER_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown profile field."), "locked_fields")
    locks = [name for name in SPEAKER_EDITABLE_FIELDS if name in wanted]
    if locks != list(person.locked_fields or []):
        person.locked_fields = locks  # a new list, so the JSON column is seen as changed
        db.session.flush()
        record(person.conference, actor, "person.locks",
               f"Locked fields of {person.display_name}: {', '.join(locks) or 'none'}")
    return locks
