"""Every model, imported once so the metadata (and Alembic) sees all tables."""
from .accounts.models import ConferenceMembership, MembershipRole, User
from .agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from .conferences.models import Conference, ConferenceStatus, Room, SubTheme, Venue
from .people.models import Gender, Person, Sector

__all__ = [
    "AgendaSession", "Conference", "ConferenceMembership", "ConferenceStatus", "Gender",
    "MembershipRole", "Person", "Room", "RoleKind", "Sector", "SessionKind", "SessionRole",
    "SubTheme", "User", "Venue",
]
