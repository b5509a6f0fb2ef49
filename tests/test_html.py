"""Every page kind validates as HTML5 with the Nu HTML checker (vnu.jar)."""
from __future__ import annotations

import json
import subprocess

from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db

from .checkers import VNU_JAR, java, require


def test_pages_are_valid_html5(client, make, tmp_path):
    require(java() is not None, "Java")
    require(VNU_JAR.exists(), "vnu-jar")
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
    files = []
    for name, response in pages.items():
        path = tmp_path / name
        path.write_bytes(response.data)
        files.append(str(path))
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", *files],
        capture_output=True, text=True, timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages if m["type"] in ("error", "non-document-error") or m.get("subType") == "warning"
    ]
    assert problems == []
