"""The attendee's pages: the registration form /c/<slug>/register and the
private manage page /r/<token> (what they show, registering, errors, double
submits, the honeypot, the rate limit, closed windows, choices, cancelling)."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import SessionKind
from eventapp.conferences.models import RegistrationMode
from eventapp.db_types import utcnow
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.people.models import Gender, Sector
from eventapp.registration import services as reg
from eventapp.registration.models import (
    ChoiceStatus,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    SessionChoice,
)

from ..checkers import validate_html


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def words(response) -> str:
    """The page's text without tags (labels are built of several spans)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).replace(" ·", " ·")


def in_english(client) -> None:
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 303


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def token_of(response) -> str:
    location = response.headers["Location"]
    match = re.search(r"/r/([A-Za-z0-9_-]+)$", location)
    assert match, location
    return match.group(1)


@pytest.fixture
def conf(make):
    """A published, open conference with one slot of two parallel sessions
    (room A: 2 seats, room B: 1 seat) and two organisers' questions."""
    conference = make.conference(title_en="National Conference", contact_email="sekretariat@example.org")
    big = make.session(conference, kind=SessionKind.PARALLEL, room=make.room(conference, "Ruang A", capacity=2),
                       title_id="Sesi Anggaran", title_en="Budget session")
    small = make.session(conference, kind=SessionKind.PARALLEL, room=make.room(conference, "Ruang B", capacity=1),
                         title_id="Sesi Data", title_en="Data session")
    make.publish(conference)
    topic = RegistrationQuestion(conference_id=conference.id, label_en="Your favourite topic", label_id="Topik favorit",
                                 kind=QuestionKind.SINGLE_CHOICE, options=["Gender", "Budget"], required=True,
                                 position=2)
    why = RegistrationQuestion(conference_id=conference.id, label_en="Why do you come?", label_id="Mengapa datang?",
                               kind=QuestionKind.SHORT_TEXT, required=True, position=1)
    first_time = RegistrationQuestion(conference_id=conference.id, label_en="First time here?", label_id="Pertama kali?",
                                      kind=QuestionKind.YES_NO, position=3)
    interests = RegistrationQuestion(conference_id=conference.id, label_en="Interests", label_id="Minat",
                                     kind=QuestionKind.MULTIPLE_CHOICE, options=["Data", "Policy", "Media"],
                                     position=4)
    notes = RegistrationQuestion(conference_id=conference.id, label_en="Anything else", label_id="Lainnya",
                                 kind=QuestionKind.LONG_TEXT, position=5)
    db.session.add_all([topic, why, first_time, interests, notes])
    db.session.commit()
    slot = reg.choice_slots(conference)[0]
    return {"conference": conference, "big": big, "small": small, "key": slot.key,
            "questions": {"topic": topic, "why": why, "first_time": first_time, "interests": interests,
                          "notes": notes}}


