"""The organiser team of one conference: who may run it, check people in, or
only look. Invited people need no password: they sign in by e-mailed link.

Rules: one membership per person per conference (also a database constraint);
a conference always keeps at least one organiser. Removing someone takes effect
at their next request, since every organiser page checks the membership again.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..conferences.models import Conference
from ..database import begin_write
from ..errors import DomainError
from ..extensions import db
from ..mail.services import external_url, queue_mail
from .models import MEMBERSHIP_ROLE_LABELS, ConferenceMembership, MembershipRole, User
from .services import find_user


def team_of(conference: Conference) -> list[ConferenceMembership]:
    """The conference's memberships, organisers first, then by when they were added."""
    order = {MembershipRole.ORGANISER: 0, MembershipRole.CHECKIN: 1, MembershipRole.VIEWER: 2}
    memberships = db.session.scalars(
        select(ConferenceMembership)
        .where(ConferenceMembership.conference_id == conference.id)
        .options(selectinload(ConferenceMembership.user), selectinload(ConferenceMembership.invited_by))
        .order_by(ConferenceMembership.created_at, ConferenceMembership.id)
    ).all()
    return sorted(memberships, key=lambda m: order[m.role])


def _organiser_count(conference: Conference) -> int:
    """How many organisers the conference has; their rows stay locked until the
    commit (PostgreSQL), so two organisers removing each other at the same
    moment cannot leave the conference with none."""
    return len(db.session.scalars(
        select(ConferenceMembership.id).where(
            ConferenceMembership.conference_id == conference.id,
            ConferenceMembership.role == MembershipRole.ORGANISER,
        ).with_for_update()
    ).all())


def _already_member() -> DomainError:
    return DomainError(_("This person is already on the team."), "email")


def _who(user: User | None) -> str:
    if user is None:
        return "—"
    return f"{user.name} <{user.email}>" if user.name else user.email


def add_member(
    conference: Conference, email: str, role: MembershipRole, *, actor: User | None, language: str
) -> ConferenceMembership:
    """Give `email` a role in the conference: the account is created if needed
    (without a password), and they are told by e-mail how to sign in. Someone
    already on the team is refused (change their role instead)."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise DomainError(_("Enter a valid e-mail address."), "email")
    role = MembershipRole(role)
    # SQLite: a real transaction before the savepoints below, or releasing the
    # outermost savepoint would commit the caller's work.
    begin_write()
    user = find_user(email)
    if user is None:
        user = User(email=email, locale=language)
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:  # created at the same moment by another request
            user = find_user(email)
            if user is None:
                raise
    elif db.session.scalar(
        select(ConferenceMembership.id).where(
            ConferenceMembership.user_id == user.id, ConferenceMembership.conference_id == conference.id
        )
    ) is not None:
        raise _already_member()
    membership = ConferenceMembership(
        user_id=user.id, conference_id=conference.id, role=role, invited_by_id=getattr(actor, "id", None)
    )
    try:
        # A double submit: the second insert meets the unique constraint.
        with db.session.begin_nested():
            db.session.add(membership)
    except IntegrityError:
        raise _already_member() from None
    label = MEMBERSHIP_ROLE_LABELS[role]
    mail_language = user.locale or language
    queue_mail(
        to=user.email, name=user.name, language=mail_language, template="team_invitation",
        subject=lambda: _("You have been added to the team of %(title)s",
                          title=conference.local("title", mail_language)),
        kind="team_invitation", conference=conference,
        context={
            "role_label": label,
            "role": role.value,
            "inviter": _who(actor) if actor is not None else "",
            "link": external_url("accounts.link_request"),
            "manage_link": external_url("conferences.manage_dashboard", slug=conference.slug),
            "desk_link": external_url("registration.desk", slug=conference.slug),
        },
    )
    record(conference, actor, "team.add", f"Added {user.email} to the team as {role.value}")
    db.session.flush()
    return membership


def change_role(membership: ConferenceMembership, role: MembershipRole, *, actor: User | None) -> None:
    """Change a member's role; the last organiser cannot stop being one."""
    role = MembershipRole(role)
    if role is membership.role:
        return
    conference = membership.conference
    if membership.role is MembershipRole.ORGANISER and _organiser_count(conference) <= 1:
        raise DomainError(_("A conference needs at least one organiser."), "role")
    old = membership.role
    membership.role = role
    db.session.flush()
    record(conference, actor, "team.role",
           f"Changed the role of {membership.user.email} from {old.value} to {role.value}")


def remove_member(membership: ConferenceMembership, *, actor: User | None) -> None:
    """Take away a member's access (at once); the last organiser cannot be removed."""
    conference = membership.conference
    if membership.role is MembershipRole.ORGANISER and _organiser_count(conference) <= 1:
        raise DomainError(_("A conference needs at least one organiser."))
    email = membership.user.email
    role = membership.role
    db.session.delete(membership)
    db.session.flush()
    record(conference, actor, "team.remove", f"Removed {email} ({role.value}) from the team")
