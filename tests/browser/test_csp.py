"""The Content-Security-Policy in a real browser: no violation on the public
agenda, a session page (with its JSON-LD), the builder and the check-in desk;
and the colours and grid places that left the style attributes still apply."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eventapp.agenda.models import RoleKind
from eventapp.extensions import db

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

# Runs before any page script (DevTools, so the CSP does not apply to it).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def shown(make):
    conference = make.conference(slug="aman")
    room_a = make.room(conference, "Ruang Anggrek")
    room_b = make.room(conference, "Ruang Bougenville")
    theme = make.sub_theme(conference, code="PS", title_id="Perlindungan Sosial", colour="#8a3b12")
    talk = make.session(conference, (9, 0), (10, 30), title_id="Sesi Perlindungan", room=room_a, sub_theme=theme)
    make.role(talk, make.person(conference, "Wulan Sari"), RoleKind.SPEAKER)
    make.session(conference, (11, 0), (12, 0), title_id="Sesi Kesehatan", room=room_b, sub_theme=theme)
    make.publish(conference)
    make.registration(conference, email="peserta-csp@example.org")
    db.session.commit()
    return {"conference": conference, "talk": talk, "organiser": make.organiser(conference)}


@pytest.fixture
def watched(browser):
    """A page that records CSP violations and console errors."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 1600})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    yield page, console
    context.close()


def violations(page, console: list[str]) -> list[str]:
    return page.evaluate("window.__violations") + [text for text in console if "Content Security Policy" in text]


def test_no_csp_violation_on_the_agenda_the_builder_and_the_desk(watched, live_server, shown):
    page, console = watched
    talk = shown["talk"]

    page.goto(f"{live_server}/c/aman/agenda")
    block = page.locator(f"#pa-session-{talk.id}")
    expect(block).to_be_visible()
    # The sub-theme colour (themes.css) and the grid place (grid.css) apply without style attributes.
    assert block.evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(138, 59, 18)"
    assert block.evaluate("e => getComputedStyle(e).gridRowStart") != "auto"
    assert violations(page, console) == []

    page.goto(f"{live_server}/c/aman/sessions/{talk.id}")
    expect(page.get_by_role("heading", name="Sesi Perlindungan")).to_be_visible()
    assert violations(page, console) == []

    page.goto(live_server + "/login")
    page.get_by_label("Alamat surel").fill(shown["organiser"].email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Anda sudah masuk.")).to_be_visible()

    page.goto(f"{live_server}/manage/aman/builder")
    expect(page.locator(f"#session-{talk.id}")).to_be_visible()
    expect(page.locator(".builder-cell").first).to_be_attached()  # builder.js ran and made the drop cells
    assert page.locator(f"#session-{talk.id}").evaluate("e => getComputedStyle(e).borderLeftColor") == "rgb(138, 59, 18)"
    assert violations(page, console) == []

    page.goto(f"{live_server}/manage/aman/checkin")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")  # checkin.js fetches the counts
    assert violations(page, console) == []


def test_the_recorder_sees_a_violation(watched, live_server, shown):
    """The check above can fail: an inline style set through markup is reported."""
    page, console = watched
    page.goto(f"{live_server}/c/aman/agenda")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.__violations.length > 0")
    assert any("style-src" in item for item in violations(page, console))
