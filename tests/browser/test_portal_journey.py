"""Issue 7 in the browser, on a phone: the demo's speaker signs in by e-mailed
link, confirms her panel, ticks a checklist item and edits her English bio; an
attendee signs in the same way and stars a session on her agenda. axe-core on
every page, and nothing wider than the screen."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import reveal
from eventapp.people.models import Person
from eventapp.portal.models import StarredSession

pytestmark = pytest.mark.browser

SPEAKER = "bupati.bantaeng@demo.example"


def phone_page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def sign_in_by_link(page, live_server: str, email: str, axe_check) -> None:
    page.goto(live_server + "/login/link")
    assert axe_check(page) == []
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "sign_in_link", OutboxMessage.to_address == email)).one()
    path = re.search(r"https?://[^/\s]+(/login/link/\S+)", reveal(message, message.body_text)).group(1)
    page.goto(live_server + path)
    page.get_by_role("button", name="Sign in now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My conferences")
    assert axe_check(page) == []


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_speaker_and_attendee_pages_on_a_phone(browser, live_server, axe_check):
    load_demo()
    db.session.commit()

    speaker = phone_page(browser)
    sign_in_by_link(speaker, live_server, SPEAKER, axe_check)
    speaker.get_by_role("link", name="My sessions").click()
    expect(speaker.get_by_text("Ruang Anggrek").first).to_be_visible()
    assert fits(speaker) and axe_check(speaker) == []
    speaker.get_by_role("button", name="I will take part").first.click()
    expect(speaker.get_by_text(re.compile("you confirmed that you will take part"))).to_be_visible()
    speaker.get_by_role("button", name=re.compile("^Mark as done")).first.click()
    expect(speaker.get_by_text(re.compile("^Marked as done"))).to_be_visible()
    assert axe_check(speaker) == []

    speaker.goto(f"{live_server}/c/{DEMO_SLUG}/my/profile")
    assert fits(speaker) and axe_check(speaker) == []
    speaker.get_by_label("Short biography (English)").fill("Regent of Bantaeng, 2018–2023.")
    speaker.get_by_role("button", name="Save my profile").click()
    expect(speaker.get_by_text(re.compile("Your profile is saved"))).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(Person.bio_en).where(Person.email == SPEAKER)) == "Regent of Bantaeng, 2018–2023."

    attendee = phone_page(browser)
    sign_in_by_link(attendee, live_server, "peserta1@demo.example", axe_check)
    attendee.get_by_role("link", name="My agenda").click()
    expect(attendee.get_by_text("Parallel session 1", exact=False).first).to_be_visible()
    assert fits(attendee) and axe_check(attendee) == []
    attendee.get_by_role("button", name=re.compile("^Star")).first.click()
    expect(attendee.get_by_role("button", name=re.compile("^Remove star")).first).to_be_visible()
    assert axe_check(attendee) == []
    db.session.expire_all()
    assert len(db.session.scalars(select(StarredSession)).all()) == 1
