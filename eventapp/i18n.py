"""Language choice, bilingual content fields and conference-local times."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, get_locale, lazy_gettext as _l

# Indonesian zone abbreviations people actually read on an agenda.
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, workers: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


class Bilingual:
    """Mixin for models with `<field>_id` and `<field>_en` columns."""

    def local(self, field: str, lang: str | None = None) -> str:
        """The field in the visitor's language, falling back to the other one."""
        lang = lang or current_language()
        other = "en" if lang == "id" else "id"
        return getattr(self, f"{field}_{lang}", None) or getattr(self, f"{field}_{other}", None) or ""


def zone_label(tz_name: str, when: datetime | None = None) -> str:
    if tz_name in ZONE_LABELS:
        return ZONE_LABELS[tz_name]
    when = when or datetime.now(ZoneInfo(tz_name))
    return when.astimezone(ZoneInfo(tz_name)).tzname() or tz_name


def format_clock(instant: datetime, tz_name: str) -> str:
    """09.00 in Indonesian, 09:00 in English."""
    local = instant.astimezone(ZoneInfo(tz_name))
    sep = "." if current_language() == "id" else ":"
    return f"{local:%H}{sep}{local:%M}"


def format_time_range(start: datetime, end: datetime, tz_name: str) -> str:
    """e.g. '09.00–10.30 WIB'."""
    return f"{format_clock(start, tz_name)}–{format_clock(end, tz_name)} {zone_label(tz_name, start)}"


def format_instant_range(start: str | datetime, end: str | datetime, tz_name: str) -> str:
    """'Rabu, 27 November 2019, 10.30–12.30 WIB' from instants or ISO strings."""
    start = datetime.fromisoformat(start) if isinstance(start, str) else start
    end = datetime.fromisoformat(end) if isinstance(end, str) else end
    day = format_date(start.astimezone(ZoneInfo(tz_name)).date(), format="full")
    return f"{day}, {format_time_range(start, end, tz_name)}"


def format_datetime_local(instant: datetime, tz_name: str) -> str:
    """'27 Nov 2019 09.00 WIB' in the conference's zone."""
    local = instant.astimezone(ZoneInfo(tz_name))
    return f"{format_date(local.date(), format='medium')} {format_clock(instant, tz_name)} {zone_label(tz_name, instant)}"


def format_day(day: date) -> str:
    return format_date(day, format="full")


def format_date_range(first: date, last: date) -> str:
    if first == last:
        return format_day(first)
    return f"{format_date(first, format='long')} – {format_date(last, format='long')}"


__all__ = ["_l", "Bilingual", "select_locale", "current_language", "format_time_range"]
