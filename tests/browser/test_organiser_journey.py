"""Issue 3's 'done when', as a new organiser would do it in the browser: from an
empty conference, build part of the demo agenda, see a conflict flagged,
publish v1, edit, publish v2; the public agenda and changelog show exactly v2."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from eventapp.agenda.models import AgendaRelease
from eventapp.extensions import db

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_organiser_builds_publishes_edits_and_republishes(browser, live_server, make, axe_check):
    conference = make.conference(
        slug="konas-2026", title_id="Konferensi Nasional 2026", title_en="National Conference 2026",
        starts_on=date(2026, 11, 25), published=True,
    )
    organiser = make.organiser(conference)
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(10_000)
    base = f"{live_server}/manage/konas-2026"

    def accessible() -> None:
        """Every page the organiser visits passes axe-core (WCAG 2.1 A and AA)."""
        assert axe_check(page) == [], page.url

    page.goto(live_server + "/login")
    accessible()
    page.get_by_label("E-mail address").fill(organiser.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in.")).to_be_visible()

    # Venue and two rooms.
    page.goto(base + "/venues")
    accessible()
    page.get_by_role("link", name="Add a venue").click()
    accessible()
    page.get_by_label("Name").fill("Hotel Pullman Jakarta")
    page.get_by_role("button", name="Save venue").click()
    for room, seats in (("Ruang Anggrek", "120"), ("Ruang Melati", "100")):
        page.get_by_role("link", name="Add a room").first.click()
        accessible()
        page.get_by_label("Name").fill(room)
        page.get_by_label("Capacity (seats)").fill(seats)
        page.get_by_role("button", name="Save room").click()
        expect(page.get_by_text(room).first).to_be_visible()

    # A sub-theme.
    page.goto(base + "/sub-themes")
    accessible()
    page.get_by_role("link", name="Add a sub-theme").click()
    accessible()
    page.get_by_label("Code").fill("PS")
    page.get_by_label("Title (Indonesian)").fill("Perlindungan Sosial dan Kesehatan Reproduksi")
    page.get_by_role("button", name="Save sub-theme").click()
    expect(page.get_by_text("Perlindungan Sosial dan Kesehatan Reproduksi")).to_be_visible()

    def new_session(title: str, room: str, start: str, end: str) -> None:
        page.goto(base + "/sessions/new")
        accessible()
        page.get_by_label("Title (Indonesian)").fill(title)
        page.get_by_label("Sub-theme", exact=True).select_option(index=1)
        page.get_by_label("Room", exact=True).select_option(label=room)
        page.get_by_label("Day", exact=True).select_option(index=1)
        page.get_by_label(re.compile("^Start time")).fill(start)
        page.get_by_label(re.compile("^End time")).fill(end)
        page.get_by_role("button", name="Save session").click()
        expect(page.get_by_label("Title (Indonesian)")).to_have_value(title)

    new_session("Sesi Paralel 1: Perlindungan Sosial", "Ruang Anggrek", "10:30", "12:30")
    # The regent speaks here: add him in place, as a new person.
    page.get_by_text("New person", exact=True).click()  # opens the in-place form
    page.get_by_label("Full name").fill("Ilham Azikin")
    page.get_by_label("Honorific").fill("H.")
    page.get_by_label("Position").fill("Bupati Bantaeng")
    page.get_by_role("button", name="Create and add").click()
    expect(page.locator("body")).to_contain_text("H. Ilham Azikin")
    panel_url = page.url

    # A second session at the same time in the other room, with the same speaker:
    # the builder's rules flag the double booking as a warning.
    new_session("Sesi Paralel 2: Pekerja Migran", "Ruang Melati", "11:00", "12:00")
    page.get_by_label("Find people by name or organisation").fill("Ilham")
    page.get_by_label("Find people by name or organisation").press("Enter")
    page.get_by_role("button", name="Add").first.click()
    expect(page.locator("body")).to_contain_text("H. Ilham Azikin")

    page.goto(base + "/conflicts")
    accessible()
    expect(page.locator(".conflict", has_text="Ilham Azikin")).to_be_visible()

    # The same room twice at once is refused at the field, and the input is kept.
    page.goto(base + "/sessions/new")
    accessible()
    page.get_by_label("Title (Indonesian)").fill("Bentrok")
    page.get_by_label("Room", exact=True).select_option(label="Ruang Anggrek")
    page.get_by_label("Day", exact=True).select_option(index=1)
    page.get_by_label(re.compile("^Start time")).fill("11:00")
    page.get_by_label(re.compile("^End time")).fill("11:30")
    page.get_by_role("button", name="Save session").click()
    expect(page.locator(".field-error").first).to_contain_text("Sesi Paralel 1")
    expect(page.get_by_label("Title (Indonesian)")).to_have_value("Bentrok")
    accessible()

    # Publish v1.
    page.goto(base + "/releases")
    accessible()
    page.get_by_role("button", name=re.compile("Publish as v1")).click()
    expect(page.get_by_text(re.compile("Published agenda v1"))).to_be_visible()

    # Edit: move the first panel to 13:30 and publish v2.
    page.goto(panel_url)
    accessible()
    page.get_by_label(re.compile("^Start time")).fill("13:30")
    page.get_by_label(re.compile("^End time")).fill("15:00")
    page.get_by_role("button", name="Save session").click()
    page.goto(f"{live_server}/c/konas-2026")
    accessible()
    expect(page.locator("body")).to_contain_text("10:30–12:30 WIB")  # still v1 in public
    page.goto(base + "/releases")
    accessible()
    page.get_by_role("button", name=re.compile("Publish as v2")).click()
    expect(page.get_by_text(re.compile("Published agenda v2"))).to_be_visible()
    accessible()

    page.goto(f"{live_server}/c/konas-2026")
    accessible()
    body = page.locator("body")
    expect(body).to_contain_text("v2")
    expect(body).to_contain_text("13:30–15:00 WIB")
    expect(body).not_to_contain_text("10:30–12:30 WIB")
    page.get_by_role("link", name="What changed").click()
    accessible()
    expect(page.locator(".release").first).to_contain_text("v2")
    expect(page.locator(".release").first).to_contain_text("Sesi Paralel 1: Perlindungan Sosial")
    db.session.rollback()
    assert [r.number for r in db.session.query(AgendaRelease).order_by(AgendaRelease.number)] == [1, 2]
    context.close()
