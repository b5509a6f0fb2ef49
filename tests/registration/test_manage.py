"""The organisers' side of registration: settings, the form's own questions,
the registrations list (counts, search, filters, sorting, pages, query budget),
one registration and its actions, the CSV export; and the agenda hook that
gives new session seats to the people waiting.

Assertions are on status codes, ids in the page, database rows and queued
mail; text assertions switch the client to English first."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import SessionKind
from eventapp.agenda.services import update_session
from eventapp.audit.models import AuditEntry
from eventapp.conferences.models import Conference, RegistrationMode
from eventapp.extensions import db
from eventapp.invitations.services import Invitee, invite_delegate, respond
from eventapp.mail.models import OutboxMessage
from eventapp.people.models import Sector
from eventapp.registration import services as reg
from eventapp.registration.models import (
    ChoiceStatus,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    SessionChoice,
)
from eventapp.registration.questions import create_question

from ..checkers import validate_html

SLUG = "konas"
SETTINGS = f"/manage/{SLUG}/registration"
QUESTIONS = SETTINGS + "/questions"
LIST = f"/manage/{SLUG}/registrations"


# --- helpers -----------------------------------------------------------------------------------


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def row_ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="registration-(\d+)"', response.get_data(as_text=True))]


def field_error(response, field_id: str) -> bool:
    page = response.get_data(as_text=True)
    return f'id="{field_id}-error"' in page and re.search(
        rf'aria-describedby="[^"]*\b{field_id}-error"', page) is not None


def mails(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def english(client) -> None:
    client.post("/language", data={"lang": "en", "next": "/"})


def signup(conference, n: int | str, choices=None, **kw) -> Registration:
    kw.setdefault("full_name", f"Peserta {n}")
    registration = reg.register(conference, reg.Registrant(email=f"peserta{n}@example.org", **kw), choices,
                                consent=True).registration
    db.session.commit()
    return registration


@pytest.fixture
def conference(make):
    return make.conference(slug=SLUG)


@pytest.fixture
def organiser(make, auth, conference):
    user = make.organiser(conference)
    auth.login(user)
    return user


@pytest.fixture
def parallel(make, conference):
    """One slot with two parallel sessions (2 and 1 seats), published."""
    big = make.session(conference, kind=SessionKind.PARALLEL, room=make.room(conference, "A", capacity=2),
                       title_id="Sesi Besar")
    small = make.session(conference, kind=SessionKind.PARALLEL, room=make.room(conference, "B", capacity=1),
                         title_id="Sesi Kecil")
    make.publish(conference)
    return reg.choice_slots(conference)[0].key, big, small


# --- settings ----------------------------------------------------------------------------------


SETTINGS_FORM = {"registration_mode": "invitation_only", "opens_on": "2030-01-01", "opens_time": "09:00",
                 "closes_on": "2030-02-01", "closes_time": "17.30", "registration_capacity": "40",
                 "requires_approval": "y"}


def test_settings_are_saved_in_the_conference_zone(client, conference, organiser):
    assert client.get(SETTINGS).status_code == 200
    response = client.post(SETTINGS, data=SETTINGS_FORM)
    assert response.status_code == 303 and response.headers["Location"].endswith(SETTINGS)
    saved = fresh(Conference, conference.id)
    assert saved.registration_mode is RegistrationMode.INVITATION_ONLY
    assert saved.registration_opens_at == datetime(2030, 1, 1, 9, 0, tzinfo=saved.zone)
    assert saved.registration_closes_at == datetime(2030, 2, 1, 17, 30, tzinfo=saved.zone)
    assert saved.registration_capacity == 40 and saved.registration_requires_approval
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "registration.settings")) == 1
    page = client.get(SETTINGS).get_data(as_text=True)  # the form shows what is stored
    assert 'value="2030-01-01"' in page and 'value="17:30"' in page and 'value="40"' in page


def test_settings_can_clear_the_window_and_the_limit(client, conference, organiser):
    client.post(SETTINGS, data=SETTINGS_FORM)
    response = client.post(SETTINGS, data={"registration_mode": "open", "registration_capacity": ""})
    assert response.status_code == 303
    saved = fresh(Conference, conference.id)
    assert saved.registration_opens_at is None and saved.registration_closes_at is None
    assert saved.registration_capacity is None and not saved.registration_requires_approval


@pytest.mark.parametrize(("changes", "field"), [
    ({"closes_on": "2029-12-31", "closes_time": "09:00"}, "closes_on"),  # closes before it opens
    ({"closes_time": ""}, "closes_time"),  # a day without a time
    ({"registration_capacity": "0"}, "registration_capacity"),
    ({"registration_capacity": "banyak"}, "registration_capacity"),
    ({"registration_mode": "semua"}, "registration_mode"),
])
def test_bad_settings_are_refused_next_to_the_field(client, conference, organiser, changes, field):
    response = client.post(SETTINGS, data={**SETTINGS_FORM, **changes})
    assert response.status_code == 422 and field_error(response, field)
    saved = fresh(Conference, conference.id)
    assert saved.registration_mode is RegistrationMode.OPEN and saved.registration_capacity is None


def test_capacity_below_the_seats_taken_is_refused_and_nothing_changes(client, conference, organiser):
    for n in range(3):
        signup(conference, n)
    english(client)
    response = client.post(SETTINGS, data={**SETTINGS_FORM, "registration_capacity": "2"})
    assert response.status_code == 422 and field_error(response, "registration_capacity")
    assert "3 seats are already taken" in text_of(response)
    saved = fresh(Conference, conference.id)
    assert saved.registration_capacity is None and saved.registration_mode is RegistrationMode.OPEN


def test_a_larger_capacity_promotes_the_people_waiting(client, conference, organiser):
    conference.registration_capacity = 1
    db.session.commit()
    signup(conference, 1)
    waiting = signup(conference, 2)
    page = client.get(SETTINGS).get_data(as_text=True)
    assert re.search(r'id="waiting-count">1<', page)
    response = client.post(SETTINGS, data={"registration_mode": "open", "registration_capacity": "2"})
    assert response.status_code == 303
    assert fresh(Registration, waiting.id).status is RegistrationStatus.CONFIRMED
    assert [m.to_address for m in mails("registration_promoted")] == ["peserta2@example.org"]


# --- questions -----------------------------------------------------------------------------------


def questions(conference) -> list[RegistrationQuestion]:
    db.session.expire_all()
    return list(db.session.scalars(select(RegistrationQuestion).where(
        RegistrationQuestion.conference_id == conference.id).order_by(RegistrationQuestion.position)))


def test_an_organiser_adds_questions_of_each_kind(client, conference, organiser):
    assert 'id="no-questions"' in client.get(QUESTIONS).get_data(as_text=True)
    response = client.post(QUESTIONS, data={"label_id": "Ukuran kaos", "label_en": "T-shirt size",
                                            "kind": "single_choice", "options": " S \nM\n\nm\nL\n",
                                            "required": "y"})
    assert response.status_code == 303
    client.post(QUESTIONS, data={"label_id": "Harapan", "kind": "long_text", "options": "abaikan"})
    first, second = questions(conference)
    assert (first.label_en, first.kind, first.required, first.options) == (
        "T-shirt size", QuestionKind.SINGLE_CHOICE, True, ["S", "M", "L"])
    assert (second.kind, second.required, second.options) == (QuestionKind.LONG_TEXT, False, [])
    page = client.get(QUESTIONS).get_data(as_text=True)
    assert page.index(f'id="question-{first.id}"') < page.index(f'id="question-{second.id}"')


@pytest.mark.parametrize(("data", "field"), [
    ({"label_id": "", "label_en": "", "kind": "short_text"}, "label_id"),
    ({"label_id": "Pilih", "kind": "multiple_choice", "options": "Satu\nsatu"}, "options"),
    ({"label_id": "Pilih", "kind": "essay"}, "kind"),
])
def test_a_bad_question_is_refused_next_to_the_field(client, conference, organiser, data, field):
    response = client.post(QUESTIONS, data=data)
    assert response.status_code == 422 and field_error(response, field)
    assert questions(conference) == []


def test_a_question_is_edited_moved_and_deleted(client, conference, organiser):
    a = create_question(conference, label_id="A", label_en="", kind=QuestionKind.SHORT_TEXT)
    b = create_question(conference, label_id="B", label_en="", kind=QuestionKind.YES_NO)
    c = create_question(conference, label_id="C", label_en="", kind=QuestionKind.YES_NO)
    db.session.commit()
    assert 'value="A"' in client.get(f"{QUESTIONS}/{a.id}").get_data(as_text=True)
    response = client.post(f"{QUESTIONS}/{a.id}", data={"label_id": "A2", "kind": "multiple_choice",
                                                        "options": "x\ny", "required": "y"})
    assert response.status_code == 303
    edited = fresh(RegistrationQuestion, a.id)
    assert (edited.label_id, edited.kind, edited.options, edited.required) == (
        "A2", QuestionKind.MULTIPLE_CHOICE, ["x", "y"], True)
    assert client.post(f"{QUESTIONS}/{c.id}/move", data={"direction": "up"}).status_code == 303
    assert [q.label_id for q in questions(conference)] == ["A2", "C", "B"]
    client.post(f"{QUESTIONS}/{a.id}/move", data={"direction": "up"})  # already first: nothing
    client.post(f"{QUESTIONS}/{a.id}/move", data={"direction": "down"})
    assert [q.label_id for q in questions(conference)] == ["C", "A2", "B"]
    assert client.post(f"{QUESTIONS}/{b.id}/delete").status_code == 303
    assert [q.label_id for q in questions(conference)] == ["C", "A2"]


# --- the list --------------------------------------------------------------------------------------


@pytest.fixture
def crowd(conference, parallel):
    """Registrations in every state, with choices, needs, sectors and a check-in."""
    key, big, small = parallel
    conference.registration_capacity = 3
    db.session.commit()
    people = {
        "ani": signup(conference, "ani", {key: big.id}, full_name="Ani Wijaya", organisation="Bappenas",
                      sector=Sector.CENTRAL_GOVERNMENT, needs={"need_captions"}),
        "budi": signup(conference, "budi", {key: small.id}, full_name="Budi Santoso", organisation="LSM Hijau",
                       sector=Sector.CIVIL_SOCIETY, needs_other="Kursi roda"),
        "citra": signup(conference, "citra", {key: small.id}, full_name="Citra Lestari",
                        organisation="Universitas Riau", sector=Sector.ACADEMIA),
        "dodi": signup(conference, "dodi", full_name="Dodi Waiting"),
        "eka": signup(conference, "eka", full_name="Eka Waiting"),
    }
    reg.check_in(people["ani"])
    conference.registration_requires_approval = True
    db.session.commit()
    people["fajar"] = signup(conference, "fajar", full_name="Fajar Pending")
    people["gita"] = signup(conference, "gita", full_name="Gita Cancelled")
    reg.cancel(people["gita"])
    db.session.commit()
    return people


def test_the_list_shows_counts_and_rows(client, conference, organiser, crowd):
    english(client)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    counts = {name: re.search(rf'id="count-{name}">(?:<a [^>]*>)?(\d+)<', page).group(1)
              for name in ("confirmed", "waiting", "pending", "cancelled", "checked-in")}
    assert counts == {"confirmed": "3", "waiting": "2", "pending": "1", "cancelled": "1", "checked-in": "1"}
    assert set(row_ids(response)) == {r.id for r in crowd.values()}
    eka_row = page.split(f'id="registration-{crowd["eka"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "(no. 2)" in eka_row  # second on the waiting list
    citra_row = text_of(response).split(f'id="registration-{crowd["citra"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Sesi Kecil" in citra_row and "waiting list" in citra_row
    budi_row = text_of(response).split(f'id="registration-{crowd["budi"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Kursi roda" in budi_row and "LSM Hijau" in budi_row


@pytest.mark.parametrize(("query", "expected"), [
    ("status=waiting", {"dodi", "eka"}),
    ("status=pending", {"fajar"}),
    ("q=wijaya", {"ani"}),
    ("q=PESERTABUDI@example", {"budi"}),
    ("q=universitas", {"citra"}),
    ("sector=civil_society", {"budi"}),
    ("need=need_captions", {"ani"}),
    ("need=other", {"budi"}),
    ("checked_in=yes", {"ani"}),
    ("checked_in=no&status=confirmed", {"budi", "citra"}),
    ("status=bogus&need=bogus&sector=bogus", {"ani", "budi", "citra", "dodi", "eka", "fajar", "gita"}),
])
def test_the_list_filters(client, conference, organiser, crowd, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert set(row_ids(response)) == {crowd[name].id for name in expected}


def test_the_list_filters_by_session_and_ticket_code(client, conference, organiser, crowd, parallel):
    _key, big, small = parallel
    assert set(row_ids(client.get(f"{LIST}?session={small.id}"))) == {crowd["budi"].id, crowd["citra"].id}
    code = crowd["citra"].ticket_code
    spaced = f"{code[:4]}-{code[4:8]} {code[8:]}".lower()
    assert row_ids(client.get(f"{LIST}?q={spaced}")) == [crowd["citra"].id]
    english(client)
    empty = client.get(f"{LIST}?q=tidak-ada-siapa-pun")
    assert row_ids(empty) == [] and 'id="no-match"' in empty.get_data(as_text=True)


def test_the_list_sorts_and_pages(client, conference, organiser, crowd):
    by_name = row_ids(client.get(LIST))
    assert by_name[0] == crowd["ani"].id and by_name[-1] == crowd["gita"].id
    assert row_ids(client.get(f"{LIST}?sort=-name")) == by_name[::-1]
    assert row_ids(client.get(f"{LIST}?sort=checked_in"))[0] == crowd["ani"].id
    for n in range(30):
        signup(conference, f"x{n:02d}", full_name=f"Zz {n:02d}")
    first, second = row_ids(client.get(LIST)), row_ids(client.get(f"{LIST}?page=2"))
    assert len(first) == 25 and len(second) == 12 and set(first).isdisjoint(second)


def test_the_list_queries_do_not_grow_with_registrations(client, conference, organiser, parallel,
                                                         count_queries):
    key, big, small = parallel

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            signup(conference, n, {key: (big.id, small.id)[n % 2]}, needs={"need_captions"} if n % 3 else set())

    create_question(conference, label_id="Asal", label_en="", kind=QuestionKind.SHORT_TEXT)
    db.session.commit()
    add(0, 3)
    with count_queries() as small_run:
        assert client.get(LIST).status_code == 200
    add(3, 60)
    with count_queries() as large_run:
        response = client.get(LIST)
    assert response.status_code == 200 and len(row_ids(response)) == 25
    assert len(large_run) == len(small_run), "\n\n".join(large_run)


def test_an_empty_list_says_so(client, conference, organiser):
    english(client)
    page = client.get(LIST).get_data(as_text=True)
    assert 'id="no-registrations"' in page and "Nobody has registered yet." in page


# --- one registration ---------------------------------------------------------------------------------


def test_the_detail_page_shows_everything(client, make, conference, organiser, parallel):
    key, big, _small = parallel
    question = create_question(conference, label_id="Ukuran kaos", label_en="T-shirt size",
                               kind=QuestionKind.MULTIPLE_CHOICE, options=["S", "M"])
    asked = create_question(conference, label_id="Vegetarian?", label_en="Vegetarian?", kind=QuestionKind.YES_NO)
    db.session.commit()
    registration = signup(conference, 1, {key: big.id}, full_name="Ani Wijaya", phone="0812",
                          needs={"need_step_free"}, dietary="Halal",
                          answers={str(question.id): ["S", "M"], str(asked.id): True, "999": "old answer"})
    english(client)
    response = client.get(f"{LIST}/{registration.id}")
    assert response.status_code == 200
    text = text_of(response)
    for expected in ("Ani Wijaya", "peserta1@example.org", "0812", "Step-free access", "Halal",
                     "T-shirt size", "S; M", "Vegetarian?", "Yes", "Sesi Besar", registration.ticket_code):
        assert expected in text, expected
    assert "old answer" not in text  # a deleted question's answer is not shown


def test_the_detail_page_links_the_invitation(client, conference, organiser):
    invitation, _created = invite_delegate(conference, Invitee(email="tamu@example.org", full_name="Tamu"))
    respond(invitation, accept=True)
    db.session.commit()
    registration = db.session.scalar(select(Registration).where(Registration.invitation_id == invitation.id))
    page = client.get(f"{LIST}/{registration.id}").get_data(as_text=True)
    assert f'/manage/{SLUG}/invitations/{invitation.id}"' in page


def test_approving_gives_a_seat_and_mails(client, conference, organiser):
    conference.registration_requires_approval = True
    db.session.commit()
    pending = signup(conference, 1)
    assert 'id="approve"' in client.get(f"{LIST}/{pending.id}").get_data(as_text=True)
    response = client.post(f"{LIST}/{pending.id}/approve")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{LIST}/{pending.id}")
    assert fresh(Registration, pending.id).status is RegistrationStatus.CONFIRMED
    assert [m.to_address for m in mails("registration_approved")] == ["peserta1@example.org"]
    again = client.post(f"{LIST}/{pending.id}/approve")
    assert again.status_code == 422 and 'id="action-errors"' in again.get_data(as_text=True)
    assert len(mails("registration_approved")) == 1


def test_cancelling_frees_the_seats_for_the_first_waiting(client, conference, organiser, parallel):
    key, _big, small = parallel
    first = signup(conference, 1, {key: small.id})
    second = signup(conference, 2, {key: small.id})
    assert second.choices[0].status is ChoiceStatus.WAITING
    response = client.post(f"{LIST}/{first.id}/cancel")
    assert response.status_code == 303
    assert fresh(Registration, first.id).status is RegistrationStatus.CANCELLED
    assert fresh(Registration, second.id).choices[0].status is ChoiceStatus.CONFIRMED
    assert [m.to_address for m in mails("registration_session_promoted")] == ["peserta2@example.org"]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "registration.cancel")) == 1
    assert client.post(f"{LIST}/{first.id}/cancel").status_code == 422  # already cancelled


def test_moving_a_choice_to_another_session(client, conference, organiser, parallel):
    key, big, small = parallel
    registration = signup(conference, 1, {key: small.id})
    page = client.get(f"{LIST}/{registration.id}").get_data(as_text=True)
    assert f'id="slot-{key}"' in page
    response = client.post(f"{LIST}/{registration.id}/move", data={"slot": key, "session": str(big.id)})
    assert response.status_code == 303
    choices = fresh(Registration, registration.id).choices
    assert [(c.session_id, c.status) for c in choices] == [(big.id, ChoiceStatus.CONFIRMED)]
    assert db.session.get(type(small), small.id).seats_taken == 0
    bad = client.post(f"{LIST}/{registration.id}/move", data={"slot": key, "session": "999999"})
    assert bad.status_code == 422
    assert [c.session_id for c in fresh(Registration, registration.id).choices] == [big.id]
    client.post(f"{LIST}/{registration.id}/move", data={"slot": key, "session": ""})
    assert db.session.scalar(select(func.count()).select_from(SessionChoice)) == 0


def test_erasing_needs_the_confirmation_and_keeps_the_counts(client, conference, organiser):
    registration = signup(conference, 1, full_name="Ani Rahasia", organisation="Rahasia", sector=Sector.MEDIA)
    refused = client.post(f"{LIST}/{registration.id}/erase", data={})
    assert refused.status_code == 422
    assert fresh(Registration, registration.id).erased_at is None
    assert client.post(f"{LIST}/{registration.id}/erase", data={"confirm": "yes"}).status_code == 303
    erased = fresh(Registration, registration.id)
    assert erased.erased_at is not None and erased.status is RegistrationStatus.CANCELLED
    assert erased.sector is Sector.MEDIA
    page = client.get(f"{LIST}/{registration.id}").get_data(as_text=True)
    assert "Ani Rahasia" not in page and 'id="erased"' in page and 'id="erase"' not in page
    assert "Ani Rahasia" not in client.get(LIST).get_data(as_text=True)
    assert client.post(f"{LIST}/{registration.id}/erase", data={"confirm": "yes"}).status_code == 422


def test_another_conferences_registration_is_not_found(client, make, conference, organiser):
    other = make.conference(slug="lain")
    registration = signup(other, 1)
    assert client.get(f"{LIST}/{registration.id}").status_code == 404
    assert client.post(f"{LIST}/{registration.id}/cancel").status_code == 404
    assert fresh(Registration, registration.id).status is RegistrationStatus.CONFIRMED


# --- CSV ------------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    assert response.data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_export_has_a_column_per_need_slot_and_question(client, conference, organiser, crowd, parallel):
    question = create_question(conference, label_id="Ukuran kaos", label_en="", kind=QuestionKind.SHORT_TEXT)
    db.session.commit()
    crowd["ani"].answers = {str(question.id): "=HYPERLINK(\"http://evil\")"}
    crowd["ani"].organisation = "@SUM(A1)"
    db.session.commit()
    response = client.get(f"{LIST}.csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    rows = {row["email"]: row for row in read_csv(response)}
    assert len(rows) == 7
    ani, citra = rows["pesertaani@example.org"], rows["pesertacitra@example.org"]
    assert ani["need_captions"] == "yes" and ani["need_step_free"] == "no"
    assert rows["pesertabudi@example.org"]["need_other"] == "Kursi roda"
    assert ani["organisation"] == "'@SUM(A1)"  # neutralised
    assert ani["question Ukuran kaos"].startswith("'=HYPERLINK")
    slot_column = next(name for name in ani if name.startswith("session "))
    assert ani[slot_column] == "Sesi Besar" and citra[slot_column].startswith("Sesi Kecil (")
    assert rows["pesertaeka@example.org"]["waiting_position"] == "2"
    assert ani["checked_in_at"] != "" and citra["checked_in_at"] == ""


def test_the_export_follows_the_filters(client, conference, organiser, crowd):
    rows = read_csv(client.get(f"{LIST}.csv?status=waiting&sort=-name"))
    assert [row["name"] for row in rows] == ["Eka Waiting", "Dodi Waiting"]
    page = client.get(f"{LIST}?status=waiting&sort=-name").get_data(as_text=True)
    assert "registrations.csv?status=waiting&amp;sort=-name" in page


# --- the agenda hook -------------------------------------------------------------------------------------


def test_more_seats_in_a_session_promote_the_people_waiting(conference, parallel):
    key, _big, small = parallel
    signup(conference, 1, {key: small.id})
    waiting = signup(conference, 2, {key: small.id})
    third = signup(conference, 3, {key: small.id})
    update_session(small, capacity=2)
    db.session.commit()
    assert fresh(Registration, waiting.id).choices[0].status is ChoiceStatus.CONFIRMED
    assert fresh(Registration, third.id).choices[0].status is ChoiceStatus.WAITING
    assert [m.to_address for m in mails("registration_session_promoted")] == ["peserta2@example.org"]
    update_session(fresh(type(small), small.id), title_id="Sesi Kecil Baru")  # no new seats: nobody moves
    db.session.commit()
    assert fresh(Registration, third.id).choices[0].status is ChoiceStatus.WAITING


def test_a_bigger_room_promotes_the_people_waiting(make, conference, parallel):
    key, _big, small = parallel
    signup(conference, 1, {key: small.id})
    waiting = signup(conference, 2, {key: small.id})
    update_session(small, room=make.room(conference, "Aula", capacity=5))
    db.session.commit()
    assert fresh(Registration, waiting.id).choices[0].status is ChoiceStatus.CONFIRMED


# --- HTML ----------------------------------------------------------------------------------------------------


def test_the_pages_are_valid_html(client, conference, organiser, crowd, tmp_path):
    question = create_question(conference, label_id="Ukuran", label_en="Size", kind=QuestionKind.SINGLE_CHOICE,
                               options=["S", "M"])
    create_question(conference, label_id="Catatan", label_en="", kind=QuestionKind.LONG_TEXT)
    db.session.commit()
    pages = {
        "settings.html": client.get(SETTINGS),
        "settings-errors.html": client.post(SETTINGS, data={**SETTINGS_FORM, "closes_on": "2000-01-01"}),
        "questions.html": client.get(QUESTIONS),
        "questions-errors.html": client.post(QUESTIONS, data={"label_id": "", "kind": "single_choice"}),
        "question-edit.html": client.get(f"{QUESTIONS}/{question.id}"),
        "list.html": client.get(LIST),
        "list-filtered.html": client.get(f"{LIST}?status=waiting&need=other&q=x"),
        "show-confirmed.html": client.get(f"{LIST}/{crowd['ani'].id}"),
        "show-pending.html": client.get(f"{LIST}/{crowd['fajar'].id}"),
        "show-waiting.html": client.get(f"{LIST}/{crowd['eka'].id}"),
        "show-errors.html": client.post(f"{LIST}/{crowd['ani'].id}/erase", data={}),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []


def test_the_empty_pages_are_valid_html(client, conference, organiser, tmp_path):
    pages = {"list-empty.html": client.get(LIST), "questions-empty.html": client.get(QUESTIONS)}
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []
