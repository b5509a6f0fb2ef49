"""The organisers' registration settings: mode, window, capacity, approval."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..audit.services import record
from ..conferences.models import Conference, RegistrationMode
from ..errors import DomainError
from ..extensions import db
from .services import set_conference_capacity


def update_settings(
    conference: Conference,
    *,
    mode: RegistrationMode,
    opens_at: datetime | None,
    closes_at: datetime | None,
    capacity: int | None,
    requires_approval: bool,
    actor=None,
) -> None:
    """The window closes after it opens; the capacity may not drop below the
    seats already taken (raising it promotes people waiting). Turning approval
    off leaves registrations already awaiting approval for the organisers."""
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise DomainError(_("Registration must close after it opens."), "closes_on")
    conference.registration_mode = mode
    conference.registration_opens_at = opens_at
    conference.registration_closes_at = closes_at
    conference.registration_requires_approval = requires_approval
    set_conference_capacity(conference, capacity, actor=actor)
    db.session.flush()
    record(conference, actor, "registration.settings",
           f"Changed the registration settings: {mode.value}, capacity {capacity if capacity else 'none'}, "
           f"approval {'on' if requires_approval else 'off'}")
