"""Every model, imported once so the metadata (and Alembic) sees all tables."""
from .accounts.models import AccountLink, ConferenceMembership, MembershipRole, User
from .agenda.models import (
    AgendaRelease,
    AgendaSession,
    ConflictAcknowledgement,
    RoleKind,
    SessionKind,
    SessionRole,
)
from .audit.models import AuditEntry
from .invitations.models import Invitation, InvitationCategory, InvitationToken
from .mail.models import OutboxMessage
from .registration.models import Registration, RegistrationQuestion, SessionChoice
from .conferences.models import Conference, ConferenceStatus, Room, SubTheme, Venue
from .people.models import Gender, Person, PersonPhoto, Sector
from .portal.models import DroppedChoice, PersonalAgenda, SpeakerTask, SpeakerTaskDone, StarredSession

__all__ = [
    "AccountLink", "PersonPhoto", "DroppedChoice", "PersonalAgenda", "SpeakerTask", "SpeakerTaskDone", "StarredSession", "AgendaRelease", "Invitation", "InvitationCategory", "InvitationToken", "OutboxMessage", "Registration", "RegistrationQuestion", "SessionChoice", "AgendaSession", "AuditEntry", "ConflictAcknowledgement", "Conference", "ConferenceMembership", "ConferenceStatus", "Gender",
    "MembershipRole", "Person", "Room", "RoleKind", "Sector", "SessionKind", "SessionRole",
    "SubTheme", "User", "Venue",
]
