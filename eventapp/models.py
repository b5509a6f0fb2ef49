"""Every model, imported once so the metadata (and Alembic) sees all tables."""
from .accounts.models import ConferenceMembership, MembershipRole, User
from .agenda.models import (
    AgendaRelease,
    AgendaSession,
    ConflictAcknowledgement,
    RoleKind,
    SessionKind,
    SessionRole,
)
from .audit.models import AuditEntry
from .conferences.models import Conference, ConferenceStatus, Room, SubTheme, Venue
from .people.models import Gender, Person, Sector

__all__ = [
    "AgendaRelease", "AgendaSession", "AuditEntry", "ConflictAcknowledgement", "Conference", "ConferenceMembership", "ConferenceStatus", "Gender",
    "MembershipRole", "Person", "Room", "RoleKind", "Sector", "SessionKind", "SessionRole",
    "SubTheme", "User", "Venue",
]
