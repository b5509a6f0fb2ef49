"""Keep the catalogs complete after `make messages`.

- `en`: our source strings are English, so every msgstr is set to its msgid.
- `id`: the .po file is the source of truth. Translations can be merged from
  JSON files given as arguments: a list of {"msgid", "msgid_plural"?, "msgstr"}.
Prints every Indonesian string still missing and exits 1 if there is one.

    .venv/bin/python tools/fill_catalogs.py [translations.json …]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "eventapp" / "translations"


def _load(lang: str):
    with (ROOT / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def _save(lang: str, catalog) -> None:
    """Write beside the catalog, then replace it: a failure never leaves it half-written."""
    target = ROOT / lang / "LC_MESSAGES" / "messages.po"
    partial = target.with_suffix(".po.partial")
    with partial.open("wb") as f:
        write_po(f, catalog, sort_output=True, no_location=True, width=100)
    partial.replace(target)


def _key(message_id) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def fill_english() -> None:
    catalog = _load("en")
    for message in catalog:
        if message.id:
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
            message.flags.discard("fuzzy")
    _save("en", catalog)


def fill_indonesian(sources: list[Path]) -> list[str]:
    translations: dict[str, str] = {}
    for source in sources:
        for entry in json.loads(source.read_text(encoding="utf-8")):
            if entry.get("msgstr"):
                translations[entry["msgid"]] = entry["msgstr"]
    catalog = _load("id")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        text = translations.get(_key(message.id))
        if isinstance(text, list):  # a plural entry: Indonesian uses its first form
            text = text[0]
        if text:
            # Indonesian has a single plural form.
            message.string = (text,) if isinstance(message.id, tuple) else text
        message.flags.discard("fuzzy")
        if not _translated(message):
            missing.append(_key(message.id))
    _save("id", catalog)
    return missing


if __name__ == "__main__":
    fill_english()
    missing = fill_indonesian([Path(arg) for arg in sys.argv[1:]])
    for key in missing:
        print(f"missing Indonesian translation: {key!r}", file=sys.stderr)
    sys.exit(1 if missing else 0)
