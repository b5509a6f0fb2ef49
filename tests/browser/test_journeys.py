"""Key journeys in headless Chromium: reading the agenda, switching language,
signing in, with the keyboard, on a phone and in print; axe-core on every page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def demo():
    conference, _ = load_demo()
    db.session.commit()
    return conference


def test_visitor_reads_the_agenda_and_switches_to_english(page, live_server, demo):
    page.goto(live_server + "/")
    page.get_by_role("link", name="Konferensi Nasional Pembuat Kebijakan 2019").click()
    expect(page).to_have_url(re.compile(f"/c/{DEMO_SLUG}$"))
    assert page.locator("html").get_attribute("lang") == "id"
    panel = page.locator("article", has_text="Sesi Paralel 1")
    assert "H. Ilham Azikin" in panel.inner_text()
    slot = page.locator("li.slot", has=panel)
    assert "10.30–12.30 WIB" in slot.locator(".slot-time").inner_text()

    # Keyboard only: focus the English link and press Enter.
    english = page.get_by_role("link", name="English")
    english.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(f"/c/{DEMO_SLUG}$", page.url)  # the same page, now in English
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "National Conference of Policy Makers 2019"
    panel = page.locator("article", has_text="Parallel session 1")
    assert "10:30–12:30 WIB" in page.locator("li.slot", has=panel).locator(".slot-time").inner_text()


def test_skip_link_is_the_first_stop_for_the_keyboard(page, live_server, demo):
    page.goto(f"{live_server}/c/{DEMO_SLUG}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Langsung ke konten"
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_organiser_signs_in_and_sees_a_draft(page, live_server, make):
    draft = make.conference(title_id="Konferensi Draf Kami", published=False)
    organiser = make.organiser(draft)
    page.goto(live_server + "/")
    page.get_by_role("link", name="Masuk").click()
    page.get_by_label("Alamat surel").fill(organiser.email)
    page.get_by_label("Kata sandi").fill("salah sekali")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Alamat surel atau kata sandi tidak cocok.")).to_be_visible()
    expect(page.get_by_label("Alamat surel")).to_have_value(organiser.email)  # kept
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_label("Kata sandi").press("Enter")
    expect(page.get_by_text("Anda sudah masuk.")).to_be_visible()
    page.get_by_role("link", name="Konferensi Draf Kami").click()
    expect(page.get_by_text("Draf: hanya penyelenggara")).to_be_visible()


def test_agenda_fits_a_phone_screen(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live_server}/c/{DEMO_SLUG}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


def test_print_hides_the_navigation(page, live_server, demo):
    page.goto(f"{live_server}/c/{DEMO_SLUG}")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".agenda-list")).to_be_visible()


@pytest.mark.parametrize(
    "path", ["/", f"/c/{DEMO_SLUG}", "/login", "/c/tidak-ada"]
)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_pages_have_no_accessibility_violations(browser, live_server, demo, axe_check, path, lang):
    context = browser.new_context(locale=lang)
    page = context.new_page()
    page.goto(live_server + path)
    assert axe_check(page) == []
    context.close()


def test_sign_in_errors_have_no_accessibility_violations(page, live_server, axe_check):
    page.goto(live_server + "/login")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Kolom ini wajib diisi.").first).to_be_visible()
    assert axe_check(page) == []
