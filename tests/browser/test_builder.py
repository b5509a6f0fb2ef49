"""The agenda builder in headless Chromium: drag and drop, the keyboard Move
form, and axe-core on the page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind
from eventapp.extensions import db

from ..factories import DAY, TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def planned(make):
    conference = make.conference(slug="rancang", ends_on=DAY + timedelta(days=1), published=False)
    room_a = make.room(conference, "Ruang Anggrek")
    room_b = make.room(conference, "Ruang Bougenville")
    theme = make.sub_theme(conference, code="PS", title_id="Perlindungan Sosial", colour="#8a3b12")
    talk = make.session(conference, (9, 0), (10, 30), title_id="Sesi Perlindungan", room=room_a,
                        sub_theme=theme)
    make.role(talk, make.person(conference, "Wulan Sari"), RoleKind.SPEAKER)
    other = make.session(conference, (11, 0), (12, 0), title_id="Sesi Kesehatan", room=room_b,
                         sub_theme=theme)
    opening = make.session(conference, (8, 0), (9, 0), title_id="Pembukaan", kind=SessionKind.OPENING,
                           room=room_a, spans_all_rooms=True)
    from eventapp.agenda.services import create_session

    waiting = create_session(conference, title_id="Sesi Menunggu")
    db.session.commit()
    organiser = make.organiser(conference)
    return {"conference": conference, "a": room_a, "b": room_b, "talk": talk, "other": other,
            "opening": opening, "waiting": waiting, "organiser": organiser}


def sign_in(page, live_server, organiser) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Alamat surel").fill(organiser.email)
    page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Anda sudah masuk.")).to_be_visible()


def fresh(ident: int) -> AgendaSession:
    db.session.rollback()
    return db.session.get(AgendaSession, ident)


def test_organiser_drags_a_session_to_another_room(page, live_server, make, planned):
    # Tall enough that nothing scrolls mid-drag (Playwright's drag does not survive a scroll).
    page.set_viewport_size({"width": 1280, "height": 2400})
    sign_in(page, live_server, planned["organiser"])
    page.goto(f"{live_server}/manage/rancang/builder")
    talk, room_b = planned["talk"], planned["b"]
    block = page.locator(f"#session-{talk.id}")
    expect(block).to_have_attribute("data-room-id", str(planned["a"].id))
    target = page.locator(f'.builder-cell[data-room-id="{room_b.id}"][data-time="13:00"]')
    block.drag_to(target)
    # The page reloads with the session in room B at 13.00.
    expect(page.locator(f"#session-{talk.id}")).to_have_attribute("data-room-id", str(room_b.id))
    expect(page.locator(f"#session-{talk.id} .builder-time")).to_have_text("13.00–14.30 WIB")
    row = fresh(talk.id)
    assert row.room_id == room_b.id
    assert row.starts_at == make.at(planned["conference"], 13)
    assert row.ends_at == make.at(planned["conference"], 14, 30)

    # Dropping onto a taken room is refused: the message is announced, nothing moves.
    version = row.version
    target = page.locator(f'.builder-cell[data-room-id="{room_b.id}"][data-time="11:00"]')
    # (force: the cell is under the block of "Sesi Kesehatan" until the drag starts,
    # when the blocks let the drop through to the cells.)
    page.locator(f"#session-{planned['waiting'].id}").drag_to(target, force=True)
    expect(page.locator("#builder-live")).to_contain_text("Sesi Kesehatan")
    assert fresh(planned["waiting"].id).starts_at is None
    assert fresh(talk.id).version == version


def test_organiser_moves_a_session_with_the_keyboard(page, live_server, make, planned):
    sign_in(page, live_server, planned["organiser"])
    page.goto(f"{live_server}/manage/rancang/builder")
    talk = planned["talk"]
    summary = page.locator(f"#session-{talk.id} summary")
    summary.focus()
    page.keyboard.press("Enter")
    room = page.locator(f"#move-{talk.id}-room")
    expect(room).to_be_visible()
    page.keyboard.press("Tab")
    expect(room).to_be_focused()
    room.select_option(str(planned["b"].id))
    page.keyboard.press("Tab")
    expect(page.locator(f"#move-{talk.id}-day")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the second day
    page.keyboard.press("Tab")
    start = page.locator(f"#move-{talk.id}-start")
    expect(start).to_be_focused()
    start.fill("14:00")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_be_visible()
    assert page.url.endswith(f"/manage/rancang/builder?day=2026-03-11#session-{talk.id}")
    expect(page.locator(f"#session-{talk.id}")).to_have_attribute("data-room-id", str(planned["b"].id))
    row = fresh(talk.id)
    assert row.room_id == planned["b"].id
    assert row.starts_at == make.at(planned["conference"], 14, 0, DAY + timedelta(days=1))
    assert row.ends_at == make.at(planned["conference"], 15, 30, DAY + timedelta(days=1))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_builder_has_no_accessibility_violations(browser, live_server, planned, axe_check, lang):
    context = browser.new_context(locale=lang)
    page = context.new_page()
    sign_in_lang = {"id": ("Alamat surel", "Kata sandi", "Masuk")}.get(lang)
    page.goto(live_server + "/login")
    if sign_in_lang:
        page.get_by_label(sign_in_lang[0]).fill(planned["organiser"].email)
        page.get_by_label(sign_in_lang[1]).fill(TEST_PASSWORD)
    else:
        page.locator("input[name=email]").fill(planned["organiser"].email)
        page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(f"{live_server}/manage/rancang/builder")
    expect(page.locator(".builder-cell").first).to_be_attached()
    assert axe_check(page) == []
    # With a Move form open too.
    page.locator(f"#session-{planned['talk'].id} summary").click()
    expect(page.locator(f"#move-{planned['talk'].id}-room")).to_be_visible()
    assert axe_check(page) == []
    context.close()
