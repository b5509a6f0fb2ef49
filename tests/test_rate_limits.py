"""Rate limits: sign-in, sign-in links, password reset, registration and every
URL that carries a secret token answer 429 with a clear page once the limit is
spent. Limits are lowered through the config, as an operator would."""
from __future__ import annotations

import pytest

from eventapp import create_app
from eventapp.extensions import db, limiter

from .conftest import app_config
from .factories import TEST_PASSWORD
from .test_csrf import fill

WAIT_TEXT = "Please wait a minute before trying again."


def assert_refused(response) -> None:
    """The 429 page: status, Retry-After, and words that say to wait."""
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert WAIT_TEXT in page


def hammer(client, method: str, url: str, times: int, **kwargs) -> list[int]:
    return [client.open(url, method=method, **kwargs).status_code for _ in range(times)]


@pytest.mark.parametrize(("key", "url", "data"), [
    ("SIGN_IN_RATE_LIMIT", "/login", {"email": "siapa@example.org", "password": "salah"}),
    ("ACCOUNT_LINK_RATE_LIMIT", "/login/link", {"email": "siapa@example.org"}),
    ("ACCOUNT_LINK_RATE_LIMIT", "/login/reset", {"email": "siapa@example.org"}),
    ("REGISTRATION_RATE_LIMIT", "/c/terbit/register", {"full_name": "Peserta"}),
    ("REGISTRATION_RATE_LIMIT", "/c/terbit/register/link", {"email": "siapa@example.org"}),
], ids=["sign-in", "sign-in link", "password reset", "registration", "registration link again"])
def test_account_and_registration_posts_are_limited_per_address(app, client, world, english, monkeypatch,
                                                                key, url, data):
    monkeypatch.setitem(app.config, key, "3 per minute")
    # Different e-mail addresses each time: the per-address limit is what stops this.
    allowed = [client.post(url, data={**data, "email": f"orang{n}@example.org"}).status_code for n in range(3)]
    assert 429 not in allowed
    assert_refused(client.post(url, data={**data, "email": "orang9@example.org"}))
    # Another client address is not affected.
    other = client.post(url, data={**data, "email": "lain@example.org"}, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code != 429
    # Opening the form (GET) is never limited.
    if url != "/c/terbit/register/link":
        assert client.get(url).status_code != 429


def test_the_limit_of_a_link_request_waits_longer_than_a_minute_when_it_says_so(app, client, english, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_LINK_RATE_LIMIT", "1 per 10 minutes")
    client.post("/login/link", data={"email": "a@example.org"})
    response = client.post("/login/link", data={"email": "b@example.org"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 500
    assert "Please wait 10 minutes before trying again." in response.get_data(as_text=True)


def test_failed_sign_ins_for_one_address_are_limited_from_any_client(app, client, make, english, monkeypatch):
    """Guessing one person's password from many machines; their own correct sign-ins do not count."""
    monkeypatch.setitem(app.config, "SIGN_IN_EMAIL_RATE_LIMIT", "2 per 10 minutes")
    user = make.user("target@example.org")
    for _ in range(3):  # successful sign-ins are not counted
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 303
        client.post("/logout")
    for n in range(2):
        wrong = client.post("/login", data={"email": user.email, "password": "salah"},
                            environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"})
        assert wrong.status_code == 422
    response = client.post("/login", data={"email": "Target@example.org", "password": TEST_PASSWORD},
                           environ_base={"REMOTE_ADDR": "198.51.100.50"})
    assert response.status_code == 429
    assert "Please wait 10 minutes before trying again." in response.get_data(as_text=True)
    # Another person's sign-in goes through.
    other = make.user("other@example.org")
    assert client.post("/login", data={"email": other.email, "password": TEST_PASSWORD}).status_code == 303


def token_routes(app) -> list[tuple[str, str]]:
    routes = [(method, fill(rule.rule)) for rule in app.url_map.iter_rules() if "<token>" in rule.rule
              for method in sorted(rule.methods & {"GET", "POST"})]
    return sorted(routes)


def test_the_token_routes_are_found(app):
    urls = {url for _method, url in token_routes(app)}
    assert {"/i/" + "t" * 43, "/r/" + "t" * 43, "/login/link/" + "t" * 43, "/login/reset/" + "t" * 43} <= urls
    assert any(url.startswith("/c/draf/feed/") for url in urls)


def unlimited_token_routes(app, client) -> list[str]:
    """Each token route (and method), hammered past TOKEN_RATE_LIMIT = 2 per minute."""
    unlimited = []
    for method, url in token_routes(app):
        limiter.reset()
        statuses = hammer(client, method, url, 2)
        assert 429 not in statuses, f"{method} {url}: {statuses}"
        response = client.open(url, method=method)
        if response.status_code != 429:
            unlimited.append(f"{method} {url}: {response.status_code}")
            continue
        assert_refused(response)
        assert response.headers["Referrer-Policy"] == "no-referrer"  # the token stays private on the 429 page too
    return unlimited


def test_every_token_url_is_rate_limited(app, client, world, english, monkeypatch):
    """Walks the URL map: a new route with a <token> and no limit fails here."""
    monkeypatch.setitem(app.config, "TOKEN_RATE_LIMIT", "2 per minute")
    assert unlimited_token_routes(app, client) == []


def test_the_walk_notices_a_token_route_without_a_limit(database_url, world):
    app = create_app(app_config(database_url, TOKEN_RATE_LIMIT="2 per minute"))
    app.add_url_rule("/x/<token>", endpoint="unlimited", view_func=lambda token: "ok")
    try:
        client = app.test_client()
        client.post("/language", data={"lang": "en", "next": "/"})
        with app.app_context():
            assert unlimited_token_routes(app, client) == ["GET /x/" + "t" * 43 + ": 200"]
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_429_page_is_translated(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_RATE_LIMIT", "1 per minute")
    client.post("/language", data={"lang": "id", "next": "/"})
    url = "/i/" + "t" * 43
    client.get(url)
    response = client.get(url)
    assert response.status_code == 429
    assert '<html lang="id">' in response.get_data(as_text=True)
