"""The public JSON API: published conferences and their latest agenda release.

Everything here is read from the latest release's snapshot (one row), never
from the live draft rows, so an organiser's unpublished edits cannot leak and
the number of SQL queries does not grow with the agenda. Unlike the HTML pages,
the API ignores who is signed in: a draft conference is 404 for everyone,
its organisers included, so API clients only ever see what is public.

Text comes in both languages ({"id": …, "en": …}) plus "text", the value in
the requested language (?lang=id|en, else the visitor's language), falling
back to the other language when one is empty. Labels (kind_label,
role_label, sector_label) follow the requested language.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from typing import Any

from flask import Response, abort, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import load_only
from werkzeug.exceptions import HTTPException

from ..agenda.models import AgendaRelease
from ..agenda.releases import (
    PublicAgenda,
    PublicPerson,
    PublicSession,
    latest_release,
    public_agenda,
)
from ..conferences.models import Conference, ConferenceStatus
from ..conferences.services import published_conferences
from ..extensions import db
from ..http_cache import PUBLIC_FIELDS, conditional
from ..i18n import current_language
from . import bp
from .openapi import openapi_document

# --- errors: JSON, not the HTML error pages ------------------------------------------


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message, "status": status}), status


# By code: the app's code-specific HTML handlers would win over a class-based one.
@bp.errorhandler(400)
@bp.errorhandler(404)
@bp.errorhandler(405)
def _http_error(error: HTTPException):
    messages = {
        400: _("Bad request."),
        404: _("Not found, or not published."),
        405: _("Method not allowed."),
    }
    status = error.code or 500
    detail = error.description if status == 400 and error.description else None
    return _error(status, detail or messages.get(status, error.name))


# --- helpers ----------------------------------------------------------------------------


def _language() -> str:
    """?lang=id|en, else the visitor's language (session, Accept-Language)."""
    lang = request.args.get("lang")
    if lang is None or lang == "":
        return current_language()
    if lang not in current_app.config["LANGUAGES"]:
        abort(400, description=_("Unknown language: use id or en."))
    return lang


def _published_or_404(slug: str) -> Conference:
    """Published conferences only; a draft is 404 even for its organisers."""
    conference = db.session.scalar(
        select(Conference).where(Conference.slug == slug, Conference.status == ConferenceStatus.PUBLISHED)
    )
    if conference is None:
        abort(404)
    return conference


def _text(obj: Any, field: str, lang: str) -> dict[str, str]:
    return {
        "id": getattr(obj, f"{field}_id") or "",
        "en": getattr(obj, f"{field}_en") or "",
        "text": obj.local(field, lang),
    }


def _release(release: AgendaRelease | None) -> dict[str, Any] | None:
    if release is None:
        return None
    return {"number": release.number, "published_at": release.created_at.isoformat()}


def _conference(conference: Conference, release: AgendaRelease | None, lang: str, *,
                detail: bool = False) -> dict[str, Any]:
    slug = conference.slug
    data = {
        "slug": slug,
        "title": _text(conference, "title", lang),
        "theme": _text(conference, "theme", lang),
        "starts_on": conference.starts_on.isoformat(),
        "ends_on": conference.ends_on.isoformat(),
        "timezone": conference.timezone,
        "venues": [venue.name for venue in conference.venues],
        "release": _release(release),
        "links": {
            "self": url_for("api.conference", slug=slug),
            "sessions": url_for("api.sessions", slug=slug),
            "people": url_for("api.people", slug=slug),
            "sub_themes": url_for("api.sub_themes", slug=slug),
            "html": url_for("conferences.show", slug=slug),
        },
    }
    if detail:
        data["description"] = _text(conference, "description", lang)
        data["organisers"] = conference.organisers
    return data


def _session(session: PublicSession, zone, lang: str, slug: str) -> dict[str, Any]:
    return {
        "id": session.id,
        "uid": session.uid,
        "kind": session.kind.value,
        "kind_label": session.kind_label,
        "title": _text(session, "title", lang),
        "abstract": _text(session, "abstract", lang),
        # In the conference's zone, with its offset (e.g. +07:00).
        "starts_at": session.starts_at.astimezone(zone).isoformat(),
        "ends_at": session.ends_at.astimezone(zone).isoformat(),
        "room": {"id": session.room.id, "name": session.room.name} if session.room else None,
        "spans_all_rooms": session.spans_all_rooms,
        "sub_theme": session.sub_theme.code if session.sub_theme else None,
        "people": [
            {"person_id": role.person.id, "role": role.role.value, "role_label": role.role_label}
            for role in session.roles
        ],
        "url": url_for("api.session", slug=slug, session_id=session.id),
    }


def _person(person: PublicPerson, session_ids: list[int], lang: str) -> dict[str, Any]:
    # Deliberately no email (private contact) and no gender: gender is sensitive
    # personal data, kept for the organisers' representation reports only.
    return {
        "id": person.id,
        "honorific": person.honorific,
        "full_name": person.full_name,
        "position": person.position,
        "organisation": person.organisation,
        "sector": person.sector.value,
        "sector_label": person.sector_label,
        "bio": _text(person, "bio", lang),
        "session_ids": session_ids,
    }


def _envelope(conference: Conference, release: AgendaRelease | None, lang: str, **data: Any) -> dict:
    return {"conference": conference.slug, "release": _release(release), "lang": lang, **data}


