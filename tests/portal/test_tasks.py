"""The speakers' checklist: organisers keep it, speakers tick it off."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import RoleKind
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.portal.models import SpeakerTask, SpeakerTaskDone
from eventapp.portal.speaker_services import create_task, set_task_done

from ..checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def conf(make):
    return make.conference(slug="konf")


@pytest.fixture
def speaker(make, auth, conf):
    user = make.user(email="pembicara@example.org")
    person = make.person(conf, "Dewi Pembicara", email=user.email)
    make.role(make.session(conf), person, RoleKind.SPEAKER)
    auth.login(user)
    return person


def task(conf, title="Kirim salindia", due_on=None, **kw):
    obj = create_task(conf, title_id=title, title_en=kw.pop("title_en", ""), due_on=due_on, **kw)
    db.session.commit()
    return obj


def test_speaker_ticks_and_unticks(client, conf, speaker):
    item = task(conf)
    url = f"/c/konf/my/tasks/{item.id}"
    assert client.post(url, data={"done": "1"}).status_code == 303
    assert client.post(url, data={"done": "1"}).status_code == 303  # a double click
    assert count(SpeakerTaskDone, SpeakerTaskDone.task_id == item.id) == 1
    html = client.get("/c/konf/my/sessions").get_data(as_text=True)
    assert "Mark as not done" in html
    assert client.post(url, data={"done": "0"}).status_code == 303
    assert count(SpeakerTaskDone) == 0
    assert client.post(url, data={"done": "0"}).status_code == 303
    assert count(SpeakerTaskDone) == 0


def test_ticking_twice_keeps_one_row(conf, speaker):
    item = task(conf)
    set_task_done(item, speaker, True)
    set_task_done(item, speaker, True)  # the unique constraint refuses the second row
    db.session.commit()
    assert count(SpeakerTaskDone) == 1
    set_task_done(item, speaker, False)
    db.session.commit()
    assert count(SpeakerTaskDone) == 0


def test_bad_value_is_refused(client, conf, speaker):
    item = task(conf)
    assert client.post(f"/c/konf/my/tasks/{item.id}", data={"done": "ya"}).status_code == 422
    assert count(SpeakerTaskDone) == 0


def test_task_of_another_conference_is_not_found(client, make, conf, speaker):
    other = make.conference(slug="lain")
    make.person(other, "Dewi", email="pembicara@example.org")
    item = task(other)
    assert client.post(f"/c/konf/my/tasks/{item.id}", data={"done": "1"}).status_code == 404
    assert client.post("/c/konf/my/tasks/999999", data={"done": "1"}).status_code == 404
    assert count(SpeakerTaskDone) == 0


def test_checklist_on_my_sessions_with_overdue_marker(client, conf, speaker):
    late = task(conf, "Kirim biodata", due_on=date(2020, 1, 1), details_id="Maksimal 100 kata")
    task(conf, "Kirim salindia", due_on=date(2099, 1, 1))
    html = client.get("/c/konf/my/sessions").get_data(as_text=True)
    assert "Kirim biodata" in html and "Maksimal 100 kata" in html and "Kirim salindia" in html
    assert html.count("Overdue") == 1
    assert html.index("Overdue") > html.index("Kirim biodata")
    assert html.index("Overdue") < html.index("Kirim salindia")
    client.post(f"/c/konf/my/tasks/{late.id}", data={"done": "1"})
    html = client.get("/c/konf/my/sessions").get_data(as_text=True)
    assert "Overdue" not in html


# --- organisers -------------------------------------------------------------------------


@pytest.fixture
def organiser(make, auth, conf):
    user = make.organiser(conf)
    auth.login(user)
    return user


def test_list_shows_progress(client, make, conf, organiser):
    speakers = []
    for name in ("A", "B", "C"):
        person = make.person(conf, f"Pembicara {name}")
        make.role(make.session(conf), person, RoleKind.SPEAKER)
        speakers.append(person)
    make.person(conf, "Tanpa peran")  # not a speaker: not counted
    item = task(conf, due_on=date(2026, 3, 1))
    set_task_done(item, speakers[0], True)
    db.session.commit()
    html = client.get("/manage/konf/speaker-tasks").get_data(as_text=True)
    assert "Kirim salindia" in html
    assert "1 of 3 speakers" in html


def test_add_edit_delete(client, conf, organiser, make):
    response = client.post("/manage/konf/speaker-tasks", data={
        "title_id": "Kirim salindia", "title_en": "Send your slides", "details_id": "PDF",
        "details_en": "", "due_on": "2026-03-01"})
    assert response.status_code == 303
    item = db.session.scalar(select(SpeakerTask))
    assert (item.title_en, item.details_id, item.due_on) == ("Send your slides", "PDF", date(2026, 3, 1))

    edit = f"/manage/konf/speaker-tasks/{item.id}/edit"
    assert "Send your slides" in client.get(edit).get_data(as_text=True)
    assert client.post(edit, data={"title_id": "", "title_en": "Send slides", "due_on": ""}).status_code == 303
    db.session.expire_all()
    assert (item.title_id, item.title_en, item.due_on) == ("", "Send slides", None)

    person = make.person(conf, "Pembicara")
    set_task_done(item, person, True)
    db.session.commit()
    delete = f"/manage/konf/speaker-tasks/{item.id}/delete"
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 303
    assert count(SpeakerTask) == 0
    assert count(SpeakerTaskDone) == 0
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"speaker_task.create", "speaker_task.update", "speaker_task.delete"} <= actions


def test_empty_title_is_refused(client, conf, organiser):
    response = client.post("/manage/konf/speaker-tasks", data={"title_id": " ", "title_en": ""})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)  # the message sits next to the title
    assert count(SpeakerTask) == 0
    item = task(conf)
    response = client.post(f"/manage/konf/speaker-tasks/{item.id}/edit",
                           data={"title_id": "", "title_en": "", "details_id": "Tetap"})
    assert response.status_code == 422
    assert "Tetap" in response.get_data(as_text=True)  # what was typed is kept
    db.session.expire_all()
    assert item.title_id == "Kirim salindia"


def test_bad_date_is_refused(client, conf, organiser):
    response = client.post("/manage/konf/speaker-tasks", data={"title_id": "X", "due_on": "besok"})
    assert response.status_code == 422
    assert count(SpeakerTask) == 0


def test_list_query_count_is_bounded(client, make, conf, organiser, count_queries):
    person = make.person(conf)
    make.role(make.session(conf), person, RoleKind.SPEAKER)
    first = task(conf)
    set_task_done(first, person, True)
    db.session.commit()
    with count_queries() as one:
        client.get("/manage/konf/speaker-tasks")
    for n in range(5):
        set_task_done(task(conf, f"Tugas {n}"), person, True)
    db.session.commit()
    with count_queries() as six:
        html = client.get("/manage/konf/speaker-tasks").get_data(as_text=True)
    assert html.count("1 of 1 speakers") == 6
    assert len(six) == len(one)


def test_manage_pages_are_valid_html(client, conf, organiser, tmp_path):
    item = task(conf, due_on=date(2026, 3, 1))
    pages = {
        "tasks.html": client.get("/manage/konf/speaker-tasks").data,
        "tasks-error.html": client.post("/manage/konf/speaker-tasks", data={"title_id": ""}).data,
        "task-edit.html": client.get(f"/manage/konf/speaker-tasks/{item.id}/edit").data,
        "task-delete.html": client.get(f"/manage/konf/speaker-tasks/{item.id}/delete").data,
    }
    assert validate_html(pages, tmp_path) == []
