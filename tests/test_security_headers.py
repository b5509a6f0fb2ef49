"""Security headers on every kind of response, no inline script or style for the
CSP to block, cookie flags per environment, and a fresh session at every sign-in."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_login import login_user
from sqlalchemy import select

from eventapp import create_app
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import reveal

from .conftest import app_config
from .factories import TEST_PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TOKEN = "t" * 43


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in policy.split(";")) if part}


# --- headers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/", "/c/terbit", "/c/terbit/agenda", "/login", "/c/tidak-ada", "/static/css/app.css",
    "/api/v1/conferences", "/c/terbit/agenda.csv", "/c/terbit/themes.css", "/healthz",
])
def test_every_response_carries_the_security_headers(client, world, url):
    response = client.get(url)
    assert response.status_code in (200, 404)
    policy = directives(response)
    assert policy == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
        "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
    }
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # tests run as development


def test_the_organisers_pages_carry_them_too(client, auth, make, world):
    auth.login(make.organiser(world["draft"]))
    for url in ("/manage/draf/", "/manage/draf/builder", "/manage/draf/checkin"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response)["script-src"] == "'self'"
        assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", [f"/r/{TOKEN}", f"/i/{TOKEN}", f"/login/link/{TOKEN}", f"/login/reset/{TOKEN}",
                                 f"/c/terbit/feed/{TOKEN}.ics"])
def test_private_link_pages_keep_no_referrer(client, world, url):
    response = client.get(url)
    assert response.status_code in (404, 410)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_only_the_e_mail_preview_may_use_inline_styles(client, auth, make, world):
    """The preview is a sandboxed srcdoc iframe: it inherits the page's policy, and
    e-mail HTML is styled inline. Scripts stay forbidden there too."""
    from eventapp.mail.services import queue_mail

    auth.login(make.organiser(world["draft"]))
    message = queue_mail(to="tamu@example.org", language="id", template="sign_in_link", subject="Masuk",
                         context={"link": "http://eventapp.test/", "minutes": 15}, kind="sign_in_link", conference=world["draft"])
    db.session.commit()
    response = client.get(f"/manage/draf/outbox/{message.id}")
    assert response.status_code == 200
    assert 'style=&#34;' in response.get_data(as_text=True) or "style=&quot;" in response.get_data(as_text=True)
    policy = directives(response)
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'"
    assert directives(client.get("/manage/draf/outbox"))["style-src"] == "'self'"


def test_hsts_only_in_production(database_url, tmp_path, monkeypatch):
    monkeypatch.delenv("HSTS_SECONDS", raising=False)
    production = create_app(app_config(database_url, EVENTAPP_ENV="production", INSTANCE_PATH=str(tmp_path)))
    monkeypatch.setenv("HSTS_SECONDS", "63072000")
    development = create_app(app_config(database_url, INSTANCE_PATH=str(tmp_path)))  # the variable is ignored
    try:
        hsts = production.test_client().get("/healthz").headers["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains"  # a year
        assert "Strict-Transport-Security" not in development.test_client().get("/healthz").headers
    finally:
        for app in (production, development):
            with app.app_context():
                db.engine.dispose()


# --- nothing inline for the CSP to block ----------------------------------------------------------

INLINE = [
    (re.compile(r"\sstyle\s*="), "a style attribute"),
    (re.compile(r"<style[\s>]"), "a <style> block"),
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>"), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']"), "an inline event handler"),
    (re.compile(r"javascript:"), "a javascript: URL"),
]


def test_no_page_template_carries_inline_script_or_style():
    """E-mails (templates/mail/*.html, not mail/manage) are styled inline on purpose: no CSP there."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES)
        if relative.parts[0] == "mail" and relative.parts[1] != "manage":
            continue
        source = re.sub(r"{#.*?#}", "", path.read_text(), flags=re.S)
        found += [f"{relative}: {what}" for pattern, what in INLINE if pattern.search(source)]
    assert found == []


def test_rendered_pages_carry_no_inline_style(client, auth, make, world):
    auth.login(make.organiser(world["draft"], world["published"]))
    for url in ("/c/draf", "/c/draf/agenda", f"/c/draf/sessions/{world['session']}", "/c/draf/sub-themes",
                "/c/draf/sub-themes/UJI", "/manage/draf/builder", "/manage/draf/sessions", "/manage/draf/sub-themes"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        for pattern, what in INLINE:
            assert not pattern.search(page), f"{url}: {what}"
        assert "/c/draf/themes.css" in page, url  # the sub-theme colours come from the stylesheet


def test_the_sub_theme_stylesheet_has_this_conferences_colours(client, make, world):
    first = make.sub_theme(world["published"], code="SATU", colour="#aa3300")
    second = make.sub_theme(world["published"], code="DUA", colour="#0055aa")
    db.session.commit()
    response = client.get("/c/terbit/themes.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.get_data(as_text=True) == (
        f".theme-{first.id} {{ --theme-colour: #aa3300; }}\n.theme-{second.id} {{ --theme-colour: #0055aa; }}\n"
    )  # and not the draft's sub-theme
    again = client.get("/c/terbit/themes.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# --- cookies ----------------------------------------------------------------------------------------


def _cookie_header(response, name: str) -> str:
    return next(value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "="))


@pytest.mark.parametrize("environment", ["production", "development"])
def test_session_and_remember_cookies_have_the_right_flags(database_url, tmp_path, make, environment):
    app = create_app(app_config(database_url, EVENTAPP_ENV=environment, INSTANCE_PATH=str(tmp_path)))
    user_id = make.user("cookie@example.org").id

    def remember() -> str:
        from eventapp.accounts.models import User

        login_user(db.session.get(User, user_id), remember=True)  # no "remember me" box yet: as if ticked
        return "ok"

    app.add_url_rule("/_remember", view_func=remember)
    try:
        client = app.test_client()
        signed_in = client.post("/login", data={"email": "cookie@example.org", "password": TEST_PASSWORD})
        assert signed_in.status_code == 303
        remembered = client.get("/_remember")
        for cookie in (_cookie_header(signed_in, "session"), _cookie_header(remembered, "remember_token")):
            flags = [flag.strip().lower() for flag in cookie.split(";")[1:]]
            assert "httponly" in flags
            assert "samesite=lax" in flags
            assert ("secure" in flags) is (environment == "production")
    finally:
        with app.app_context():
            db.engine.dispose()


# --- a fresh session at sign-in -----------------------------------------------------------------------


def _session_cookie(client) -> str:
    # The browser tests' live server clears SERVER_NAME for the rest of the run.
    cookie = client.get_cookie("session", domain=client.application.config["SERVER_NAME"] or "localhost")
    assert cookie is not None
    return cookie.value


def _plant(client) -> str:
    with client.session_transaction() as session:
        session["x"] = "planted before sign-in"
    return _session_cookie(client)


def _assert_fresh(client, before: str) -> None:
    with client.session_transaction() as session:
        assert "x" not in session
        assert session["_user_id"]
    assert _session_cookie(client) != before


def test_password_sign_in_starts_a_fresh_session(client, make):
    user = make.user("fresh@example.org")
    before = _plant(client)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 303
    _assert_fresh(client, before)


def test_sign_in_by_link_starts_a_fresh_session(client, make):
    make.person(make.conference(), "Narasumber", email="narasumber@example.org")
    client.post("/login/link", data={"email": "narasumber@example.org"})
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sign_in_link")).one()
    path = re.search(r"https?://[^/\s]+(/login/link/[A-Za-z0-9_-]+)", reveal(message, message.body_text)).group(1)
    before = _plant(client)
    response = client.post(path)
    assert response.status_code == 303
    _assert_fresh(client, before)
