import re

import pytest
from sqlalchemy import func, select

from eventapp.accounts.models import User
from eventapp.extensions import db

from ..factories import TEST_PASSWORD


def test_sign_in_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.get_data(as_text=True)


def test_sign_in_with_right_password_goes_to_next(client, make):
    user = make.organiser(make.conference())
    response = client.post(
        "/login", data={"email": user.email.upper(), "password": TEST_PASSWORD, "next": "/c/x"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/c/x"
    assert user.email in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("email", ["organiser@example.org", "nobody@example.org"])
def test_wrong_password_or_unknown_address_get_the_same_message(client, make, email):
    make.organiser(make.conference(), email="organiser@example.org")
    response = client.post("/login", data={"email": email, "password": "wrong password"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Alamat surel atau kata sandi tidak cocok." in page
    assert f'value="{email}"' in page  # what was typed is kept
    assert 'aria-invalid="true"' in page


def test_empty_form_shows_errors_next_to_the_fields(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Kolom ini wajib diisi.") == 2
    assert 'id="email-error"' in page and 'aria-describedby="email-error"' in page


def test_inactive_account_cannot_sign_in(client, make):
    user = make.user()
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_sign_in_never_redirects_off_site(client, make, target):
    user = make.user()
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_signing_in_starts_a_new_session(client, make):
    user = make.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "en"
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"  # the visitor's language survives
        assert session["_user_id"] == str(user.id)


def test_signed_in_user_visiting_login_is_sent_on(client, make, auth):
    auth.login(make.user())
    response = client.get("/login?next=/c/abc")
    assert response.status_code == 302 and response.headers["Location"] == "/c/abc"


def test_sign_out_needs_post_and_signs_out(client, make, auth):
    user = make.user()
    auth.login(user)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 303
    assert user.email not in client.get("/").get_data(as_text=True)


def test_sign_out_when_anonymous_asks_to_sign_in(client):
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_forms_are_protected_against_cross_site_posts(app, client, make):
    user = make.user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 400
        assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)
        # the real form, with its token, works
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_passwords_are_stored_hashed_with_scrypt_by_default(app, make):
    app.config["PASSWORD_HASH_METHOD"] = None
    try:
        user = make.user()
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    assert user.password_hash.startswith("scrypt:")
    assert TEST_PASSWORD not in user.password_hash
    assert user.check_password(TEST_PASSWORD) and not user.check_password("wrong")
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
