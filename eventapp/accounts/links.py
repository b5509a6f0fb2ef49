"""Sign-in by e-mailed link, and password reset.

A link is single-use and short-lived; its secret (256 bits) is stored only as
SHA-256 and travels through the outbox sealed (mail.services). Asking for a
link answers the same whether or not the address is known, so the form does
not reveal who has an account. Speakers and registered attendees need no
password: the first link they ask for creates their account.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from ..mail.services import SECRET_PLACEHOLDER, external_url, queue_mail
from ..tokens import hash_token, new_token, well_formed
from .models import AccountLink, LinkPurpose, User
from .services import MIN_PASSWORD_LENGTH, find_user

def known_elsewhere(email: str) -> bool:
    """A speaker's profile or a live registration uses this address."""
    from ..people.models import Person
    from ..registration.models import Registration, RegistrationStatus

    if db.session.scalar(select(Person.id).where(Person.email == email).limit(1)) is not None:
        return True
    return db.session.scalar(
        select(Registration.id).where(Registration.email == email,
                                      Registration.status != RegistrationStatus.CANCELLED).limit(1)
    ) is not None


def _issue(user: User, purpose: LinkPurpose, minutes: int) -> str:
    token = new_token()
    db.session.add(AccountLink(user=user, purpose=purpose, token_hash=hash_token(token),
                               expires_at=utcnow() + timedelta(minutes=minutes)))
    return token


def request_sign_in_link(email: str, language: str) -> bool:
    """Queue a sign-in link for an active account, or for a speaker or attendee
    (whose account is created now). Returns whether a mail was queued — for
    tests and logs only; the page says the same either way."""
    email = email.strip().lower()
    user = find_user(email)
    if user is None:
        if not known_elsewhere(email):
            return False
        user = User(email=email, locale=language)
        db.session.add(user)
        db.session.flush()
    if not user.is_active:
        return False
    minutes = int(current_app.config["SIGN_IN_LINK_MINUTES"])
    token = _issue(user, LinkPurpose.SIGN_IN, minutes)
    queue_mail(
        to=user.email, name=user.name, language=user.locale or language, template="sign_in_link",
        subject=lambda: _("Your sign-in link"), kind="sign_in_link", secret=token,
        context={"link": external_url("accounts.link_sign_in", token=SECRET_PLACEHOLDER), "minutes": minutes},
    )
    return True


def request_password_reset(email: str, language: str) -> bool:
    """Queue a reset link for an active account that has a password."""
    user = find_user(email)
    if user is None or not user.is_active or not user.password_hash:
        return False
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    token = _issue(user, LinkPurpose.PASSWORD_RESET, minutes)
    queue_mail(
        to=user.email, name=user.name, language=user.locale or language, template="password_reset",
        subject=lambda: _("Choose a new password"), kind="password_reset", secret=token,
        context={"link": external_url("accounts.reset_password", token=SECRET_PLACEHOLDER), "minutes": minutes},
    )
    return True


def usable(token: str, purpose: LinkPurpose) -> AccountLink | None:
    """The link if it exists, is for `purpose`, unused and not expired (nothing is changed)."""
    if not well_formed(token):
        return None
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == hash_token(token),
                                                       AccountLink.purpose == purpose))
    if link is None or link.used_at is not None or link.expires_at <= utcnow() or not link.user.is_active:
        return None
    return link


def use(token: str, purpose: LinkPurpose) -> User | None:
    """Spend the link (a conditional UPDATE: of two clicks at once, one wins) and
    return its user; None when it is unknown, used, expired or for something else."""
    link = usable(token, purpose)
    if link is None:
        return None
    spent = db.session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    return link.user if spent else None


def reset_password(token: str, password: str) -> User:
    """Set a new password with a reset link (which is then spent)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), "password")
    user = use(token, LinkPurpose.PASSWORD_RESET)
    if user is None:
        raise DomainError(_("This link has expired or has already been used. Ask for a new one."))
    user.set_password(password)
    db.session.flush()
    return user
