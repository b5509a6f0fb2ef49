"""Every state change of an invitation, through the services (SQLite and PostgreSQL).

pending → accepted / declined, changed back and forth until the deadline,
revoked from any state, expired, closed; answers recorded by organisers after
the deadline; quotas (also under concurrent acceptances); what accepting and
declining do to the agenda (speakers) and to registrations (delegates);
tokens. The helpers here are shared by test_public.py and test_access_public.py.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, text

from eventapp.agenda.models import RoleKind, RoleStatus, SessionRole
from eventapp.audit.models import AuditEntry
from eventapp.conferences.models import RegistrationMode
from eventapp.db_types import utcnow
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.invitations import services as inv
from eventapp.invitations.models import (
    Invitation,
    InvitationCategory,
    InvitationStatus,
    InvitationToken,
    ResponseChannel,
)
from eventapp.invitations.services import Invitee, LinkState, find_by_token, link_state
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import reveal, unseal
from eventapp.registration.models import Registration, RegistrationSource, RegistrationStatus

# --- helpers (also used by the view tests) ------------------------------------------------


def invitee(email: str = "tamu@example.org", name: str = "Tamu Undangan", **details) -> Invitee:
    return Invitee(email=email, full_name=name, **details)


def invite_delegate(conference, email: str = "tamu@example.org", *, name: str = "Tamu Undangan",
                    language: str = "id", who: dict | None = None, **options) -> Invitation:
    """`who`: more Invitee fields (position, organisation…); `options`: invite_delegate's."""
    person = invitee(email, name, language=language, **(who or {}))
    invitation, created = inv.invite_delegate(conference, person, **options)
    assert created
    db.session.commit()
    return invitation


def invite_speaker(conference, session, email: str = "pembicara@example.org", *,
                   role: RoleKind = RoleKind.SPEAKER, name: str = "Pembicara Undangan",
                   language: str = "id", **options) -> Invitation:
    invitation, created = inv.invite_speaker(
        conference, session, role, invitee(email, name, language=language), **options
    )
    assert created
    db.session.commit()
    return invitation


def link_for(invitation: Invitation) -> str:
    """A fresh personal link's token (as if taken from a mail)."""
    token = inv.issue_token(invitation)
    db.session.commit()
    return token