def _public_view(slug: str, build) -> Response:
    """Shared frame: the published conference, its latest release, the language,
    and conditional-request handling (ETag / Last-Modified / 304)."""
    lang = _language()
    conference = _published_or_404(slug)
    release = latest_release(conference)
    with force_locale(lang):
        return conditional(
            conference, release, lambda: jsonify(build(conference, release, lang)), "api", personal=False
        )


# --- endpoints ---------------------------------------------------------------------


def _latest_releases(conference_ids: list[int]) -> dict[int, AgendaRelease]:
    """The latest release of each conference, in one query, without the snapshots."""
    if not conference_ids:
        return {}
    latest = (
        select(AgendaRelease.conference_id, func.max(AgendaRelease.number).label("number"))
        .where(AgendaRelease.conference_id.in_(conference_ids))
        .group_by(AgendaRelease.conference_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(AgendaRelease)
        .join(latest, and_(AgendaRelease.conference_id == latest.c.conference_id,
                           AgendaRelease.number == latest.c.number))
        .options(load_only(AgendaRelease.id, AgendaRelease.conference_id, AgendaRelease.number,
                           AgendaRelease.created_at))
    )
    return {release.conference_id: release for release in rows}


@bp.get("/conferences")
def conferences():
    """Published conferences, newest first. Its own ETag, from every listed
    conference's public fields and latest release."""
    lang = _language()
    listed = published_conferences()
    releases = _latest_releases([c.id for c in listed])
    parts: list[Any] = [lang, request.full_path]
    for conference in listed:
        release = releases.get(conference.id)
        parts += [getattr(conference, name) for name in PUBLIC_FIELDS]
        parts += [venue.name for venue in conference.venues]
        parts += [getattr(release, "id", None), getattr(release, "number", None)]
    etag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        with force_locale(lang):
            response = jsonify({
                "lang": lang,
                "conferences": [_conference(c, releases.get(c.id), lang) for c in listed],
            })
    response.set_etag(etag)
    response.vary.update(("Accept-Language", "Cookie"))
    response.cache_control.no_cache = True
    response.cache_control.public = True
    return response


@bp.get("/conferences/<slug>")
def conference(slug: str):
    def build(conference: Conference, release, lang: str) -> dict:
        return {"lang": lang, "conference": _conference(conference, release, lang, detail=True)}

    return _public_view(slug, build)


def _filters() -> tuple[date | None, str | None, int | None]:
    day = sub_theme = room = None
    if request.args.get("day"):
        try:
            day = date.fromisoformat(request.args["day"])
        except ValueError:
            abort(400, description=_("Use a date such as 2026-03-10 for day."))
    if request.args.get("sub_theme"):
        sub_theme = request.args["sub_theme"]
    if request.args.get("room"):
        if not request.args["room"].isdigit():
            abort(400, description=_("Use a room id (a number) for room."))
        room = int(request.args["room"])
    return day, sub_theme, room


@bp.get("/conferences/<slug>/sessions")
def sessions(slug: str):
    """Every session of the release (no pagination: bounded by the agenda's size).
    ?day= local date, ?sub_theme= code, ?room= id (sessions that span all rooms
    are in every room)."""
    day, sub_theme, room = _filters()

    def build(conference: Conference, release, lang: str) -> dict:
        zone = conference.zone
        items = public_agenda(release).sessions
        if day is not None:
            items = [s for s in items if s.starts_at.astimezone(zone).date() == day]
        if sub_theme is not None:
            items = [s for s in items if s.sub_theme is not None and s.sub_theme.code == sub_theme]
        if room is not None:
            items = [s for s in items if s.spans_all_rooms or (s.room is not None and s.room.id == room)]
        return _envelope(conference, release, lang,
                         sessions=[_session(s, zone, lang, conference.slug) for s in items])

    return _public_view(slug, build)


def _agenda_or_404(release) -> PublicAgenda:
    if release is None:
        abort(404)
    return public_agenda(release)


@bp.get("/conferences/<slug>/sessions/<int:session_id>")
def session(slug: str, session_id: int):
    """One session of the release; ids not in it (drafts, other conferences) are 404."""

    def build(conference: Conference, release, lang: str) -> dict:
        agenda = _agenda_or_404(release)
        found = next((s for s in agenda.sessions if s.id == session_id), None)
        if found is None:
            abort(404)
        return _envelope(conference, release, lang, session=_session(found, conference.zone, lang, conference.slug))

    return _public_view(slug, build)


@bp.get("/conferences/<slug>/people")
def people(slug: str):
    """Everyone with a role in the release, with the ids of their sessions."""

    def build(conference: Conference, release, lang: str) -> dict:
        agenda = public_agenda(release)
        session_ids: dict[int, list[int]] = defaultdict(list)
        for item in agenda.sessions:
            for person_id in dict.fromkeys(role.person.id for role in item.roles):
                session_ids[person_id].append(item.id)
        return _envelope(conference, release, lang,
                         people=[_person(p, session_ids[p.id], lang) for p in agenda.people])

    return _public_view(slug, build)


@bp.get("/conferences/<slug>/sub-themes")
def sub_themes(slug: str):
    def build(conference: Conference, release, lang: str) -> dict:
        agenda = public_agenda(release)
        counts: dict[int, int] = defaultdict(int)
        for item in agenda.sessions:
            if item.sub_theme is not None:
                counts[item.sub_theme.id] += 1
        return _envelope(conference, release, lang, sub_themes=[
            {"id": t.id, "code": t.code, "title": _text(t, "title", lang), "colour": t.colour,
             "session_count": counts[t.id]}
            for t in agenda.sub_themes
        ])

    return _public_view(slug, build)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
