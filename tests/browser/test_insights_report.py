"""The representation report prints on exactly one A4 page (demo conference)."""
from __future__ import annotations

import re

import pytest

from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_report_prints_on_one_a4_page(page, live_server, make):
    conference, _ = load_demo()
    db.session.commit()
    organiser = make.organiser(conference)
    page.goto(live_server + "/login")
    page.locator("input[name=email]").fill(organiser.email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    page.goto(f"{live_server}/manage/{DEMO_SLUG}/insights/report")
    assert page.locator("h1").count() == 1
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
