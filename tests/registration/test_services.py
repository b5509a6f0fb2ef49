"""Registration rules invitations rely on: who may register in each mode, and
the record an accepted delegate invitation creates."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventapp.conferences.models import RegistrationMode
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.invitations import services as inv
from eventapp.registration.models import Registration, RegistrationSource, RegistrationStatus
from eventapp.registration.services import (
    cancel_registration,
    check_registration_allowed,
    register_invitee,
    valid_invitation_for,
)

from ..invitations.test_services import answer, deadline_passed, english, invite_delegate, invite_speaker


def refused(conference, email: str) -> DomainError:
    with english(), pytest.raises(DomainError) as error:
        check_registration_allowed(conference, email)
    return error.value


# --- open ----------------------------------------------------------------------------------


def test_open_registration_lets_anyone_in(make):
    conference = make.conference()
    assert conference.registration_mode is RegistrationMode.OPEN
    assert check_registration_allowed(conference, "siapa.saja@example.org") is None


def test_open_registration_still_finds_an_invitation(make):
    conference = make.conference()
    invitation = invite_delegate(conference, "tamu@example.org")
    assert check_registration_allowed(conference, " Tamu@Example.org ") is invitation


# --- invitation only ----------------------------------------------------------------------------


@pytest.mark.parametrize("accepted", [False, True], ids=["pending", "accepted"])
def test_invitation_only_admits_a_valid_invitation(make, accepted):
    conference = make.conference(registration_mode=RegistrationMode.INVITATION_ONLY)
    invitation = invite_delegate(conference, "tamu@example.org")
    if accepted:
        answer(invitation, True)
    assert check_registration_allowed(conference, "TAMU@example.org") is invitation


def test_invitation_only_refuses_an_address_without_invitation(make):
    conference = make.conference(registration_mode=RegistrationMode.INVITATION_ONLY)
    invite_delegate(conference, "tamu@example.org")
    error = refused(conference, "orang.lain@example.org")
    assert error.field == "email" and "by invitation only" in error.message


def test_invitation_only_refuses_an_invitation_to_another_conference(make):
    conference = make.conference(registration_mode=RegistrationMode.INVITATION_ONLY)
    invite_delegate(make.conference(), "tamu@example.org")
    assert refused(conference, "tamu@example.org").field == "email"


def test_invitation_only_refuses_a_speaker_invitation(make):
    """Speaking in a session is not an invitation to register as a delegate."""
    conference = make.conference(registration_mode=RegistrationMode.INVITATION_ONLY)
    session = make.session(conference)
    invite_speaker(conference, session, "pembicara@example.org")
    assert refused(conference, "pembicara@example.org").field == "email"


@pytest.mark.parametrize("how", ["expired", "revoked", "declined", "closed after accepting"])
def test_invitation_only_refuses_an_invitation_that_can_no_longer_be_used(make, how):
    conference = make.conference(registration_mode=RegistrationMode.INVITATION_ONLY)
    invitation = invite_delegate(conference, "tamu@example.org")
    if how == "expired":
        deadline_passed(invitation)
    elif how == "revoked":
        inv.revoke(invitation)
        db.session.commit()
    elif how == "declined":
        answer(invitation, False)
    else:
        answer(invitation, True)
        deadline_passed(invitation)

    assert valid_invitation_for(conference, "tamu@example.org") is None
    error = refused(conference, "tamu@example.org")
    assert error.field == "email" and "by invitation only" in error.message


# --- closed -------------------------------------------------------------------------------------


def test_closed_registration_refuses_everyone_publicly(make):
    conference = make.conference(registration_mode=RegistrationMode.CLOSED)
    invite_delegate(conference, "tamu@example.org")  # invitees register by accepting instead
    for email in ("tamu@example.org", "orang.lain@example.org"):
        assert "closed" in refused(conference, email).message


# --- the record an invitation makes ------------------------------------------------------------


def test_an_existing_public_registration_takes_the_invitation_and_its_reserved_seat(make):
    conference = make.conference(registration_capacity=1)
    db.session.add(Registration(conference=conference, email="umum@example.org", full_name="Umum"))
    waiting = Registration(conference=conference, email="tamu@example.org", full_name="Tamu",
                           status=RegistrationStatus.WAITING)
    db.session.add(waiting)
    db.session.commit()
    invitation = invite_delegate(conference, "tamu@example.org", reserved_seat=True)

    answer(invitation, True)

    assert invitation.registration is waiting
    assert waiting.status is RegistrationStatus.CONFIRMED and waiting.reserved_seat is True
    assert waiting.source is RegistrationSource.PUBLIC
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2


def test_only_public_seats_count_against_the_capacity(make):
    conference = make.conference(registration_capacity=2)
    public = register_invitee(invite_delegate(conference, "umum@example.org"))
    reserved = register_invitee(invite_delegate(conference, "khusus@example.org", reserved_seat=True))
    db.session.commit()
    db.session.refresh(conference)
    assert public.status is reserved.status is RegistrationStatus.CONFIRMED
    assert conference.seats_taken == 1  # the reserved seat comes on top
    cancel_registration(public)
    db.session.commit()
    db.session.refresh(conference)
    assert conference.seats_taken == 0


def test_the_first_invitee_takes_the_last_public_seat(make):
    """The new row must not count itself (autoflush) when seats are counted."""
    conference = make.conference(registration_capacity=1)
    invitation = invite_delegate(conference)
    registration = register_invitee(invitation)
    assert registration.status is RegistrationStatus.CONFIRMED
    db.session.refresh(conference)
    assert conference.seats_taken == 1


def test_cancelling_twice_keeps_the_first_cancellation(make):
    conference = make.conference()
    invitation = invite_delegate(conference)
    answer(invitation, True)
    registration = invitation.registration
    cancel_registration(registration)
    first = registration.cancelled_at
    cancel_registration(registration)
    assert registration.status is RegistrationStatus.CANCELLED and registration.cancelled_at == first
