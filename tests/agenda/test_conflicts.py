"""Every conflict rule, through the services and the conflicts panel."""
import pytest
from sqlalchemy import func, select

from eventapp.agenda.conflicts import acknowledge, find_conflicts
from eventapp.agenda.models import AgendaSession, ConflictAcknowledgement, RoleKind, SessionKind
from eventapp.agenda.services import create_session, update_session
from eventapp.errors import DomainError
from eventapp.extensions import db


def codes(conference, session=None):
    report = find_conflicts(conference)
    conflicts = report.for_session(session.id) if session else report.conflicts
    return sorted(c.code for c in conflicts)


def sessions() -> int:
    return db.session.scalar(select(func.count()).select_from(AgendaSession))


def test_a_room_cannot_hold_two_sessions_at_once(make):
    conference = make.conference()
    room = make.room(conference)
    make.session(conference, (9, 0), (10, 0), room=room)
    with pytest.raises(DomainError) as raised:
        create_session(conference, title_id="Bentrok", room=room,
                       starts_at=make.at(conference, 9, 30), ends_at=make.at(conference, 11))
    assert raised.value.field == "room"
    db.session.rollback()
    assert sessions() == 1


def test_back_to_back_sessions_do_not_clash(make):
    conference = make.conference()
    room = make.room(conference)
    make.session(conference, (9, 0), (10, 0), room=room)
    make.session(conference, (10, 0), (11, 0), room=room)
    assert "room_overlap" not in codes(conference)


def test_a_shared_room_may_hold_overlapping_sessions(make):
    conference = make.conference()
    hall = make.room(conference, "Ruang Pameran", is_shared=True)
    make.session(conference, (9, 0), (12, 0), room=hall)
    make.session(conference, (10, 0), (11, 0), room=hall)
    assert "room_overlap" not in codes(conference)


def test_a_session_spanning_all_rooms_clashes_with_sessions_in_any_room(make):
    conference = make.conference()
    room = make.room(conference)
    make.session(conference, (10, 0), (11, 0), room=room, title_id="Paralel")
    with pytest.raises(DomainError):
        create_session(conference, title_id="Rehat", kind=SessionKind.BREAK, spans_all_rooms=True,
                       starts_at=make.at(conference, 10, 30), ends_at=make.at(conference, 10, 45))
    db.session.rollback()
    make.session(conference, (12, 0), (13, 0), title_id="Makan siang", kind=SessionKind.BREAK,
                 spans_all_rooms=True)
    with pytest.raises(DomainError):  # and a room session cannot be put under a spanning one
        create_session(conference, title_id="Terlambat", room=room,
                       starts_at=make.at(conference, 12, 30), ends_at=make.at(conference, 13, 30))


def test_only_plenary_kinds_can_span_all_rooms(make):
    conference = make.conference()
    with pytest.raises(DomainError) as raised:
        create_session(conference, title_id="Paralel", kind=SessionKind.PARALLEL, spans_all_rooms=True,
                       starts_at=make.at(conference, 9), ends_at=make.at(conference, 10))
    assert raised.value.field == "spans_all_rooms"


def test_moving_a_session_into_a_taken_room_is_refused_and_nothing_changes(make):
    conference = make.conference()
    first, second = make.room(conference), make.room(conference)
    make.session(conference, (9, 0), (10, 0), room=first)
    other = make.session(conference, (9, 0), (10, 0), room=second)
    with pytest.raises(DomainError):
        update_session(other, room=first)
    db.session.rollback()
    db.session.expire_all()
    assert other.room_id == second.id


def test_a_person_in_two_overlapping_sessions_is_a_warning_on_both(make):
    conference = make.conference()
    regent = make.person(conference, "Ilham Azikin")
    a = make.session(conference, (10, 0), (12, 0), room=make.room(conference))
    b = make.session(conference, (11, 0), (12, 30), room=make.room(conference))
    make.role(a, regent)
    make.role(b, regent, RoleKind.MODERATOR)
    report = find_conflicts(conference)
    overlap = [c for c in report.conflicts if c.code == "person_overlap"]
    assert len(overlap) == 1 and not overlap[0].blocking
    assert "Ilham Azikin" in overlap[0].message
    assert {s.id for s in overlap[0].sessions} == {a.id, b.id}


def test_capacity_sub_theme_moderator_and_speaker_warnings(make):
    conference = make.conference()
    small = make.room(conference, capacity=30)
    panel = make.session(conference, (9, 0), (10, 0), room=small, capacity=80)  # parallel, no sub-theme
    make.role(panel, make.person(conference))
    make.role(panel, make.person(conference))
    empty = make.session(conference, (11, 0), (12, 0), kind=SessionKind.PLENARY)
    coffee = make.session(conference, (12, 0), (12, 30), kind=SessionKind.BREAK)
    assert codes(conference, panel) == ["no_moderator", "no_sub_theme", "over_capacity"]
    assert codes(conference, empty) == ["no_speaker"]
    assert codes(conference, coffee) == []  # a break needs no speaker


def test_warnings_can_be_acknowledged_but_blocking_conflicts_cannot(make):
    conference = make.conference()
    plenary = make.session(conference, (11, 0), (12, 0), kind=SessionKind.PLENARY)
    acknowledge(plenary, "no_speaker")
    db.session.commit()
    report = find_conflicts(conference)
    assert report.open_warnings == [] and len(report.acknowledged) == 1
    acknowledge(plenary, "no_speaker")  # twice: still one row
    assert db.session.scalar(select(func.count()).select_from(ConflictAcknowledgement)) == 1
    with pytest.raises(DomainError):
        acknowledge(plenary, "person_overlap:1:2:3")  # not a current warning


def test_conflict_detection_compares_only_overlapping_neighbours(make, monkeypatch):
    """Sort-and-sweep: with N back-to-back sessions in one room, no pair is compared
    beyond the ones still running — linear, not quadratic."""
    from eventapp.agenda import conflicts

    comparisons = []
    original = conflicts._overlapping_pairs

    def spy(items):
        for pair in original(items):
            comparisons.append(pair)
            yield pair

    monkeypatch.setattr(conflicts, "_overlapping_pairs", spy)
    conference = make.conference()
    room = make.room(conference)
    person = make.person(conference)
    for hour in range(7, 19):
        s = make.session(conference, (hour, 0), (hour, 59), room=room)
        make.role(s, person)
    find_conflicts(conference)
    assert comparisons == []
