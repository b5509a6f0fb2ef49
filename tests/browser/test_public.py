"""The public agenda in headless Chromium: grid on a desktop, list by time
slot on a phone, print, keyboard, and axe-core on the public pages."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventapp.agenda.models import AgendaSession
from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db
from eventapp.people.models import Person

pytestmark = pytest.mark.browser


@pytest.fixture
def demo():
    conference, _ = load_demo()
    db.session.commit()
    return conference


def test_agenda_is_a_grid_on_a_desktop(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server}/c/{DEMO_SLUG}/agenda")
    grid = page.locator(".pa-grid")
    assert grid.evaluate("e => getComputedStyle(e).display") == "grid"
    expect(page.locator(".pa-room-head").first).to_be_visible()
    assert page.locator(".pa-room-head").count() == 6
    # Parallel sessions sit side by side: same top, different left.
    boxes = [page.locator(".pa-session", has_text=f"Sesi Paralel {n}").bounding_box() for n in (1, 2)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"] + 50
    # The coffee break spans every room column.
    coffee = page.locator(".pa-session", has_text="Rehat kopi").bounding_box()
    assert coffee["width"] > 5 * boxes[0]["width"]
    # Slot headings stay for screen readers only.
    assert page.locator(".pa-slot-time").first.bounding_box()["width"] <= 1
    context.close()


def test_agenda_is_a_list_by_time_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server}/c/{DEMO_SLUG}/agenda")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    expect(page.locator(".pa-room-head").first).to_be_hidden()
    times = page.locator(".pa-slot-time")
    expect(times.first).to_be_visible()
    assert times.all_inner_texts()[:3] == ["08.30–10.00 WIB", "10.00–10.30 WIB", "10.30–12.30 WIB"]
    # The five parallel sessions are listed under their time slot, one under another.
    slot = page.locator(".pa-slot", has=page.locator(".pa-slot-time", has_text="10.30–12.30 WIB"))
    assert slot.locator(".pa-session").count() == 5
    first, second = (slot.locator(".pa-session").nth(n).bounding_box() for n in (0, 1))
    assert second["y"] >= first["y"] + first["height"] - 1
    context.close()


def test_print_shows_the_day_without_navigation(page, live_server, demo):
    page.goto(f"{live_server}/c/{DEMO_SLUG}/agenda")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".pa-filters")).to_be_hidden()
    expect(page.locator(".pa-slot-time").first).to_be_visible()


def test_keyboard_reaches_filters_and_session_links(page, live_server, demo):
    page.goto(f"{live_server}/c/{DEMO_SLUG}/agenda")
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "() => { const e = document.activeElement; return (e.id || '') + '|' + (e.getAttribute('href') || ''); }"))
    assert any(r.startswith("filter-theme|") for r in reached)
    assert any(r.startswith("filter-q|") for r in reached)
    assert any(f"/c/{DEMO_SLUG}/sessions/" in r for r in reached)
    # Filtering with the keyboard only (no JavaScript needed: a GET form).
    page.locator("#filter-q").focus()
    page.keyboard.type("ilham")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=ilham" in page.url
    expect(page.locator(".pa-session")).to_have_count(2)


@pytest.mark.parametrize("which", ["agenda", "session", "speakers", "person", "now"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_public_pages_have_no_accessibility_violations(browser, live_server, demo, axe_check, which, lang):
    plenary = db.session.scalar(select(AgendaSession.id).where(AgendaSession.title_id.like("Pleno%")))
    ilham = db.session.scalar(select(Person.id).where(Person.full_name == "Ilham Azikin"))
    path = {
        "agenda": f"/c/{DEMO_SLUG}/agenda",
        "session": f"/c/{DEMO_SLUG}/sessions/{plenary}",
        "speakers": f"/c/{DEMO_SLUG}/speakers",
        "person": f"/c/{DEMO_SLUG}/speakers/{ilham}",
        "now": f"/c/{DEMO_SLUG}/now",
    }[which]
    context = browser.new_context(locale=lang)
    page = context.new_page()
    page.goto(live_server + path)
    assert axe_check(page) == []
    context.close()
