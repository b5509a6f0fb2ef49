"""Sign-in by e-mailed link and password reset: same answer for every address,
single use, short life, rate limits, a fresh session at sign-in."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from eventapp.accounts.models import AccountLink, LinkPurpose, User
from eventapp.db_types import utcnow
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import reveal
from eventapp.registration import services as registration

from ..checkers import validate_html
from ..factories import TEST_PASSWORD


def english(client) -> None:
    client.post("/language", data={"lang": "en", "next": "/"})


def link_in_last_mail(kind: str) -> str:
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                 .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"https?://[^/\s]+(/login/[a-z]+/[A-Za-z0-9_-]+)", reveal(message, message.body_text)).group(1)


def mail_count(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind))


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, make):
    conference = make.conference()
    make.person(conference, "Narasumber", email="narasumber@example.org")
    english(client)
    known = client.post("/login/link", data={"email": "Narasumber@example.org"})
    unknown = client.post("/login/link", data={"email": "siapa@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r, e: r.get_data(as_text=True).replace(e, "")  # noqa: E731
    assert strip(known, "narasumber@example.org") == strip(unknown, "siapa@example.org")
    assert mail_count("sign_in_link") == 1  # only the speaker got one
    user = db.session.scalar(select(User).where(User.email == "narasumber@example.org"))
    assert user is not None and user.password_hash is None  # no password needed


def test_a_link_signs_in_once_with_a_fresh_session(client, make):
    conference = make.conference()
    registration.register(conference, registration.Registrant(email="peserta@example.org", full_name="Peserta"),
                          consent=True)
    db.session.commit()
    english(client)
    client.post("/login/link", data={"email": "peserta@example.org"})
    path = link_in_last_mail("sign_in_link")
    assert "no-store" in client.get(path).headers["Cache-Control"]  # GET does not spend it
    with client.session_transaction() as session:
        session["left_over"] = "from before"
    response = client.post(path)
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert "left_over" not in session and session.get("lang") == "en"
        assert session["_user_id"]
    client.post("/logout")
    assert client.post(path).status_code == 410  # single use
    assert "no longer works" in client.get(path).get_data(as_text=True)


def test_an_expired_or_unknown_link_does_not_sign_in(client, make):
    make.person(make.conference(), "Narasumber", email="narasumber@example.org")
    client.post("/login/link", data={"email": "narasumber@example.org"})
    path = link_in_last_mail("sign_in_link")
    db.session.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.post(path).status_code == 410
    assert client.post("/login/link/" + "x" * 43).status_code == 410
    assert client.get("/login/link/short").status_code == 410
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_only_the_hash_is_stored_and_the_outbox_holds_no_secret(client, make):
    make.person(make.conference(), "Narasumber", email="narasumber@example.org")
    client.post("/login/link", data={"email": "narasumber@example.org"})
    token = link_in_last_mail("sign_in_link").rsplit("/", 1)[1]
    assert len(token) >= 43
    link = db.session.scalar(select(AccountLink))
    assert link.token_hash != token and len(link.token_hash) == 64
    message = db.session.scalar(select(OutboxMessage))
    assert token not in message.body_text and token not in message.body_html


def test_password_reset_sets_a_new_password_once(client, make):
    organiser = make.organiser(make.conference())
    english(client)
    assert client.post("/login/reset", data={"email": organiser.email}).status_code == 200
    assert client.post("/login/reset", data={"email": "nobody@example.org"}).status_code == 200
    assert mail_count("password_reset") == 1
    path = link_in_last_mail("password_reset")
    # A reset link is not a sign-in link.
    assert client.post(path.replace("/reset/", "/link/")).status_code == 410
    short = client.post(path, data={"password": "pendek", "confirm": "pendek"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    differ = client.post(path, data={"password": "kata sandi baru", "confirm": "kata sandi lain"})
    assert differ.status_code == 422 and "not the same" in differ.get_data(as_text=True)
    done = client.post(path, data={"password": "kata sandi baru", "confirm": "kata sandi baru"})
    assert done.status_code == 303
    client.post("/logout")
    assert client.post("/login", data={"email": organiser.email, "password": TEST_PASSWORD}).status_code == 422
    assert client.post("/login", data={"email": organiser.email, "password": "kata sandi baru"}).status_code == 303
    assert client.post(path, data={"password": "lagi lagi lagi", "confirm": "lagi lagi lagi"}).status_code == 410


def test_asking_too_often_is_rate_limited(client, make):
    make.person(make.conference(), "Narasumber", email="narasumber@example.org")
    for _ in range(3):
        assert client.post("/login/link", data={"email": "narasumber@example.org"}).status_code == 200
    assert client.post("/login/link", data={"email": "narasumber@example.org"}).status_code == 429
    assert mail_count("sign_in_link") == 3
    for n in range(2):  # the per-address budget is separate from the per-client one (5 a minute)
        assert client.post("/login/link", data={"email": f"lain{n}@example.org"}).status_code == 200
    assert client.post("/login/link", data={"email": "lain9@example.org"}).status_code == 429


def test_bad_input_and_pages_are_valid_html(client, make, tmp_path):
    make.person(make.conference(), "Narasumber", email="narasumber@example.org")
    bad = client.post("/login/link", data={"email": "bukan-surel"})
    assert bad.status_code == 422
    client.post("/login/link", data={"email": "narasumber@example.org"})
    path = link_in_last_mail("sign_in_link")
    organiser = make.organiser(make.conference())
    client.post("/login/reset", data={"email": organiser.email})
    reset = link_in_last_mail("password_reset")
    pages = {
        "login.html": client.get("/login").data,
        "link-request.html": client.get("/login/link").data,
        "link-bad.html": bad.data,
        "link-sent.html": client.post("/login/link", data={"email": "x@example.org"}).data,
        "link-confirm.html": client.get(path).data,
        "link-invalid.html": client.get("/login/link/" + "y" * 43).data,
        "reset-request.html": client.get("/login/reset").data,
        "reset.html": client.get(reset).data,
    }
    assert validate_html(pages, tmp_path) == []
