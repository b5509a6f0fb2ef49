"""Rules and writes for registrations (the part invitations need; the public
form, session choices, tickets and check-in extend it)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..conferences.models import Conference, RegistrationMode
from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from .models import Registration, RegistrationSource, RegistrationStatus


def find_registration(conference: Conference, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(Registration.conference_id == conference.id,
                                   Registration.email == email.strip().lower())
    )


def confirmed_public_seats(conference: Conference) -> int:
    """Confirmed registrations that count against the capacity (reserved seats do not)."""
    return db.session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.conference_id == conference.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reserved_seat.is_(False),
        )
    ) or 0


def _has_public_seat(conference: Conference) -> bool:
    capacity = conference.registration_capacity
    return capacity is None or confirmed_public_seats(conference) < capacity


def register_invitee(invitation) -> Registration:
    """Register the person an accepted delegate invitation names.

    A reserved seat is confirmed whatever the capacity or mode; otherwise the
    invitee is confirmed while public seats remain and waits for one when full.
    Registration being closed or invitation-only does not stop an invitee."""
    conference = invitation.conference
    registration = find_registration(conference, invitation.email)
    if registration is not None and registration.status is not RegistrationStatus.CANCELLED:
        # Already registered (e.g. publicly): attach the invitation and any reserved seat.
        registration.invitation = invitation
        if invitation.reserved_seat and not registration.reserved_seat:
            registration.reserved_seat = True
            registration.status = RegistrationStatus.CONFIRMED
        db.session.flush()
        return registration
    # Count the seats before adding the row: autoflush would count it as taken.
    seat = invitation.reserved_seat or _has_public_seat(conference)
    if registration is None:
        registration = Registration(conference=conference, email=invitation.email)
        db.session.add(registration)
    for field in ("full_name", "honorific", "position", "organisation", "sector", "gender", "language"):
        setattr(registration, field, getattr(invitation, field))
    registration.invitation = invitation
    registration.source = RegistrationSource.INVITATION
    registration.reserved_seat = invitation.reserved_seat
    registration.cancelled_at = None
    registration.status = RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITING
    db.session.flush()
    return registration


def cancel_registration(registration: Registration) -> None:
    if registration.status is RegistrationStatus.CANCELLED:
        return
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    db.session.flush()


def valid_invitation_for(conference: Conference, email: str):
    """A delegate invitation for `email` that can still be used, or None."""
    from ..invitations.models import Invitation, InvitationKind, InvitationStatus
    from ..invitations.services import DELEGATE_TARGET, LinkState, link_state

    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.conference_id == conference.id,
            Invitation.email == email.strip().lower(),
            Invitation.target == DELEGATE_TARGET,
            Invitation.kind == InvitationKind.DELEGATE,
        )
    )
    if invitation is None or invitation.status not in (InvitationStatus.PENDING, InvitationStatus.ACCEPTED):
        return None
    return invitation if link_state(invitation) is LinkState.OPEN else None


def check_registration_allowed(conference: Conference, email: str):
    """Open: anyone. Invitation only: a valid delegate invitation for this
    e-mail is required (and returned). Closed: nobody registers publicly."""
    if conference.registration_mode is RegistrationMode.CLOSED:
        raise DomainError(_("Registration for this conference is closed."))
    invitation = valid_invitation_for(conference, email)
    if conference.registration_mode is RegistrationMode.INVITATION_ONLY and invitation is None:
        raise DomainError(
            _("This conference is by invitation only, and there is no valid invitation for this e-mail address."),
            "email",
        )
    return invitation
