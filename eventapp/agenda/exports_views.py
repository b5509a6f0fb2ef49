"""Public exports of the latest published release: iCalendar, the frab / c3voc
schedule (XML, JSON) and CSV. The draft never appears in them; an id that is not
in the latest release is not found."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Response, abort, current_app, request, url_for
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.routing import BuildError

from ..conferences.models import Conference, Room, Venue
from ..conferences.services import get_conference_or_404
from ..extensions import db
from ..http_cache import conditional
from ..page_cache import cached_page
from ..i18n import current_language
from . import bp, exports
from .releases import PublicAgenda, PublicSession, latest_release, public_agenda


def _language() -> str:
    """?lang=id|en, else the visitor's language."""
    lang = request.args.get("lang", "")
    return lang if lang in current_app.config["LANGUAGES"] else current_language()


def public_session_url(conference: Conference) -> Callable[[PublicSession], str | None]:
    """The public session page when that page exists in this app."""
    if "agenda.public_session" not in current_app.view_functions:
        return lambda session: None

    def url(session: PublicSession) -> str | None:
        try:
            return url_for("agenda.public_session", slug=conference.slug, session_id=session.id, _external=True)
        except BuildError:
            return None

    return url


def venue_by_room(conference: Conference) -> dict[int, str]:
    rows = db.session.execute(
        select(Room.id, Venue.name).join(Venue).where(Venue.conference_id == conference.id)
    )
    return {room_id: name for room_id, name in rows}


def _filename(*parts: object) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(map(str, parts)))


def _file(content: bytes, mimetype: str, filename: str, *, attachment: bool = True) -> Response:
    response = Response(content, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    response.headers.set("Content-Disposition", "attachment" if attachment else "inline", filename=filename)
    return response


def _load(slug: str) -> tuple[Conference, object, PublicAgenda]:
    """The conference (drafts 404 for the public), its latest release and what
    that release shows."""
    conference = get_conference_or_404(slug)
    release = latest_release(conference)
    return conference, release, public_agenda(release)


def _export(conference: Conference, release, agenda: PublicAgenda,
            build: Callable[[Conference, object, PublicAgenda, str], Response]) -> Response:
    """Answer conditionally (ETag / 304), in the requested language."""
    lang = _language()
    with force_locale(lang):
        return conditional(conference, release, lambda: cached_page(
            conference, release, f"export:{request.endpoint}", lambda: build(conference, release, agenda, lang),
            lang, personal=False), personal=False)


def _ical_response(conference, release, sessions, lang, name, filename) -> Response:
    content = exports.ical(
        conference, release, sessions, lang=lang, name=name,
        venue_by_room=venue_by_room(conference), session_url=public_session_url(conference),
    )
    return _file(content, "text/calendar", filename)


@bp.get("/c/<slug>/agenda.ics")
def export_ical(slug: str):
    def build(conference, release, agenda, lang):
        return _ical_response(conference, release, agenda.sessions, lang,
                              conference.local("title", lang), _filename(conference.slug, "agenda.ics"))

    return _export(*_load(slug), build)


@bp.get("/c/<slug>/sessions/<int:session_id>.ics")
def export_ical_session(slug: str, session_id: int):
    conference, release, agenda = _load(slug)
    if not any(s.id == session_id for s in agenda.sessions):
        abort(404)

    def build(conference, release, agenda, lang):
        session = next(s for s in agenda.sessions if s.id == session_id)
        name = f"{conference.local('title', lang)}: {session.local('title', lang)}"
        return _ical_response(conference, release, [session], lang, name,
                              _filename(conference.slug, "session", f"{session_id}.ics"))

    return _export(conference, release, agenda, build)


@bp.get("/c/<slug>/sub-themes/<code>.ics")
def export_ical_sub_theme(slug: str, code: str):
    conference, release, agenda = _load(slug)
    theme = next((t for t in agenda.sub_themes if t.code == code), None)
    if theme is None:
        abort(404)

    def build(conference, release, agenda, lang):
        name = f"{conference.local('title', lang)}: {theme.local('title', lang) or theme.code}"
        return _ical_response(conference, release, exports.sessions_of_sub_theme(agenda, code), lang, name,
                              _filename(conference.slug, f"{code}.ics"))

    return _export(conference, release, agenda, build)


@bp.get("/c/<slug>/speakers/<int:person_id>.ics")
def export_ical_person(slug: str, person_id: int):
    conference, release, agenda = _load(slug)
    person = next((p for p in agenda.people if p.id == person_id), None)
    if person is None:
        abort(404)

    def build(conference, release, agenda, lang):
        name = f"{conference.local('title', lang)}: {person.display_name}"
        return _ical_response(conference, release, exports.sessions_of_person(agenda, person_id), lang, name,
                              _filename(conference.slug, "speaker", f"{person_id}.ics"))

    return _export(conference, release, agenda, build)


def _schedule(conference, release, agenda, lang) -> dict:
    public_url = public_session_url(conference)

    def session_url(session: PublicSession) -> str:
        # The JSON schema wants a URL for every event: the session's own page,
        # else the conference page.
        return public_url(session) or url_for(
            "conferences.show", slug=conference.slug, _external=True, _anchor=f"session-{session.id}"
        )

    return exports.schedule(
        conference, release, agenda, lang=lang, session_url=session_url,
        conference_url=url_for("conferences.show", slug=conference.slug, _external=True),
    )


@bp.get("/c/<slug>/schedule.xml")
def export_schedule_xml(slug: str):
    def build(conference, release, agenda, lang):
        content = exports.schedule_xml(_schedule(conference, release, agenda, lang))
        return _file(content, "application/xml", _filename(conference.slug, "schedule.xml"), attachment=False)

    return _export(*_load(slug), build)


@bp.get("/c/<slug>/schedule.json")
def export_schedule_json(slug: str):
    def build(conference, release, agenda, lang):
        content = json.dumps(_schedule(conference, release, agenda, lang), ensure_ascii=False, indent=1)
        response = _file(content.encode("utf-8"), "application/json", _filename(conference.slug, "schedule.json"),
                         attachment=False)
        return response

    return _export(*_load(slug), build)


@bp.get("/c/<slug>/agenda.csv")
def export_csv(slug: str):
    def build(conference, release, agenda, lang):
        content = exports.agenda_csv(conference, agenda.sessions, lang=lang)
        return _file(content, "text/csv", _filename(conference.slug, "agenda.csv"))

    return _export(*_load(slug), build)
