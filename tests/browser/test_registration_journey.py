"""Issue 6 "done when", in headless Chromium on a phone: register for the demo
conference choosing a parallel session, land on the private manage page, the
confirmation is in the organisers' Outbox, the link from the mail opens the
manage page, a choice is changed, the ticket (QR code) is shown, and the
person is checked in at the desk by the ticket code — a second scan says when
the first one was. axe-core is clean on each page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import reveal
from eventapp.registration.models import ChoiceStatus, Registration, RegistrationStatus

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"locale": "en-GB", "viewport": {"width": 360, "height": 740}, "device_scale_factor": 2}
EMAIL = "rahmawati@desa.example"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_register_change_a_choice_and_get_checked_in_on_a_phone(browser, live_server, make, axe_check):
    conference, _ = load_demo()
    db.session.commit()
    organiser = make.organiser(conference)

    # --- the attendee registers on a phone ---------------------------------------------------------
    phone = browser.new_context(**PHONE)
    attendee = phone.new_page()
    attendee.set_default_timeout(10_000)
    attendee.goto(f"{live_server}/c/{DEMO_SLUG}/register")
    expect(attendee.get_by_role("heading", level=1)).to_have_text("National Conference of Policy Makers 2019")
    assert fits_the_screen(attendee)
    assert axe_check(attendee) == []
    attendee.get_by_label("Full name", exact=True).fill("Rahmawati Lestari")
    attendee.get_by_label("E-mail", exact=True).fill(EMAIL)
    attendee.get_by_label("Organisation", exact=True).fill("Pemerintah Desa (demo)")
    attendee.get_by_label("Position", exact=True).fill("Kepala Desa")
    attendee.get_by_label("Sector", exact=True).select_option("regional_government")
    attendee.get_by_label("Step-free access").check()
    attendee.get_by_label(re.compile(r"^Parallel session 2\b")).check()
    attendee.get_by_label(re.compile("I agree that the organisers store")).check()
    attendee.get_by_role("button", name="Register", exact=True).click()

    # --- lands on the private manage page ----------------------------------------------------------
    expect(attendee).to_have_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
    expect(attendee.get_by_text("Thank you for registering.")).to_be_visible()
    expect(attendee.locator("#registration-status")).to_have_text("Confirmed")
    expect(attendee.locator(".current-choice")).to_contain_text("Parallel session 2")
    assert fits_the_screen(attendee)
    assert axe_check(attendee) == []
    attendee.close()  # the attendee closes the page and later opens the link from the e-mail

    db.session.expire_all()
    registration = db.session.scalars(select(Registration).where(Registration.email == EMAIL)).one()
    assert registration.status is RegistrationStatus.CONFIRMED and registration.need_step_free
    assert [c.session.title_en.split(":")[0] for c in registration.choices] == ["Parallel session 2"]

    # --- the confirmation mail is in the organisers' Outbox ------------------------------------------
    desk = browser.new_context(**PHONE)
    staff = desk.new_page()
    staff.set_default_timeout(10_000)
    staff.goto(live_server + "/login")
    staff.get_by_label("E-mail address").fill(organiser.email)
    staff.get_by_label("Password").fill(TEST_PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_text("You are signed in.")).to_be_visible()
    staff.goto(f"{live_server}/manage/{DEMO_SLUG}/outbox")
    row = staff.locator("tr", has_text=EMAIL)
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()
    expect(staff.get_by_text(EMAIL).first).to_be_visible()
    expect(staff.get_by_text(re.compile("Parallel session 2")).first).to_be_visible()
    assert axe_check(staff) == []

    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == EMAIL,
                                                             OutboxMessage.kind == "registration_confirmation")).one()
    link = re.search(r"https?://\S+/r/[A-Za-z0-9_-]+", reveal(message, message.body_text)).group(0)
    path = "/r/" + link.split("/r/", 1)[1]

    # --- the attendee opens the link from the mail and changes the choice ----------------------------
    attendee = phone.new_page()
    attendee.set_default_timeout(10_000)
    attendee.goto(live_server + path)
    expect(attendee.get_by_role("heading", name="My sessions")).to_be_visible()
    slot_form = attendee.locator("form.slot-form").first
    slot_form.get_by_label(re.compile(r"^Parallel session 3\b")).check()
    slot_form.get_by_role("button", name="Save this choice").click()
    expect(attendee.get_by_text("Your session choice is saved.")).to_be_visible()
    expect(attendee.locator(".current-choice")).to_contain_text("Parallel session 3")
    assert axe_check(attendee) == []

    # --- the ticket: a QR code and the code to read out ----------------------------------------------
    ticket = attendee.locator("#ticket")
    expect(ticket.locator("svg")).to_be_visible()
    box = ticket.locator("svg").bounding_box()
    assert box and box["width"] >= 120 and box["width"] <= 360  # scannable, and fits the phone
    code = re.sub(r"\s", "", attendee.locator("#ticket-code").inner_text())
    db.session.expire_all()
    registration = db.session.scalars(select(Registration).where(Registration.email == EMAIL)).one()
    assert code == registration.ticket_code
    assert [(c.session.title_en.split(":")[0], c.status) for c in registration.choices] == [
        ("Parallel session 3", ChoiceStatus.CONFIRMED)]
    assert fits_the_screen(attendee)

    # --- checked in at the desk (on a phone) by the ticket code -------------------------------------
    staff.goto(f"{live_server}/manage/{DEMO_SLUG}/checkin")
    assert axe_check(staff) == []
    assert fits_the_screen(staff)
    staff.get_by_role("textbox", name="Ticket code").fill(f"{code[:4]} {code[4:8]} {code[8:12]} {code[12:]}".lower())
    staff.get_by_role("button", name="Check in", exact=True).click()
    expect(staff.get_by_text("Checked in: Rahmawati Lestari")).to_be_visible()
    assert axe_check(staff) == []
    db.session.expire_all()
    registration = db.session.scalars(select(Registration).where(Registration.email == EMAIL)).one()
    assert registration.checked_in_at is not None and registration.checked_in_by_id == organiser.id

    # A second scan of the same ticket says when the first was.
    staff.get_by_role("textbox", name="Ticket code").fill(code)
    staff.get_by_role("button", name="Check in", exact=True).click()
    expect(staff.get_by_text(re.compile(r"Already checked in at \d{1,2}[.:]\d{2}"))).to_be_visible()

    phone.close()
    desk.close()
