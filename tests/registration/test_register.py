"""The registration rules: seats, waiting lists and promotion, session choices,
double submits, approval, check-in and erasure (services; pages are tested beside)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import SessionKind
from eventapp.conferences.models import RegistrationMode
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.registration import services as reg
from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus


def person(n: int, **kw) -> reg.Registrant:
    return reg.Registrant(email=f"peserta{n}@example.org", full_name=f"Peserta {n}", **kw)


def mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


@pytest.fixture
def parallel(make):
    """A published conference with one slot of two parallel sessions (2 and 1 seats)."""
    conference = make.conference()
    big = make.session(conference, kind=SessionKind.PARALLEL, room=make.room(conference, "A", capacity=2),
                       title_id="Sesi A")
    small = make.session(conference, kind=SessionKind.PARALLEL, room=make.room(conference, "B", capacity=1),
                         title_id="Sesi B")
    make.publish(conference)
    slot = reg.choice_slots(conference)[0]
    return conference, slot.key, big, small


def test_a_registration_is_confirmed_with_a_ticket_and_a_mail(parallel):
    conference, key, big, _small = parallel
    outcome = reg.register(conference, person(1), {key: big.id}, consent=True)
    db.session.commit()
    registration = outcome.registration
    assert registration.status is RegistrationStatus.CONFIRMED
    assert len(registration.ticket_code) == 16
    assert [c.status for c in registration.choices] == [ChoiceStatus.CONFIRMED]
    assert reg.find_by_manage_token(outcome.manage_token) is registration
    assert len(mails("registration_confirmation")) == 1
    db.session.refresh(big)
    assert big.seats_taken == 1


def test_full_session_queues_and_a_cancellation_promotes_the_first(parallel):
    conference, key, _big, small = parallel
    first = reg.register(conference, person(1), {key: small.id}, consent=True).registration
    second = reg.register(conference, person(2), {key: small.id}, consent=True).registration
    third = reg.register(conference, person(3), {key: small.id}, consent=True).registration
    db.session.commit()
    assert [c.status for c in second.choices] == [ChoiceStatus.WAITING]
    assert reg.choice_position(second.choices[0]) == 1 and reg.choice_position(third.choices[0]) == 2
    reg.cancel(first)
    db.session.commit()
    assert second.choices[0].status is ChoiceStatus.CONFIRMED
    assert third.choices[0].status is ChoiceStatus.WAITING
    assert [m.to_address for m in mails("registration_session_promoted")] == ["peserta2@example.org"]
    db.session.refresh(small)
    assert small.seats_taken == 1


def test_a_seat_taken_between_reading_and_writing_changes_the_outcome_and_the_mail(parallel, monkeypatch):
    """The counters are taken last, after the registration and its e-mail were
    written for the outcome expected from what was read. When another
    registration took the last seat meanwhile (simulated: the reads say there
    is room), the registration waits and its one e-mail says so."""
    conference, key, _big, small = parallel
    conference.registration_capacity = 1
    reg.register(conference, person(1), {key: small.id}, consent=True)
    db.session.commit()
    monkeypatch.setattr(reg, "seats_left", lambda conference: 1)  # stale: read before the other took it
    late = reg.register(conference, person(2, language="en"), {key: small.id}, consent=True).registration
    db.session.commit()
    assert late.status is RegistrationStatus.WAITING and late.waitlisted_at is not None
    assert [c.status for c in late.choices] == [ChoiceStatus.WAITING]
    (mail,) = [m for m in mails("registration_confirmation") if m.to_address == "peserta2@example.org"]
    assert "waiting list" in mail.body_text and "Your place is confirmed" not in mail.body_text
    db.session.refresh(conference)
    db.session.refresh(small)
    assert conference.seats_taken == 1 and small.seats_taken == 1


def test_a_session_seat_taken_meanwhile_puts_the_choice_on_its_waiting_list(parallel, monkeypatch):
    conference, key, _big, small = parallel
    reg.register(conference, person(1), {key: small.id}, consent=True)
    db.session.commit()
    monkeypatch.setattr(reg, "session_capacity", lambda session: None)  # stale: "not full"
    late = reg.register(conference, person(2, language="en"), {key: small.id}, consent=True).registration
    db.session.commit()
    assert late.status is RegistrationStatus.CONFIRMED
    assert [c.status for c in late.choices] == [ChoiceStatus.WAITING]
    (mail,) = [m for m in mails("registration_confirmation") if m.to_address == "peserta2@example.org"]
    assert "Your place is confirmed" in mail.body_text and "Sesi B, B (Waiting list)" in mail.body_text
    db.session.refresh(small)
    assert small.seats_taken == 1


def test_conference_waiting_list_and_capacity_increase(make):
    conference = make.conference(registration_capacity=1)
    first = reg.register(conference, person(1), consent=True).registration
    second = reg.register(conference, person(2), consent=True).registration
    db.session.commit()
    assert second.status is RegistrationStatus.WAITING and reg.waiting_position(second) == 1
    reg.set_conference_capacity(conference, 2)
    db.session.commit()
    assert second.status is RegistrationStatus.CONFIRMED
    assert [m.to_address for m in mails("registration_promoted")] == ["peserta2@example.org"]
    with pytest.raises(DomainError):
        reg.set_conference_capacity(conference, 1)
    assert first.status is RegistrationStatus.CONFIRMED


def test_one_registration_per_email_and_double_submit(make):
    conference = make.conference()
    first = reg.register(conference, person(1), client_token="abc", consent=True)
    again = reg.register(conference, person(1), client_token="abc", consent=True)
    assert again.registration is first.registration and not again.created
    db.session.commit()
    with pytest.raises(DomainError) as error:
        reg.register(conference, person(1), client_token="other", consent=True)
    assert error.value.field == "email"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_consent_mode_and_window_are_enforced(make):
    conference = make.conference()
    with pytest.raises(DomainError) as error:
        reg.register(conference, person(1), consent=False)
    assert error.value.field == "consent"
    db.session.rollback()
    conference.registration_mode = RegistrationMode.INVITATION_ONLY
    db.session.commit()
    with pytest.raises(DomainError):
        reg.register(conference, person(2), consent=True)
    db.session.rollback()


def test_approval_then_seat(make):
    conference = make.conference(registration_capacity=5)
    conference.registration_requires_approval = True
    db.session.commit()
    registration = reg.register(conference, person(1), consent=True).registration
    assert registration.status is RegistrationStatus.PENDING
    reg.approve(registration)
    db.session.commit()
    assert registration.status is RegistrationStatus.CONFIRMED
    db.session.refresh(conference)
    assert conference.seats_taken == 1
    assert len(mails("registration_approved")) == 1


def test_changing_a_choice_frees_the_old_seat_for_the_first_waiting(parallel):
    conference, key, big, small = parallel
    first = reg.register(conference, person(1), {key: small.id}, consent=True).registration
    second = reg.register(conference, person(2), {key: small.id}, consent=True).registration
    reg.change_choice(first, key, big.id)
    db.session.commit()
    assert [(c.session_id, c.status) for c in first.choices] == [(big.id, ChoiceStatus.CONFIRMED)]
    assert second.choices[0].status is ChoiceStatus.CONFIRMED
    with pytest.raises(DomainError):
        reg.change_choice(first, key, 999999)


def test_check_in_once_then_already(make):
    conference = make.conference()
    registration = reg.register(conference, person(1), consent=True).registration
    db.session.commit()
    assert reg.find_ticket(conference, registration.ticket_code.lower()) is registration
    assert reg.check_in(registration) is reg.CheckInResult.CHECKED_IN
    first = registration.checked_in_at
    assert reg.check_in(registration) is reg.CheckInResult.ALREADY
    assert registration.checked_in_at == first


def test_erasure_keeps_the_count_and_removes_the_person(make):
    conference = make.conference(registration_capacity=1)
    registration = reg.register(conference, person(1, phone="0812", province="Jawa Barat"), consent=True).registration
    waiting = reg.register(conference, person(2), consent=True).registration
    reg.erase(registration)
    db.session.commit()
    assert registration.full_name != "Peserta 1" and "peserta1" not in registration.email
    assert registration.phone == "" and registration.ticket_code is None
    assert registration.province == "Jawa Barat"  # aggregate counts stay right
    assert waiting.status is RegistrationStatus.CONFIRMED  # the freed seat went to the next person
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2


def test_an_accepted_delegate_invitation_sends_the_manage_link_with_the_ticket(make):
    from eventapp.invitations import services as invitations
    from eventapp.mail.services import reveal

    conference = make.conference()
    invitation, _ = invitations.invite_delegate(
        conference, invitations.Invitee("kepala@example.org", "Kepala Daerah"), reserved_seat=True)
    db.session.commit()
    invitations.respond(invitation, True)
    db.session.commit()
    registration = invitation.registration
    assert registration.status is RegistrationStatus.CONFIRMED and registration.ticket_code
    (mail,) = mails("registration_confirmation")
    assert mail.to_address == "kepala@example.org"
    token = reveal(mail, mail.body_text).split("/r/", 1)[1].split()[0]
    assert reg.find_by_manage_token(token) is registration
