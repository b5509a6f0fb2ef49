"""The insights queries cost the same number of SQL statements for a small and
a large conference: every figure is a GROUP BY in the database, never a loop
over rows. Data is bulk-inserted so the large case stays fast."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind, SessionRole
from eventapp.extensions import db
from eventapp.insights import queries
from eventapp.invitations.models import Invitation, InvitationCategory, InvitationKind, InvitationStatus
from eventapp.people.models import Gender, Person, Sector
from eventapp.registration.models import ChoiceStatus, Registration, SessionChoice

GENDERS = list(Gender)
SECTORS = list(Sector)
ROLES = [RoleKind.SPEAKER, RoleKind.SPEAKER, RoleKind.MODERATOR, RoleKind.KEYNOTE]
STATUSES = [InvitationStatus.PENDING, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.REVOKED]
NEEDS = ["need_step_free", "need_sign_language", "need_captions", "need_large_print", "need_assistant"]


def build(make, slug: str, *, sessions: int, people: int, registrations: int, rooms: int):
    """A conference with one plenary and `sessions` parallel sessions in `rooms`
    rooms, `people` speakers, `registrations` confirmed attendees (needs varied,
    one choice each, some checked in) and as many delegate invitations in 4 categories."""
    conf = make.conference(slug=slug)
    theme = make.sub_theme(conf)
    room_rows = [make.room(conf, f"Room {n}", step_free=n % 2 == 0) for n in range(rooms)]
    start = make.at(conf, 8)
    make.session(conf, (7, 0), (8, 0), room=room_rows[0], kind=SessionKind.PLENARY, title_id="Pleno")
    db.session.execute(insert(AgendaSession), [
        {"conference_id": conf.id, "title_id": f"Sesi {i}", "kind": SessionKind.PARALLEL,
         "starts_at": start + timedelta(hours=i // rooms), "ends_at": start + timedelta(hours=i // rooms, minutes=50),
         "room_id": room_rows[i % rooms].id, "sub_theme_id": theme.id}
        for i in range(sessions)
    ])
    session_rows = db.session.execute(
        select(AgendaSession.id, AgendaSession.starts_at)
        .where(AgendaSession.conference_id == conf.id, AgendaSession.kind == SessionKind.PARALLEL)
        .order_by(AgendaSession.id)
    ).all()
    db.session.execute(insert(Person), [
        {"conference_id": conf.id, "full_name": f"Pembicara {i}", "gender": GENDERS[i % 4],
         "sector": SECTORS[i % len(SECTORS)]}
        for i in range(people)
    ])
    person_ids = db.session.scalars(select(Person.id).where(Person.conference_id == conf.id).order_by(Person.id)).all()
    db.session.execute(insert(SessionRole), [
        {"session_id": session_rows[i % len(session_rows)].id, "person_id": pid, "role": ROLES[i % 4], "position": i}
        for i, pid in enumerate(person_ids)
    ])
    categories = []
    for n in range(4):
        category = InvitationCategory(conference_id=conf.id, name=f"Kategori {n}", quota=None if n else 10_000)
        db.session.add(category)
        categories.append(category)
    db.session.flush()
    respond_by = start + timedelta(days=30)
    db.session.execute(insert(Invitation), [
        {"conference_id": conf.id, "kind": InvitationKind.DELEGATE, "target": "delegate",
         "status": STATUSES[i % 4], "email": f"undangan{i}@example.org", "full_name": f"Undangan {i}",
         "category_id": categories[i % 4].id, "respond_by": respond_by}
        for i in range(registrations)
    ])
    accepted = db.session.scalars(
        select(Invitation.id).where(Invitation.conference_id == conf.id, Invitation.status == InvitationStatus.ACCEPTED)
        .order_by(Invitation.id)
    ).all()
    db.session.execute(insert(Registration), [
        {"conference_id": conf.id, "email": f"peserta{i}@example.org", "full_name": f"Peserta {i}",
         "gender": GENDERS[i % 4], "sector": SECTORS[i % len(SECTORS)], "province": f"Provinsi {i % 7}",
         "invitation_id": accepted[i] if i < len(accepted) else None,
         "checked_in_at": start if i % 3 == 0 else None,
         **{need: (i + k) % 7 == 0 for k, need in enumerate(NEEDS)},
         "needs_other": "Kursi dekat pintu" if i % 11 == 0 else ""}
        for i in range(registrations)
    ])
    registration_ids = db.session.scalars(
        select(Registration.id).where(Registration.conference_id == conf.id).order_by(Registration.id)
    ).all()
    db.session.execute(insert(SessionChoice), [
        {"registration_id": rid, "session_id": session_rows[i % len(session_rows)].id,
         "slot_starts_at": session_rows[i % len(session_rows)].starts_at, "status": ChoiceStatus.CONFIRMED}
        for i, rid in enumerate(registration_ids)
    ])
    db.session.commit()
    return conf


QUERIES = {
    "speaker_report": queries.speaker_report,
    "participation_gender": lambda c: queries.participation(c, Registration.gender),
    "participation_sector": lambda c: queries.participation(c, Registration.sector),
    "participation_province": lambda c: queries.participation(c, Registration.province),
    "invitations_by_category": queries.invitations_by_category,
    "needs_overall": queries.needs_overall,
    "needs_by_session": queries.needs_by_session,
}


@pytest.fixture
def small_and_large(make):
    small = build(make, "kecil", sessions=5, people=8, registrations=10, rooms=2)
    large = build(make, "besar", sessions=120, people=150, registrations=600, rooms=12)
    return small, large


def test_query_functions_cost_the_same_for_small_and_large(small_and_large, count_queries):
    small, large = small_and_large
    assert queries.needs_overall(large)["total"] == 600  # the large data is really there
    assert len(queries.needs_by_session(large)) == 120
    assert queries.speaker_report(large).people.total == 150
    for name, function in QUERIES.items():
        db.session.expire_all()
        with count_queries() as few:
            function(small)
        db.session.expire_all()
        with count_queries() as many:
            function(large)
        assert len(few) == len(many) >= 1, name


def test_accessibility_page_costs_the_same(small_and_large, make, auth, client, count_queries):
    small, large = small_and_large
    auth.login(make.organiser(small, large))
    counts = []
    for conf in (small, large):
        with count_queries() as statements:
            response = client.get(f"/manage/{conf.slug}/insights/accessibility")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    rooms = []
    for conf in (small, large):
        room_id = db.session.scalar(select(AgendaSession.room_id).where(
            AgendaSession.conference_id == conf.id, AgendaSession.kind == SessionKind.PLENARY))
        with count_queries() as statements:
            response = client.get(f"/manage/{conf.slug}/insights/accessibility/rooms/{room_id}")
        assert response.status_code == 200
        rooms.append(len(statements))
    assert rooms[0] == rooms[1]
