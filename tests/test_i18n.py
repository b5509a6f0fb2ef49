from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "eventapp" / "translations"


def test_indonesian_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in page and "Konferensi" in page


def test_browser_language_is_honoured(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "No conference has been published yet." in page


def test_language_switch_stays_on_the_same_page(client, make):
    conference = make.conference()
    response = client.post("/language", data={"lang": "en", "next": f"/c/{conference.slug}?x=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{conference.slug}?x=1"
    page = client.get(f"/c/{conference.slug}").get_data(as_text=True)
    assert '<html lang="en">' in page and "Time zone" in page
    # the choice beats the browser's preference
    page = client.get("/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_language_switch_ignores_unknown_languages_and_foreign_targets(client):
    response = client.post("/language", data={"lang": "fr", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_language_links_point_back_at_the_current_page(client, make):
    conference = make.conference()
    page = client.get(f"/c/{conference.slug}?x=1").get_data(as_text=True)
    assert f'href="/language/en?next=/c/{conference.slug}?x%3D1"' in page
    assert 'aria-current="true"' in page  # the language in use is marked
    response = client.get(f"/language/en?next=/c/{conference.slug}?x%3D1")
    assert response.status_code == 303 and response.headers["Location"] == f"/c/{conference.slug}?x=1"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] == "/"


def test_content_falls_back_to_the_other_language(client, make):
    conference = make.conference(title_id="Hanya Bahasa Indonesia", title_en="")
    english = client.get(f"/c/{conference.slug}", headers={"Accept-Language": "en"})
    assert "Hanya Bahasa Indonesia" in english.get_data(as_text=True)
    only_en = make.conference(title_id="", title_en="English Only")
    assert "English Only" in client.get(f"/c/{only_en.slug}").get_data(as_text=True)


def test_content_is_shown_in_the_visitors_language(client, make):
    conference = make.conference(title_id="Judul Indonesia", title_en="English Title")
    assert "Judul Indonesia" in client.get(f"/c/{conference.slug}").get_data(as_text=True)
    english = client.get(f"/c/{conference.slug}", headers={"Accept-Language": "en"})
    assert "English Title" in english.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_catalogs_are_complete_and_compiled(lang):
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        template = read_po(f)
    missing = [m.id for m in template if m.id and m.id not in catalog]
    assert not missing, f"not in the {lang} catalog (run make messages): {missing}"
    untranslated = [
        m.id for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated, f"untranslated in {lang}: {untranslated}"
    # Placeholders that do not match their msgid break `pybabel compile`.
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert problems == []
    assert po.with_suffix(".mo").exists(), "run make translations"


def test_every_string_in_the_code_is_in_the_template():
    """Catches a string added to the code without `make messages`."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    root = TRANSLATIONS.parent.parent
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = set()
    for folder, method in (("eventapp", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            root / folder, method_map=[(pattern, method)], keywords=keywords
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(f) if m.id}
    assert found - known == set(), "run `make messages` and translate"
