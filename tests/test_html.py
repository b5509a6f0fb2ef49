"""Every page kind validates as HTML5 with the Nu HTML checker (vnu.jar)."""
from __future__ import annotations

from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db

from .checkers import validate_html


def test_pages_are_valid_html5(client, make, tmp_path):
    load_demo()
    draft = make.conference(published=False)
    organiser = make.organiser(draft)
    db.session.commit()
    pages = {
        "home.html": client.get("/"),
        "conference.html": client.get(f"/c/{DEMO_SLUG}"),
        "conference-en.html": client.get(f"/c/{DEMO_SLUG}", headers={"Accept-Language": "en"}),
        "login.html": client.get("/login"),
        "login-errors.html": client.post("/login", data={"email": "x", "password": ""}),
        "not-found.html": client.get("/c/tidak-ada"),
    }
    client.post("/login", data={"email": organiser.email, "password": make.TEST_PASSWORD})
    pages["home-organiser.html"] = client.get("/")
    pages["draft.html"] = client.get(f"/c/{draft.slug}")
    problems = validate_html({name: r.data for name, r in pages.items()}, tmp_path)
    assert problems == []
