"""Draft and releases: snapshots, changelog, publishing rules."""
import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import AgendaRelease, RoleKind, SessionKind
from eventapp.agenda.releases import diff, draft_status, publish, snapshot
from eventapp.agenda.services import assign_person, delete_session, remove_role, update_session
from eventapp.errors import DomainError
from eventapp.extensions import db


def test_first_release_is_v1_and_lists_every_session_as_added(make):
    conference = make.conference()
    make.session(conference, (9, 0), (10, 0), title_id="Pembukaan", kind=SessionKind.OPENING)
    assert draft_status(conference).differs
    release = make.publish(conference)
    assert release.number == 1 and release.label == "v1"
    assert [c["type"] for c in release.changes] == ["added"]
    assert not draft_status(conference).differs


def test_changelog_names_moves_retimes_people_and_cancellations(make):
    conference = make.conference()
    first, second = make.room(conference, "Ruang A"), make.room(conference, "Ruang B")
    moved = make.session(conference, (9, 0), (10, 0), room=first, title_id="Dipindah")
    retimed = make.session(conference, (9, 0), (10, 0), room=second, title_id="Diundur")
    cancelled = make.session(conference, (11, 0), (12, 0), room=first, title_id="Dibatalkan")
    leaving, joining = make.person(conference, "Ani"), make.person(conference, "Budi")
    role = make.role(retimed, leaving)
    make.publish(conference)

    update_session(moved, room=make.room(conference, "Ruang C"))
    update_session(retimed, starts_at=make.at(conference, 13), ends_at=make.at(conference, 14))
    remove_role(role)
    assign_person(retimed, joining, RoleKind.SPEAKER)
    delete_session(cancelled)
    make.session(conference, (15, 0), (16, 0), title_id="Baru")
    db.session.commit()

    release = make.publish(conference)
    assert release.number == 2
    by_type = {}
    for change in release.changes:
        by_type.setdefault(change["type"], []).append(change)
    assert by_type["moved"][0]["old_room"] == "Ruang A" and by_type["moved"][0]["new_room"] == "Ruang C"
    assert by_type["retimed"][0]["title_id"] == "Diundur"
    assert by_type["people_added"][0]["people"] == ["Budi"]
    assert by_type["people_removed"][0]["people"] == ["Ani"]
    assert by_type["cancelled"][0]["title_id"] == "Dibatalkan"
    assert by_type["added"][0]["title_id"] == "Baru"


def test_session_identity_is_stable_across_releases(make):
    conference = make.conference()
    s = make.session(conference, (9, 0), (10, 0))
    v1 = make.publish(conference)
    update_session(s, title_id="Judul baru")
    db.session.commit()
    v2 = make.publish(conference)
    assert v1.snapshot["sessions"][0]["uid"] == v2.snapshot["sessions"][0]["uid"] == str(s.uid)
    assert v1.snapshot["sessions"][0]["id"] == v2.snapshot["sessions"][0]["id"] == s.id
    assert [c["type"] for c in v2.changes] == ["retitled"]


def test_publishing_without_changes_or_with_blocking_conflicts_is_refused(make):
    conference = make.conference()
    make.session(conference, (9, 0), (10, 0))
    make.publish(conference)
    with pytest.raises(DomainError):
        publish(conference)
    assert db.session.scalar(select(func.count()).select_from(AgendaRelease)) == 1


def test_unscheduled_sessions_are_not_published(make):
    conference = make.conference()
    from eventapp.agenda.services import create_session

    create_session(conference, title_id="Belum dijadwalkan")
    make.session(conference, (9, 0), (10, 0), title_id="Terjadwal")
    release = make.publish(conference)
    assert [s["title_id"] for s in release.snapshot["sessions"]] == ["Terjadwal"]


def test_detail_only_changes_still_count_as_unpublished(make):
    conference = make.conference()
    s = make.session(conference, (9, 0), (10, 0))
    make.publish(conference)
    update_session(s, abstract_id="Ringkasan baru")
    db.session.commit()
    status = draft_status(conference)
    assert status.differs and [c["type"] for c in status.changes] == ["details"]
    release = make.publish(conference)
    assert release.changes == []  # nothing the changelog names, but the public sees the new abstract


def test_diff_of_identical_snapshots_is_empty(make):
    conference = make.conference()
    make.session(conference, (9, 0), (10, 0))
    current = snapshot(conference)
    assert diff(current, current) == []