def form_data(conf, n: int = 1, **overrides) -> dict:
    q = conf["questions"]
    data = {
        "full_name": f"Peserta Satu {n}", "email": f"peserta{n}@example.org", "honorific": "Dr.",
        "phone": "+62 811 000", "organisation": "Bappeda", "position": "Analis",
        "sector": Sector.REGIONAL_GOVERNMENT.value, "gender": Gender.WOMAN.value,
        "province": "Jawa Tengah", "regency": "Semarang", "needs": ["need_captions", "need_step_free"],
        "needs_other": "Quiet room", "dietary": "Vegetarian", "language": "en", "consent": "y",
        "public_listing": "y", "client_token": secrets.token_urlsafe(24),
        f"q-{q['why'].id}": "To learn", f"q-{q['topic'].id}": "Budget", f"q-{q['first_time'].id}": "yes",
        f"q-{q['interests'].id}": ["Data", "Media"],
        f"slot-{conf['key']}": str(conf["big"].id),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def url(conf) -> str:
    return f"/c/{conf['conference'].slug}/register"


# --- the form --------------------------------------------------------------------------------------


def test_the_form_shows_every_part(client, conf):
    in_english(client)
    response = client.get(url(conf))
    assert response.status_code == 200
    page = text_of(response)
    for label in ("Full name", "E-mail", "Phone (optional)", "Organisation", "Position", "Sector",
                  "Central government", "Prefer not to say", "Province (optional)", "Regency or city (optional)",
                  "Step-free access", "Sign-language interpreter", "Live captions", "Large print",
                  "Personal assistant", "Other needs", "Dietary needs", "Language for e-mails",
                  "Only the organisers of this conference see them", "public list of participants"):
        assert label in page, label
    # The organisers' questions in their order, each with the right control.
    q = conf["questions"]
    assert page.index("Why do you come?") < page.index("Your favourite topic") < page.index("First time here?")
    assert f'<input id="q-{q["why"].id}" maxlength="500" name="q-{q["why"].id}" required' in page
    assert 'type="radio" value="Budget"' in page
    assert f'<textarea id="q-{q["notes"].id}"' in page
    assert page.count(f'name="q-{q["interests"].id}" type="checkbox"') == 3
    page = words(response)
    # The slot: both sessions with room and seats left, and "none".
    assert "Budget session · Ruang A · 2 seats left" in page
    assert "Data session · Ruang B · 1 seat left" in page
    assert "No session in this slot" in page
    # The one-time token and the honeypot.
    html = text_of(response)
    token = re.search(r'name="client_token" type="hidden" value="([^"]+)"', html)
    assert token and len(token.group(1)) >= 16
    assert '<div class="honeypot" aria-hidden="true">' in html
    assert '<input autocomplete="off" id="website" name="website" tabindex="-1" type="text" value="">' in html


def test_a_full_session_says_so_and_no_limit_shows_no_number(client, make, conf):
    reg.register(conf["conference"], reg.Registrant(email="a@example.org", full_name="A"),
                 {conf["key"]: conf["small"].id}, consent=True)
    db.session.commit()
    in_english(client)
    page = words(client.get(url(conf)))
    assert "Data session · Ruang B · full — you will be on the waiting list" in page

    open_ended = make.conference()
    make.session(open_ended, room=make.room(open_ended, "Aula", capacity=None), title_en="Plenary talk")
    make.session(open_ended, room=make.room(open_ended, "Kelas", capacity=None), title_en="Side talk")
    make.publish(open_ended)
    page = words(client.get(f"/c/{open_ended.slug}/register"))
    assert "Plenary talk · Aula" in page and "Side talk · Kelas" in page
    assert "seats left" not in page and "seat left" not in page


def test_registering_creates_the_row_choices_ticket_and_mail(client, conf):
    response = client.post(url(conf), data=form_data(conf))
    assert response.status_code == 303
    token = token_of(response)
    registration = db.session.scalar(select(Registration))
    assert registration.email == "peserta1@example.org"
    assert registration.status is RegistrationStatus.CONFIRMED
    assert registration.sector is Sector.REGIONAL_GOVERNMENT and registration.gender is Gender.WOMAN
    assert registration.need_captions and registration.need_step_free and not registration.need_assistant
    assert registration.needs_other == "Quiet room" and registration.dietary == "Vegetarian"
    assert registration.province == "Jawa Tengah" and registration.regency == "Semarang"
    assert registration.public_listing and registration.consented_at is not None
    assert registration.language == "en" and registration.honorific == "Dr."
    q = conf["questions"]
    assert registration.answers == {str(q["why"].id): "To learn", str(q["topic"].id): "Budget",
                                    str(q["first_time"].id): True, str(q["interests"].id): ["Data", "Media"]}
    assert len(registration.ticket_code) == 16
    assert [(c.session_id, c.status) for c in registration.choices] == [(conf["big"].id, ChoiceStatus.CONFIRMED)]
    assert reg.find_by_manage_token(token) == registration
    [mail] = mails("registration_confirmation")
    assert mail.to_address == "peserta1@example.org"


def test_the_post_runs_as_many_statements_however_big_the_conference(client, make, conf, count_queries):
    """A budget for the hottest write: the statements a registration runs do not
    grow with the conference's sessions and registrations."""
    data = form_data(conf, 1)
    with count_queries() as small:
        assert client.post(url(conf), data=data).status_code == 303
    conference = conf["conference"]
    for hour in range(11, 16):
        for n in range(3):
            make.session(conference, start=(hour, 0), end=(hour, 50), room=make.room(conference, f"R{hour}{n}"))
    make.publish(conference)
    for n in range(2, 32):
        reg.register(conference, reg.Registrant(email=f"peserta{n}@example.org", full_name=f"Peserta {n}"),
                     consent=True)
    db.session.commit()
    last = reg.choice_slots(conference)[-1]
    data = form_data(conf, 99, **{f"slot-{conf['key']}": None, f"slot-{last.key}": str(last.session_ids[-1])})
    with count_queries() as big:
        assert client.post(url(conf), data=data).status_code == 303
    registration = db.session.scalar(select(Registration).where(Registration.email == "peserta99@example.org"))
    assert [choice.session_id for choice in registration.choices] == [last.session_ids[-1]]
    assert len(big) == len(small), "\n\n".join(statement[:150] for statement in big)


def test_errors_keep_what_was_typed(client, conf):
    in_english(client)
    q = conf["questions"]
    response = client.post(url(conf), data=form_data(conf, email="not-an-address", consent=None,
                                                     **{f"q-{q['why'].id}": "", f"q-{q['topic'].id}": None}))
    assert response.status_code == 422
    page = text_of(response)
    assert "Enter a valid e-mail address." in page
    assert "Registration needs your consent" in page
    assert page.count("This field is required.") >= 2  # both required questions
    assert 'value="not-an-address"' in page and 'value="Peserta Satu 1"' in page
    assert 'value="Quiet room"' in page and 'value="Bappeda"' in page
    assert re.search(r'checked[^>]*value="need_captions"|value="need_captions"[^>]*checked', page)
    assert re.search(rf'checked[^>]*value="{conf["big"].id}"|value="{conf["big"].id}"[^>]*checked', page)
    assert count(Registration) == 0


def test_a_session_not_in_the_slot_is_refused_next_to_the_slot(client, make, conf):
    in_english(client)
    response = client.post(url(conf), data=form_data(conf, **{f"slot-{conf['key']}": "999999"}))
    assert response.status_code == 422
    page = text_of(response)
    assert f'id="slot-{conf["key"]}-error"' in page
    assert "Choose one of the sessions offered for this time slot." in page
    assert count(Registration) == 0


def test_choosing_no_session_is_allowed(client, conf):
    response = client.post(url(conf), data=form_data(conf, **{f"slot-{conf['key']}": ""}))
    assert response.status_code == 303
    assert count(Registration) == 1 and count(SessionChoice) == 0


def test_a_second_registration_with_the_same_email_points_to_the_link(client, conf):
    in_english(client)
    assert client.post(url(conf), data=form_data(conf)).status_code == 303
    response = client.post(url(conf), data=form_data(conf, full_name="Someone Else"))
    assert response.status_code == 422
    page = text_of(response)
    assert "This e-mail address is already registered." in page
    assert 'id="resend-link"' in page and f'formaction="/c/{conf["conference"].slug}/register/link"' in page
    assert count(Registration) == 1

    # "Send me my link again" posts the same form to the resend endpoint.
    answer = client.post(f"/c/{conf['conference'].slug}/register/link", data=form_data(conf))
    assert answer.status_code == 303
    assert len(mails("registration_link")) == 1
    page = text_of(client.get(answer.headers["Location"]))
    assert "If this address is registered, we have sent the link to it." in page


def test_resend_link_answers_the_same_for_an_unknown_address(client, conf):
    in_english(client)
    answer = client.post(f"/c/{conf['conference'].slug}/register/link", data={"email": "nobody@example.org"})
    assert answer.status_code == 303
    assert "If this address is registered" in text_of(client.get(answer.headers["Location"]))
    assert mails("registration_link") == []


def test_a_double_submit_makes_one_registration(client, conf):
    in_english(client)
    data = form_data(conf)
    first = client.post(url(conf), data=data)
    second = client.post(url(conf), data=data)
    assert first.status_code == 303 and "/r/" in first.headers["Location"]
    assert second.status_code == 303 and second.headers["Location"].endswith("/register/received")
    assert count(Registration) == 1
    assert len(mails("registration_confirmation")) == 1
    assert "already been received" in text_of(client.get(second.headers["Location"]))


def test_the_honeypot_answers_like_success_and_writes_nothing(client, conf):
    response = client.post(url(conf), data=form_data(conf, website="http://spam.example"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/register/received")
    assert count(Registration) == 0 and count(OutboxMessage) == 0
    # Even with an incomplete form: a bot learns nothing from error messages.
    response = client.post(url(conf), data={"website": "http://spam.example", "email": "x"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/received")
    assert count(Registration) == 0


def test_asking_for_the_link_again_is_rate_limited(client, conf):
    link = f"/c/{conf['conference'].slug}/register/link"
    for n in range(10):
        assert client.post(link, data={"email": f"x{n}@example.org"}).status_code == 303
    assert client.post(link, data={"email": "x@example.org"}).status_code == 429


def test_the_11th_post_in_a_minute_gets_429(client, conf):
    for n in range(10):
        assert client.post(url(conf), data=form_data(conf, n, email="bad")).status_code == 422
    assert client.get(url(conf)).status_code == 200  # reading the form is not limited
    response = client.post(url(conf), data=form_data(conf, 99))
    assert response.status_code == 429
    assert count(Registration) == 0


def test_the_rate_limit_comes_from_the_config(app, client, conf):
    app.config["REGISTRATION_RATE_LIMIT"] = "2 per minute"
    try:
        for n in range(2):
            assert client.post(url(conf), data=form_data(conf, n, email="bad")).status_code == 422
        assert client.post(url(conf), data=form_data(conf, 5)).status_code == 429
    finally:
        del app.config["REGISTRATION_RATE_LIMIT"]


@pytest.mark.parametrize(("setup", "expected"), [
    ({"registration_mode": RegistrationMode.CLOSED}, "Registration for this conference is closed."),
    ({"registration_opens_at": timedelta(days=2)}, "Registration opens on"),
    ({"registration_closes_at": timedelta(days=-1)}, "Registration ended on"),
    ({"registration_mode": RegistrationMode.INVITATION_ONLY}, "use the link in your invitation"),
])
def test_when_registration_is_not_open_the_page_explains(client, conf, setup, expected):
    conference = conf["conference"]
    for name, value in setup.items():
        setattr(conference, name, utcnow() + value if isinstance(value, timedelta) else value)
    db.session.commit()
    in_english(client)
    response = client.get(url(conf))
    assert response.status_code == 200
    page = text_of(response)
    assert expected in page
    assert "sekretariat@example.org" in page
    assert 'name="full_name"' not in page
    assert client.post(url(conf), data=form_data(conf)).status_code == 403
    assert count(Registration) == 0


def test_a_draft_conference_has_no_public_form(client, make):
    draft = make.conference(published=False)
    assert client.get(f"/c/{draft.slug}/register").status_code == 404
    assert client.get("/c/tidak-ada/register").status_code == 404


def test_a_full_conference_puts_people_on_the_waiting_list(client, make, conf):
    conference = conf["conference"]
    conference.registration_capacity = 1
    db.session.commit()
    client.post(url(conf), data=form_data(conf, 1))
    in_english(client)
    assert "The conference is full at the moment" in text_of(client.get(url(conf)))
    response = client.post(url(conf), data=form_data(conf, 2))
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "you are number 1 on the waiting list" in page
    assert 'id="ticket"' not in page


# --- the manage page --------------------------------------------------------------------------------


@pytest.fixture
def registered(client, conf):
    """peserta1 confirmed in the small session; peserta2 waiting for it."""
    first = client.post(url(conf), data=form_data(conf, 1, **{f"slot-{conf['key']}": str(conf["small"].id)}))
    second = client.post(url(conf), data=form_data(conf, 2, **{f"slot-{conf['key']}": str(conf["small"].id)}))
    return {**conf, "token": token_of(first), "waiting_token": token_of(second)}


def test_the_manage_page_shows_the_ticket_with_a_qr_code(client, registered):
    response = client.get(f"/r/{registered['token']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    html, page = text_of(response), words(response)  # in the registration's language: English
    registration = reg.find_registration(registered["conference"], "peserta1@example.org")
    code = registration.ticket_code
    assert "Dr. Peserta Satu 1" in page and "Confirmed" in page
    assert f'role="img" aria-label="QR code of ticket {code}"' in html
    assert "<svg" in html and "<path" in html
    assert f"{code[:4]} {code[4:8]} {code[8:12]} {code[12:]}" in page
    assert "Your choice: Data session — Seat confirmed" in page
    assert "Print" in page


def test_the_waiting_attendee_sees_their_positions(client, registered):
    page = words(client.get(f"/r/{registered['waiting_token']}"))
    assert "Your choice: Data session — waiting list, number 1" in page
    assert "Data session · Ruang B · full — you will be on the waiting list" in page


def test_changing_a_choice_frees_the_seat_for_the_first_waiting(client, registered):
    response = client.post(f"/r/{registered['token']}",
                           data={"action": "choice", "slot": registered["key"], "session": str(registered["big"].id)})
    assert response.status_code == 303 and response.headers["Location"].endswith(registered["token"])
    first = reg.find_registration(registered["conference"], "peserta1@example.org")
    second = reg.find_registration(registered["conference"], "peserta2@example.org")
    assert [(c.session_id, c.status) for c in first.choices] == [(registered["big"].id, ChoiceStatus.CONFIRMED)]
    assert [(c.session_id, c.status) for c in second.choices] == [(registered["small"].id, ChoiceStatus.CONFIRMED)]
    assert [m.to_address for m in mails("registration_session_promoted")] == ["peserta2@example.org"]
    page = words(client.get(response.headers["Location"]))
    assert "Your session choice is saved." in page and "Your choice: Budget session — Seat confirmed" in page


def test_dropping_a_choice_and_a_bad_session(client, registered):
    token = registered["token"]
    response = client.post(f"/r/{token}", data={"action": "choice", "slot": registered["key"], "session": "abc"})
    assert response.status_code == 422
    assert "Choose one of the sessions offered for this time slot." in text_of(response)
    assert client.post(f"/r/{token}", data={"action": "choice", "slot": registered["key"],
                                             "session": ""}).status_code == 303
    first = reg.find_registration(registered["conference"], "peserta1@example.org")
    assert first.choices == []


def test_cancelling_promotes_the_first_waiting_and_shows_cancelled(client, make, registered):
    conference = registered["conference"]
    conference.registration_capacity = 2  # both already registered: full
    db.session.commit()
    third = client.post(url(registered), data=form_data(registered, 3, **{f"slot-{registered['key']}": ""}))
    assert reg.find_registration(conference, "peserta3@example.org").status is RegistrationStatus.WAITING
    # Without confirming, nothing happens.
    assert client.post(f"/r/{registered['token']}", data={"action": "cancel"}).status_code == 422
    response = client.post(f"/r/{registered['token']}", data={"action": "cancel", "confirm": "yes"})
    assert response.status_code == 303
    db.session.expire_all()
    first = reg.find_registration(conference, "peserta1@example.org")
    assert first.status is RegistrationStatus.CANCELLED
    assert reg.find_registration(conference, "peserta3@example.org").status is RegistrationStatus.CONFIRMED
    assert [m.to_address for m in mails("registration_promoted")] == ["peserta3@example.org"]
    assert [m.to_address for m in mails("registration_session_promoted")] == ["peserta2@example.org"]
    page = text_of(client.get(f"/r/{registered['token']}"))
    assert "This registration is cancelled." in page
    assert f'href="/c/{conference.slug}/register"' in page
    assert 'id="ticket"' not in page and "Yes, cancel my registration" not in page
    assert token_of(third)


def test_unknown_token_is_a_plain_404(client):
    assert client.get(f"/r/{secrets.token_urlsafe(32)}").status_code == 404
    assert client.get("/r/short").status_code == 404
    assert client.post(f"/r/{secrets.token_urlsafe(32)}", data={"action": "cancel", "confirm": "yes"}).status_code == 404


def test_the_page_follows_the_registration_language_unless_switched(client, registered):
    registration = reg.find_registration(registered["conference"], "peserta1@example.org")
    registration.language = "id"
    db.session.commit()
    assert '<html lang="id">' in text_of(client.get(f"/r/{registered['token']}"))
    registration.language = "en"
    db.session.commit()
    assert '<html lang="en">' in text_of(client.get(f"/r/{registered['token']}"))
    client.post("/language", data={"lang": "id", "next": "/"})
    assert '<html lang="id">' in text_of(client.get(f"/r/{registered['token']}"))


def test_the_manage_page_is_rate_limited(app, client, registered):
    app.config["TOKEN_RATE_LIMIT"], saved = "3 per minute", app.config["TOKEN_RATE_LIMIT"]
    try:
        for _ in range(3):
            assert client.get(f"/r/{registered['token']}").status_code == 200
        response = client.get(f"/r/{registered['token']}")
        assert response.status_code == 429
        assert response.headers["Cache-Control"] == "no-store"
    finally:
        app.config["TOKEN_RATE_LIMIT"] = saved


# --- valid HTML ---------------------------------------------------------------------------------------


def test_the_pages_are_valid_html(client, conf, tmp_path):
    pages = {}
    pages["form-id.html"] = client.get(url(conf))
    in_english(client)
    pages["form-errors.html"] = client.post(url(conf), data=form_data(conf, email="x", consent=None))
    client.post(url(conf), data=form_data(conf, 1, **{f"slot-{conf['key']}": str(conf["small"].id)}))
    pages["form-duplicate.html"] = client.post(url(conf), data=form_data(conf, 1))
    confirmed = token_of(client.post(url(conf), data=form_data(conf, 2, **{
        f"slot-{conf['key']}": str(conf["small"].id)})))
    pages["manage-confirmed.html"] = client.get(f"/r/{confirmed}")
    conf["conference"].registration_capacity = 2
    db.session.commit()
    waiting = token_of(client.post(url(conf), data=form_data(conf, 3)))
    pages["manage-waiting.html"] = client.get(f"/r/{waiting}")
    client.post(f"/r/{confirmed}", data={"action": "cancel", "confirm": "yes"})
    pages["manage-cancelled.html"] = client.get(f"/r/{confirmed}")
    pages["received.html"] = client.get(f"/c/{conf['conference'].slug}/register/received")
    conf["conference"].registration_mode = RegistrationMode.CLOSED
    db.session.commit()
    pages["closed.html"] = client.get(url(conf))
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
    assert validate_html({name: response.data for name, response in pages.items()}, tmp_path) == []


def test_the_conference_page_links_to_the_form_while_registration_is_open(client, conf):
    conference = conf["conference"]
    assert f'href="/c/{conference.slug}/register"' in text_of(client.get(f"/c/{conference.slug}"))
    conference.registration_mode = RegistrationMode.INVITATION_ONLY
    db.session.commit()
    assert f'href="/c/{conference.slug}/register"' in text_of(client.get(f"/c/{conference.slug}"))
    conference.registration_mode = RegistrationMode.CLOSED
    db.session.commit()
    assert 'id="register-link"' not in text_of(client.get(f"/c/{conference.slug}"))
    conference.registration_mode = RegistrationMode.OPEN
    conference.registration_closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert 'id="register-link"' not in text_of(client.get(f"/c/{conference.slug}"))


def test_the_registration_mails_are_valid_and_carry_the_link(make, conf, tmp_path):
    from eventapp.mail.services import SECRET_PLACEHOLDER

    conference = conf["conference"]
    conference.registration_capacity = 2
    make.venue(conference, "Hotel Borobudur", city="Jakarta")
    db.session.commit()
    first, second = (reg.register(conference, reg.Registrant(email=f"m{n}@example.org", full_name=f"Nadia <Putri> {n}",
                                                             language=language),
                                  {conf["key"]: conf["small"].id}, consent=True).registration
                     for n, language in ((1, "id"), (2, "en")))
    waiting = [reg.register(conference, reg.Registrant(email=f"w{n}@example.org", full_name=f"Wati {n}",
                                                       language=language), consent=True).registration
               for n, language in ((1, "id"), (2, "en"))]
    for n in (1, 2):
        reg.send_manage_link(conference, f"m{n}@example.org")
    db.session.commit()
    reg.cancel(first)  # w1 gets the seat, m2 the seat in the session
    db.session.commit()
    reg.cancel(second)  # w2 gets the seat
    db.session.commit()
    conference.registration_requires_approval = True
    conference.registration_capacity = 10
    db.session.commit()
    pending = reg.register(conference, reg.Registrant(email="p@example.org", full_name="Pending", language="en"),
                           consent=True).registration
    reg.approve(pending)
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {(m.kind, m.language) for m in messages} >= {
        (kind, language) for kind in ("registration_confirmation", "registration_link", "registration_promoted")
        for language in ("id", "en")} | {("registration_session_promoted", "en"), ("registration_approved", "en")}
    for message in messages:
        assert SECRET_PLACEHOLDER in message.body_text and SECRET_PLACEHOLDER in message.body_html
        assert "Hotel Borobudur" in message.body_text and "sekretariat@example.org" in message.body_text
        assert "<Putri>" not in message.body_html  # escaped
    assert [w.status for w in waiting] == [RegistrationStatus.CONFIRMED] * 2
    pages = {f"{m.id}-{m.kind}-{m.language}.html": m.body_html.encode() for m in messages}
    assert validate_html(pages, tmp_path) == []
