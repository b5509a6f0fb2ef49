"""Issue 5 in the browser: an organiser invites a speaker to a session; the
invitee opens the personal link from the e-mail on a phone, accepts with a
message; the organisers' dashboard shows the answer. axe-core on each page."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventapp.agenda.models import RoleStatus
from eventapp.extensions import db
from eventapp.invitations.models import Invitation, InvitationStatus
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import reveal

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_speaker_invited_accepts_on_a_phone(browser, live_server, make, axe_check):
    conference = make.conference(
        slug="konas-2027", title_id="Konferensi Nasional 2027", title_en="National Conference 2027",
        starts_on=date(2027, 11, 25),
    )
    room = make.room(conference, "Ruang Anggrek")
    make.session(conference, room=room, title_id="Sesi Paralel 1", title_en="Parallel session 1")
    organiser = make.organiser(conference)

    desk = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 1400})
    page = desk.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server + "/login")
    page.get_by_label("E-mail address").fill(organiser.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in.")).to_be_visible()

    page.goto(f"{live_server}/manage/konas-2027/invitations/new?kind=speaker")
    assert axe_check(page) == []
    page.get_by_label("Full name").fill("Ilham Azikin")
    page.get_by_label("Honorific (e.g. Dr., H., Ibu)").fill("H.")
    page.get_by_label("E-mail address").fill("bupati@bantaeng.example")
    page.get_by_label("Position").fill("Bupati Bantaeng")
    page.get_by_label("Language of the invitation").select_option("en")
    page.get_by_label("Session").select_option(index=1)
    page.get_by_label("Role").select_option("speaker")
    page.get_by_role("button", name=re.compile("invitation", re.I)).click()
    expect(page.get_by_text("bupati@bantaeng.example").first).to_be_visible()

    db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).one()
    link = re.search(r"https?://\S+/i/[A-Za-z0-9_-]+", reveal(message, message.body_text)).group(0)
    path = link.split("/i/", 1)[1]

    phone = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740}, device_scale_factor=2)
    invitee = phone.new_page()
    invitee.set_default_timeout(10_000)
    invitee.goto(f"{live_server}/i/{path}")
    expect(invitee.get_by_role("heading", level=1)).to_have_text("National Conference 2027")
    expect(invitee.get_by_text("Parallel session 1")).to_be_visible()
    assert invitee.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_check(invitee) == []
    invitee.get_by_label(re.compile("message", re.I)).fill("I will bring the regulation's text.")
    invitee.get_by_role("button", name="Accept").click()
    expect(invitee.get_by_text(re.compile("your acceptance is recorded"))).to_be_visible()
    assert axe_check(invitee) == []

    db.session.expire_all()
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.response_note == "I will bring the regulation's text."
    assert invitation.session.roles[0].status is RoleStatus.CONFIRMED

    page.goto(f"{live_server}/manage/konas-2027/invitations")
    row = page.locator("tr", has_text="Ilham Azikin")
    expect(row).to_contain_text("Accepted")
    assert axe_check(page) == []
    phone.close()
    desk.close()