def messages(kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def answer(invitation: Invitation, accept: bool, **options) -> bool:
    changed = inv.respond(invitation, accept, **options)
    db.session.commit()
    return changed


def deadline_passed(invitation: Invitation) -> None:
    invitation.respond_by = utcnow() - timedelta(hours=1)
    db.session.commit()


def english():
    """Check messages in English (the msgids) whatever the catalog says."""
    return force_locale("en")


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def role_of(invitation: Invitation) -> SessionRole | None:
    return db.session.scalar(
        select(SessionRole).where(SessionRole.session_id == invitation.session_id,
                                  SessionRole.person_id == invitation.person_id)
    )


def speaker_session(make, conference=None, **options):
    conference = conference or make.conference()
    room = make.room(conference, "Ruang Anggrek")
    return conference, make.session(conference, (10, 30), (12, 0), room=room, title_id="Sesi Undangan",
                                    title_en="Invited Session", **options)


# --- delegates: accept, decline, change --------------------------------------------------


def test_accepting_a_pending_delegate_invitation_registers_the_invitee(make):
    conference = make.conference()
    invitation = invite_delegate(conference, who={"position": "Bupati", "organisation": "Kabupaten Contoh"})
    assert invitation.status is InvitationStatus.PENDING
    assert link_state(invitation) is LinkState.OPEN

    assert answer(invitation, True, note="  Saya akan hadir.  ") is True

    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.response_note == "Saya akan hadir."
    assert invitation.response_channel is ResponseChannel.LINK
    assert invitation.responded_at is not None
    registration = invitation.registration
    assert registration.status is RegistrationStatus.CONFIRMED
    assert registration.source is RegistrationSource.INVITATION
    assert (registration.email, registration.full_name, registration.organisation) == (
        "tamu@example.org", "Tamu Undangan", "Kabupaten Contoh")
    assert [m.to_address for m in messages("invitation_answer")] == ["tamu@example.org"]
    assert count(AuditEntry, AuditEntry.action == "invitation.accept") == 1


def test_declining_a_pending_delegate_invitation(make):
    conference = make.conference()
    invitation = invite_delegate(conference)

    assert answer(invitation, False, note="Ada rapat paripurna.") is True

    assert invitation.status is InvitationStatus.DECLINED
    assert invitation.response_note == "Ada rapat paripurna."
    assert invitation.registration is None
    assert count(Registration) == 0
    assert [m.to_address for m in messages("invitation_answer")] == ["tamu@example.org"]
    assert messages("speaker_declined") == []  # only speakers' refusals concern the agenda


def test_accepted_then_declined_cancels_the_registration_and_gives_the_place_back(make):
    conference = make.conference()
    category = inv.create_category(conference, "Kepala daerah", 3)
    invitation = invite_delegate(conference, category=category)
    answer(invitation, True)
    assert category.accepted_count == 1

    assert answer(invitation, False) is True

    assert invitation.status is InvitationStatus.DECLINED
    assert invitation.registration.status is RegistrationStatus.CANCELLED
    assert invitation.registration.cancelled_at is not None
    assert category.accepted_count == 0
    assert len(messages("invitation_answer")) == 2


def test_declined_then_accepted_registers_again_on_the_same_record(make):
    conference = make.conference()
    category = inv.create_category(conference, "Kementerian", None)
    invitation = invite_delegate(conference, category=category)
    answer(invitation, True)
    answer(invitation, False)

    assert answer(invitation, True, note="Jadwal berubah, saya bisa hadir.") is True

    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.response_note == "Jadwal berubah, saya bisa hadir."
    assert invitation.registration.status is RegistrationStatus.CONFIRMED
    assert invitation.registration.cancelled_at is None
    assert count(Registration) == 1
    assert category.accepted_count == 1


def test_declined_first_then_accepted(make):
    conference = make.conference()
    invitation = invite_delegate(conference)
    answer(invitation, False)
    answer(invitation, True)
    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.registration.status is RegistrationStatus.CONFIRMED


def test_the_same_answer_twice_changes_nothing_but_the_note(make):
    conference = make.conference()
    category = inv.create_category(conference, "Parlemen", 5)
    invitation = invite_delegate(conference, category=category)
    answer(invitation, True, note="Hadir.")
    first_answered = invitation.responded_at

    assert answer(invitation, True) is False  # e.g. a double click
    assert answer(invitation, True, note="Hadir bersama ajudan.") is False

    assert invitation.response_note == "Hadir bersama ajudan."
    assert invitation.responded_at == first_answered
    assert len(messages("invitation_answer")) == 1
    assert category.accepted_count == 1
    assert count(Registration) == 1


# --- revoking, expiring, closing ---------------------------------------------------------------


@pytest.mark.parametrize("before", [None, True, False], ids=["pending", "accepted", "declined"])
def test_revoking_from_each_state_ends_every_link(make, before):
    conference = make.conference()
    category = inv.create_category(conference, "Kepala daerah", 2)
    invitation = invite_delegate(conference, category=category)
    token = link_for(invitation)
    if before is not None:
        answer(invitation, before)

    inv.revoke(invitation)
    db.session.commit()

    assert invitation.status is InvitationStatus.REVOKED
    assert link_state(invitation) is LinkState.REVOKED
    assert find_by_token(token) is invitation  # still found, to say it was withdrawn
    assert category.accepted_count == 0
    if before is True:
        assert invitation.registration.status is RegistrationStatus.CANCELLED
    answers = len(messages("invitation_answer"))
    for channel in ResponseChannel:
        with english(), pytest.raises(DomainError, match="withdrawn"):
            inv.respond(invitation, True, channel=channel)
        db.session.rollback()
    with pytest.raises(DomainError):
        inv.resend(invitation)
    db.session.rollback()
    assert invitation.status is InvitationStatus.REVOKED
    assert len(messages("invitation_answer")) == answers
    assert count(Registration, Registration.status != RegistrationStatus.CANCELLED) == 0

    inv.revoke(invitation)  # twice: nothing more happens
    db.session.commit()
    assert count(AuditEntry, AuditEntry.action == "invitation.revoke") == 1


@pytest.mark.parametrize("before", [None, True, False], ids=["pending", "accepted", "declined"])
def test_revoking_a_speaker_invitation_takes_the_role_off_the_session(make, before):
    conference, session = speaker_session(make)
    invitation = invite_speaker(conference, session)
    if before is not None:
        answer(invitation, before)

    inv.revoke(invitation)
    db.session.commit()

    assert invitation.status is InvitationStatus.REVOKED
    assert role_of(invitation) is None


def test_a_pending_invitation_expires_at_its_deadline(make):
    conference = make.conference()
    invitation = invite_delegate(conference)
    token = link_for(invitation)

    deadline_passed(invitation)

    assert link_state(invitation) is LinkState.EXPIRED
    for accept in (True, False):
        with english(), pytest.raises(DomainError, match="deadline"):
            inv.respond(invitation, accept)
        db.session.rollback()
    assert invitation.status is InvitationStatus.PENDING
    assert invitation.registration is None
    assert messages("invitation_answer") == []
    with pytest.raises(DomainError) as refused:
        inv.resend(invitation)  # the deadline must be extended first
    assert refused.value.field == "respond_by"
    db.session.rollback()
    assert inv.pending_to_remind(conference) == []

    inv.extend_deadline(invitation, utcnow() + timedelta(days=3))
    db.session.commit()
    assert link_state(invitation) is LinkState.OPEN
    assert find_by_token(token) is invitation


@pytest.mark.parametrize("accept", [True, False])
def test_after_the_deadline_an_answer_is_final_for_the_link(make, accept):
    conference = make.conference()
    invitation = invite_delegate(conference)
    answer(invitation, accept)

    deadline_passed(invitation)

    assert link_state(invitation) is LinkState.CLOSED
    for again in (True, False):
        with english(), pytest.raises(DomainError, match="deadline"):
            inv.respond(invitation, again)
        db.session.rollback()
    assert invitation.status is (InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED)


@pytest.mark.parametrize("answered_before", [False, True], ids=["expired", "closed"])
def test_organisers_may_record_an_answer_after_the_deadline(make, answered_before):
    conference = make.conference()
    organiser = make.organiser(conference)
    invitation = invite_delegate(conference)
    if answered_before:
        answer(invitation, False)
    deadline_passed(invitation)

    assert answer(invitation, True, note="Dikonfirmasi lewat telepon.", channel=ResponseChannel.ORGANISER,
                  actor=organiser) is True

    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.response_channel is ResponseChannel.ORGANISER
    assert invitation.registration.status is RegistrationStatus.CONFIRMED
    assert link_state(invitation) is LinkState.CLOSED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.accept"))
    assert entry.user_id == organiser.id and "recorded by an organiser" in entry.summary


def test_resending_adds_a_link_and_older_links_keep_working(make):
    conference = make.conference()
    invitation = invite_delegate(conference)
    first = unseal(messages("invitation")[0].secret)

    inv.resend(invitation)
    db.session.commit()

    second = unseal(messages("invitation")[1].secret)
    assert first and second and first != second
    assert find_by_token(first) is invitation
    assert find_by_token(second) is invitation
    assert invitation.sent_count == 2
    assert count(InvitationToken, InvitationToken.invitation_id == invitation.id) == 2
    answer(invitation, True)  # through the older link: it is still open
    assert invitation.status is InvitationStatus.ACCEPTED


# --- quotas ---------------------------------------------------------------------------------


def test_a_full_quota_refuses_with_a_message_and_changes_nothing(make):
    conference = make.conference()
    category = inv.create_category(conference, "Kepala daerah", 1)
    first = invite_delegate(conference, "pertama@example.org", category=category)
    second = invite_delegate(conference, "kedua@example.org", category=category)
    answer(first, True)
    mails = len(messages())

    with english(), pytest.raises(DomainError, match="All places for this group have been taken"):
        inv.respond(second, True)
    db.session.rollback()

    assert second.status is InvitationStatus.PENDING
    assert second.responded_at is None and second.response_channel is None
    assert second.registration is None
    assert count(Registration) == 1
    assert category.accepted_count == 1
    assert len(messages()) == mails
    # Declining is always possible, and a place given back can be taken.
    answer(first, False)
    answer(second, True)
    assert second.status is InvitationStatus.ACCEPTED
    assert category.accepted_count == 1


def at_once(app, *requests) -> list[str]:
    """Run each `request(invitation)` in its own thread, app context and database
    session, as two web requests would, all starting together. Each one loads
    its invitation (by token) before the start, so both decide on the same state.
    Returns what each did: its return value, "refused" (DomainError) or the error."""
    barrier = threading.Barrier(len(requests))
    results: list[str] = [""] * len(requests)

    def run(index: int, token: str, action) -> None:
        with app.app_context():
            try:
                invitation = find_by_token(token)
                invitation.category, invitation.registration, invitation.session  # loaded before the race
                barrier.wait(timeout=10)
                results[index] = str(action(invitation))
                db.session.commit()
            except DomainError:
                db.session.rollback()
                results[index] = "refused"
            except Exception as error:  # noqa: BLE001 — reported by the caller's assertion
                db.session.rollback()
                results[index] = repr(error)

    threads = [threading.Thread(target=run, args=(index, token, action))
               for index, (token, action) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return results


def accepting(invitation) -> str:
    return "accepted" if inv.respond(invitation, True) else "unchanged"


def declining(invitation) -> str:
    return "declined" if inv.respond(invitation, False) else "unchanged"


def revoking(invitation) -> str:
    inv.revoke(invitation)
    return "revoked"


def test_concurrent_acceptances_of_the_last_place_let_exactly_one_in(app, make):
    """Two invitees, one place: two requests at the same moment."""
    conference = make.conference()
    category = inv.create_category(conference, "Kepala daerah", 1)
    tokens = [link_for(invite_delegate(conference, f"tamu{n}@example.org", category=category))
              for n in range(2)]

    results = at_once(app, (tokens[0], accepting), (tokens[1], accepting))

    assert sorted(results) == ["accepted", "refused"]
    assert db.session.get(InvitationCategory, category.id).accepted_count == 1
    statuses = sorted(s.value for s in db.session.scalars(select(Invitation.status)))
    assert statuses == ["accepted", "pending"]
    assert count(Registration) == 1
    assert len(messages("invitation_answer")) == 1


@pytest.mark.parametrize("kind", ["delegate", "speaker"])
def test_a_double_submit_at_the_same_moment_answers_once(app, make, kind):
    conference, session = speaker_session(make)
    category = inv.create_category(conference, "Kementerian", 5)
    if kind == "delegate":
        invitation = invite_delegate(conference, category=category)
    else:
        invitation = invite_speaker(conference, session, category=category)
    token = link_for(invitation)

    results = at_once(app, (token, accepting), (token, accepting))

    assert sorted(results) == ["accepted", "unchanged"]
    assert db.session.get(InvitationCategory, category.id).accepted_count == 1
    assert db.session.get(Invitation, invitation.id).status is InvitationStatus.ACCEPTED
    assert len(messages("invitation_answer")) == 1
    assert count(AuditEntry, AuditEntry.action == "invitation.accept") == 1
    if kind == "delegate":
        assert count(Registration, Registration.status == RegistrationStatus.CONFIRMED) == 1


def test_accept_and_decline_at_the_same_moment_leave_a_consistent_answer(app, make):
    conference = make.conference()
    category = inv.create_category(conference, "Kementerian", 5)
    invitation = invite_delegate(conference, category=category)
    token = link_for(invitation)

    results = at_once(app, (token, accepting), (token, declining))

    assert "refused" not in results and not any("Error" in r for r in results), results
    invitation = db.session.get(Invitation, invitation.id)
    accepted = invitation.status is InvitationStatus.ACCEPTED
    assert db.session.get(InvitationCategory, category.id).accepted_count == (1 if accepted else 0)
    confirmed = count(Registration, Registration.status == RegistrationStatus.CONFIRMED)
    assert confirmed == (1 if accepted else 0)


@pytest.mark.parametrize("kind", ["delegate", "speaker"])
def test_a_revocation_at_the_moment_of_acceptance_leaves_nothing_behind(app, make, kind):
    conference, session = speaker_session(make)
    category = inv.create_category(conference, "Kementerian", 5)
    if kind == "delegate":
        invitation = invite_delegate(conference, category=category)
    else:
        invitation = invite_speaker(conference, session, category=category)
    token = link_for(invitation)

    results = at_once(app, (token, accepting), (token, revoking))

    assert results[1] == "revoked" and results[0] in ("accepted", "refused"), results
    invitation = db.session.get(Invitation, invitation.id)
    assert invitation.status is InvitationStatus.REVOKED
    assert db.session.get(InvitationCategory, category.id).accepted_count == 0
    assert count(Registration, Registration.status != RegistrationStatus.CANCELLED) == 0
    assert role_of(invitation) is None


# --- speakers -----------------------------------------------------------------------------


def test_accepting_a_speaker_invitation_confirms_the_role_for_the_next_release(make):
    conference, session = speaker_session(make)
    invitation = invite_speaker(conference, session, role=RoleKind.MODERATOR)
    assert role_of(invitation).status is RoleStatus.INVITED
    before = make.publish(conference)
    item = next(s for s in before.snapshot["sessions"] if s["id"] == session.id)
    assert item["roles"] == []  # an invited speaker is not public yet

    answer(invitation, True)

    role = role_of(invitation)
    assert role.status is RoleStatus.CONFIRMED and role.role is RoleKind.MODERATOR
    after = make.publish(conference)
    item = next(s for s in after.snapshot["sessions"] if s["id"] == session.id)
    assert item["roles"] == [{"person_id": invitation.person_id, "role": "moderator"}]
    assert invitation.person_id in [p["id"] for p in after.snapshot["people"]]
    assert [c["type"] for c in after.changes] == ["people_added"]
    receipt = messages("invitation_answer")[-1]
    assert [a["filename"] for a in receipt.attachments] == ["session.ics"]


def test_declining_a_speaker_invitation_frees_the_role_and_tells_every_organiser(make):
    conference, session = speaker_session(make)
    organisers = [make.organiser(conference), make.organiser(conference)]
    make.organiser(make.conference())  # organises something else: not told
    staying = make.role(session, make.person(conference, "Pembicara Tetap"))
    invitation = invite_speaker(conference, session)

    answer(invitation, False, note="Bertepatan dengan kunjungan kerja.")

    assert role_of(invitation) is None
    assert [(r.id, r.position) for r in session.roles] == [(staying.id, 0)]
    told = messages("speaker_declined")
    assert sorted(m.to_address for m in told) == sorted(o.email for o in organisers)
    assert all("Pembicara Undangan" in m.body_text for m in told)
    assert [m.to_address for m in messages("invitation_answer")] == ["pembicara@example.org"]


def test_a_speaker_who_accepts_declines_and_accepts_again_is_back_on_the_session(make):
    conference, session = speaker_session(make)
    invitation = invite_speaker(conference, session)
    answer(invitation, True)
    answer(invitation, False)
    assert role_of(invitation) is None

    answer(invitation, True)

    assert role_of(invitation).status is RoleStatus.CONFIRMED
    assert invitation.status is InvitationStatus.ACCEPTED
    assert len(messages("speaker_declined")) == 0  # nobody organises this conference


# --- delegates and registrations ---------------------------------------------------------------


def test_delegates_wait_when_public_registration_is_full_unless_a_seat_is_reserved(make):
    conference = make.conference(registration_capacity=1)
    first = invite_delegate(conference, "pertama@example.org")
    second = invite_delegate(conference, "kedua@example.org")
    reserved = invite_delegate(conference, "khusus@example.org", reserved_seat=True)

    answer(first, True)
    answer(second, True)
    answer(reserved, True)

    assert first.registration.status is RegistrationStatus.CONFIRMED
    assert second.registration.status is RegistrationStatus.WAITING
    assert reserved.registration.status is RegistrationStatus.CONFIRMED
    assert reserved.registration.reserved_seat is True
    db.session.refresh(conference)
    assert conference.seats_taken == 1  # the reserved seat is outside the capacity
    from flask_babel import force_locale, gettext

    with force_locale("id"):  # the invitee's language
        waiting_line = gettext("The conference is full at the moment: you are on the waiting list "
                               "and we will write when a seat frees.")
    assert waiting_line in messages("invitation_answer", to="kedua@example.org")[0].body_text


@pytest.mark.parametrize("reserved_seat", [True, False])
def test_closed_registration_does_not_stop_an_invitee(make, reserved_seat):
    conference = make.conference(registration_mode=RegistrationMode.CLOSED)
    invitation = invite_delegate(conference, reserved_seat=reserved_seat)

    answer(invitation, True)

    assert invitation.registration.status is RegistrationStatus.CONFIRMED
    assert invitation.registration.reserved_seat is reserved_seat


def test_a_reserved_seat_is_confirmed_in_a_full_closed_conference(make):
    conference = make.conference(registration_mode=RegistrationMode.CLOSED, registration_capacity=1)
    invite_delegate(conference, "umum@example.org")
    answer(db.session.scalar(select(Invitation)), True)
    invitation = invite_delegate(conference, "khusus@example.org", reserved_seat=True)

    answer(invitation, True)

    assert invitation.registration.status is RegistrationStatus.CONFIRMED
    assert invitation.registration.reserved_seat is True


# --- inviting twice -------------------------------------------------------------------------


def test_inviting_the_same_email_to_the_same_thing_again_returns_the_first_invitation(make):
    conference, session = speaker_session(make)
    other_session = make.session(conference, (13, 0), (14, 0), title_id="Sesi Lain")
    first = invite_delegate(conference, "tamu@example.org")

    again, created = inv.invite_delegate(conference, invitee("  Tamu@Example.ORG "))
    assert created is False and again.id == first.id
    spoken, created = inv.invite_speaker(conference, session, RoleKind.SPEAKER, invitee("tamu@example.org"))
    assert created is True  # speaking in a session is another thing
    spoken_again, created = inv.invite_speaker(conference, session, RoleKind.SPEAKER, invitee("TAMU@example.org"))
    assert created is False and spoken_again.id == spoken.id
    _elsewhere, created = inv.invite_speaker(conference, other_session, RoleKind.SPEAKER, invitee("tamu@example.org"))
    assert created is True
    db.session.commit()

    assert count(Invitation) == 3
    assert len(messages("invitation")) == 3  # no second mail for the repeats
    assert count(SessionRole, SessionRole.session_id == session.id) == 1


def test_inviting_again_after_a_revocation_renews_the_same_invitation(make):
    conference = make.conference()
    first = invite_delegate(conference)
    answer(first, True)
    inv.revoke(first)
    db.session.commit()

    again, created = inv.invite_delegate(conference, invitee("tamu@example.org"))
    db.session.commit()

    assert again.id == first.id and created is False
    assert again.status is InvitationStatus.PENDING and again.responded_at is None
    assert count(Invitation) == 1
    assert link_state(again) is LinkState.OPEN


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_are_long_random_and_stored_only_as_hashes(make):
    conference, session = speaker_session(make)
    delegate = invite_delegate(conference, "tamu@example.org")
    speaker = invite_speaker(conference, session, "pembicara@example.org")
    inv.resend(delegate)
    inv.respond(speaker, True)  # the receipt carries a link too
    db.session.commit()

    sealed = [m for m in messages() if m.secret]
    tokens = [unseal(m.secret) for m in sealed]
    assert len(tokens) == count(InvitationToken) == 4
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert len(token) >= len(secrets.token_urlsafe(32))  # 43 characters: 256 bits
    assert sorted(db.session.scalars(select(InvitationToken.token_hash))) == sorted(
        hashlib.sha256(token.encode()).hexdigest() for token in tokens)

    stored = [" ".join(str(v) for v in row) for row in db.session.execute(text("SELECT * FROM invitation_token"))]
    stored += [" ".join(str(v) for v in row) for row in db.session.execute(text("SELECT * FROM outbox_message"))]
    stored += [" ".join(str(v) for v in row) for row in db.session.execute(text("SELECT * FROM audit_entry"))]
    everything = "\n".join(stored)
    for token in tokens:
        assert token not in everything
    # The mail as sent carries the link: the token is filled in only then.
    for message, token in zip(sealed, tokens, strict=True):
        assert f"http://eventapp.test/i/{token}" in reveal(message, message.body_text)


def test_a_token_opens_only_its_own_invitation(make):
    conference = make.conference()
    first = invite_delegate(conference, "pertama@example.org")
    second = invite_delegate(conference, "kedua@example.org")
    token, other = link_for(first), link_for(second)

    assert find_by_token(token) is first
    assert find_by_token(other) is second
    last = "A" if token[-1] != "A" else "B"
    near_misses = [token[:-1] + last, token[:-1], token + "x", token.swapcase(), f" {token}",
                   inv.hash_token(token), "", "x" * 43, token + "/" + other]
    for wrong in near_misses:
        assert find_by_token(wrong) is None, wrong
