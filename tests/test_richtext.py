"""Bios and abstracts: stored as typed, shown as safe Markdown.

What a visitor must never get is working markup from someone else's text:
no script, no event handler, no javascript: link, no image, no raw HTML.
What a speaker does get: **bold**, *italics*, lists, line breaks and
http(s)/mailto links. The JSON API still returns the text as stored.
"""
from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from eventapp.agenda.models import RoleKind
from eventapp.extensions import db
from eventapp.richtext import render_markdown

EN = {"Accept-Language": "en"}

HOSTILE = "\n\n".join([
    "<script>alert('bio')</script>",
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(2)">raw link</a>',
    "<img src=x onerror=alert(3)>",
    '<div style="position:fixed" onclick="alert(4)">raw div</div>',
    "![tracker](https://evil.example/pixel.png)",
    "<iframe src=https://evil.example></iframe>",
])
FRIENDLY = "Works on **social protection**.\n\n- first item\n- second item\n\nSee [our site](https://example.org)."


def rich_text_of(page: str) -> list[lxml_html.HtmlElement]:
    """The rendered rich-text blocks of a page."""
    return lxml_html.fromstring(page).find_class("rich-text")


def assert_inert(blocks: list[lxml_html.HtmlElement]) -> None:
    """No element outside the allowed set, no attribute but a[href]/a[rel]/ol[start],
    and every link http(s) or mailto."""
    assert blocks, "no rich text on the page"
    for block in blocks:
        for element in block.iterdescendants():
            assert element.tag in {"p", "br", "strong", "em", "ul", "ol", "li", "a"}, element.tag
            allowed = {"a": {"href", "rel"}, "ol": {"start"}}.get(element.tag, set())
            assert set(element.attrib) <= allowed, (element.tag, dict(element.attrib))
            if element.tag == "a" and "href" in element.attrib:
                assert re.match(r"^(https?:|mailto:)", element.attrib["href"]), element.attrib["href"]


# --- the renderer -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "forbidden"), [
    ("<script>alert(1)</script>", "<script"),
    ("[x](javascript:alert(1))", 'href="javascript'),
    ("[x](JaVaScRiPt:alert(1))", "href="),
    ('<a href="javascript:alert(1)">x</a>', "<a "),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("![x](https://evil.example/x.png)", "<img"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "href="),
    ("[x](/manage/draf/delete)", "href="),
    ("<b onmouseover=alert(1)>x</b>", "<b"),
    ('[x](https://example.org "title")', "title="),
    ("# Heading", "<h1"),
])
def test_hostile_markdown_renders_inert(text, forbidden):
    rendered = str(render_markdown(text))
    assert forbidden not in rendered.lower()


def test_friendly_markdown_renders():
    rendered = str(render_markdown(FRIENDLY))
    assert "<strong>social protection</strong>" in rendered
    assert "<ul>\n<li>first item</li>\n<li>second item</li>\n</ul>" in rendered
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">our site</a>' in rendered
    assert str(render_markdown("line one\nline two")) == "<p>line one<br>\nline two</p>"
    assert '<a href="mailto:sari@example.org"' in str(render_markdown("[mail](mailto:sari@example.org)"))
    assert str(render_markdown("")) == "" and str(render_markdown(None)) == ""


# --- the pages ----------------------------------------------------------------------------


@pytest.fixture
def hostile(make):
    """A published conference whose speaker bio and session abstract are hostile
    (Indonesian) and friendly Markdown (English)."""
    conference = make.conference(slug="aman")
    person = make.person(conference, "Sari Penulis", email="sari@example.org", bio_id=HOSTILE, bio_en=FRIENDLY)
    talk = make.session(conference, room=make.room(conference), title_id="Sesi Aman",
                        abstract_id=HOSTILE, abstract_en=FRIENDLY)
    make.role(talk, person, RoleKind.SPEAKER)
    make.publish(conference)
    return {"conference": conference, "person": person, "talk": talk}


@pytest.mark.parametrize("page", ["session", "person"])
def test_public_pages_render_hostile_text_inert(client, hostile, page):
    url = (f"/c/aman/sessions/{hostile['talk'].id}" if page == "session"
           else f"/c/aman/speakers/{hostile['person'].id}")
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    blocks = rich_text_of(body)
    assert_inert(blocks)
    shown = " ".join(block.text_content() for block in blocks)
    assert "alert('bio')" in shown and "raw div" in shown  # shown as text, not dropped silently
    document = lxml_html.fromstring(body)
    assert not [e.tag for e in document.iter() if any(name.startswith("on") for name in e.attrib)]
    # (the JSON-LD block carries the abstract as escaped JSON data, which runs nothing)
    assert not [s.text for s in document.iter("script")
                if "alert" in (s.text or "") and s.get("type") != "application/ld+json"]
    assert not [i.get("src") for i in document.iter("img") if i.get("src") == "x"]
    assert not [e.tag for e in document.iter("iframe", "div") if e.get("onclick") or e.get("style")]


@pytest.mark.parametrize("page", ["session", "person"])
def test_public_pages_render_bold_lists_and_links(client, hostile, page):
    url = (f"/c/aman/sessions/{hostile['talk'].id}" if page == "session"
           else f"/c/aman/speakers/{hostile['person'].id}")
    blocks = rich_text_of(client.get(url, headers=EN).get_data(as_text=True))
    assert_inert(blocks)
    block = blocks[0]
    assert [e.text for e in block.iter("strong")] == ["social protection"]
    assert [li.text for li in block.iter("li")] == ["first item", "second item"]
    [link] = block.iter("a")
    assert link.get("href") == "https://example.org"
    assert link.get("rel") == "noopener noreferrer nofollow"


def test_json_api_returns_the_stored_text(client, hostile):
    person = next(p for p in client.get("/api/v1/conferences/aman/people").get_json()["people"]
                  if p["full_name"] == "Sari Penulis")
    assert person["bio"]["id"] == HOSTILE and person["bio"]["en"] == FRIENDLY
    session = client.get(f"/api/v1/conferences/aman/sessions/{hostile['talk'].id}").get_json()["session"]
    assert session["abstract"]["id"] == HOSTILE and session["abstract"]["en"] == FRIENDLY


def test_agenda_csv_export_has_the_stored_text_not_html(client, hostile):
    body = client.get("/c/aman/agenda.csv", headers=EN).get_data(as_text=True)
    assert "**social protection**" in body and "<strong>" not in body


def test_locked_bio_on_the_speaker_profile_is_safe_markdown(client, hostile, make, auth, english):
    hostile["person"].locked_fields = ["bio_id", "bio_en"]
    db.session.commit()
    auth.login(make.user(email="sari@example.org"))
    response = client.get("/c/aman/my/profile")
    assert response.status_code == 200
    blocks = rich_text_of(response.get_data(as_text=True))
    assert len(blocks) == 2
    assert_inert(blocks)
    assert any(e.text == "social protection" for block in blocks for e in block.iter("strong"))
