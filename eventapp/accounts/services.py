"""Rules and writes for user accounts and conference memberships."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from .models import ConferenceMembership, MembershipRole, User

MIN_PASSWORD_LENGTH = 10


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_organiser(email: str, password: str | None, conferences: list[Conference]) -> User:
    """Create (or update) an account that signs in with a password and organises
    the given conferences. Passwords have at least MIN_PASSWORD_LENGTH characters."""
    email = email.strip().lower()
    if "@" not in email:
        raise DomainError(_("Enter a valid e-mail address."), "email")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), "password")
    user = find_user(email)
    if user is None:
        if not password:
            raise DomainError(_("A new organiser needs a password."), "password")
        user = User(email=email)
        db.session.add(user)
    if password is not None:
        user.set_password(password)
    for conference in conferences:
        grant_role(user, conference, MembershipRole.ORGANISER)
    db.session.flush()
    return user


def grant_role(user: User, conference: Conference, role: MembershipRole) -> ConferenceMembership:
    """One membership per user per conference; granting again updates the role."""
    for membership in user.memberships:
        if membership.conference_id == conference.id:
            membership.role = role
            return membership
    membership = ConferenceMembership(user=user, conference=conference, role=role)
    db.session.add(membership)
    return membership


def authenticate(email: str, password: str) -> User | None:
    """The active user with this address and password, else None (the same answer
    whether the address is unknown or the password wrong)."""
    user = find_user(email)
    if user is None or not user.is_active or not user.check_password(password):
        return None
    return user
