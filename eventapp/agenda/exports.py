"""Exports of the public agenda: iCalendar, the frab / c3voc schedule (XML and
JSON) and CSV.

Pure functions: they take the conference and the sessions of a published
release (PublicAgenda, never the draft) and return the file's content. The
views in exports_views.py choose the release, the language and the URLs.
Labels (kinds, column headers) follow the current locale, so the views wrap
the call in flask_babel.force_locale(lang); content fields use `lang` with
the usual fallback to the other language.
"""
from __future__ import annotations

import io
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from icalendar import Calendar, Event, Timezone

from ..conferences.models import Conference
from ..csv_export import encode, safe_writer
from .releases import PublicAgenda, PublicPerson, PublicSession

UID_DOMAIN = "eventapp"
SCHEDULE_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIMESLOT_DURATION = "00:15"

SessionUrl = Callable[[PublicSession], "str | None"]


# --- shared pieces ----------------------------------------------------------------


def person_line(person: PublicPerson) -> str:
    """'Dr. Ani (Director, Bappenas)'."""
    return f"{person.display_name} ({person.affiliation})" if person.affiliation else person.display_name


def session_description(session: PublicSession, lang: str) -> str:
    """The abstract, then who speaks and who moderates."""
    lines = [session.local("abstract", lang)] if session.local("abstract", lang) else []
    people = []
    if session.speakers:
        people.append(ngettext("Speaker: %(names)s", "Speakers: %(names)s", len(session.speakers),
                               names="; ".join(person_line(p) for p in session.speakers)))
    if session.moderators:
        people.append(ngettext("Moderator: %(names)s", "Moderators: %(names)s", len(session.moderators),
                               names="; ".join(person_line(p) for p in session.moderators)))
    if people:
        lines.append("\n".join(people))
    return "\n\n".join(lines)


def room_label(session: PublicSession) -> str:
    if session.room is not None:
        return session.room.name
    return _("All rooms") if session.spans_all_rooms else ""


def sessions_of_person(agenda: PublicAgenda, person_id: int) -> list[PublicSession]:
    return [s for s in agenda.sessions if any(r.person.id == person_id for r in s.roles)]


def sessions_of_sub_theme(agenda: PublicAgenda, code: str) -> list[PublicSession]:
    return [s for s in agenda.sessions if s.sub_theme is not None and s.sub_theme.code == code]


def _local(instant: datetime, conference: Conference) -> datetime:
    return instant.astimezone(conference.zone)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- iCalendar -------------------------------------------------------------------------


def ical(
    conference: Conference, release, sessions: Iterable[PublicSession], *, lang: str, name: str,
    venue_by_room: dict[int, str] | None = None, session_url: SessionUrl | None = None,
) -> bytes:
    """A VCALENDAR of `sessions` with times in the conference's zone (TZID plus
    its VTIMEZONE). UIDs come from the session's stable uid, so a calendar that
    subscribed to an earlier release updates the events instead of duplicating
    them; SEQUENCE is the release number."""
    venue_by_room = venue_by_room or {}
    venues = {v for v in venue_by_room.values()}
    only_venue = next(iter(venues)) if len(venues) == 1 else ""
    sessions = list(sessions)
    zone = conference.zone

    calendar = Calendar()
    calendar.add("prodid", f"-//{UID_DOMAIN}//agenda {conference.slug}//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", conference.timezone)

    first = min([conference.starts_on] + [_local(s.starts_at, conference).date() for s in sessions])
    last = max([conference.ends_on] + [_local(s.ends_at, conference).date() for s in sessions])
    # Only the offsets around the conference: small, and quick to compute.
    calendar.add_component(Timezone.from_tzinfo(
        zone, tzid=conference.timezone, first_date=first - timedelta(days=1),
        last_date=last + timedelta(days=2),
    ))
    stamp = getattr(release, "created_at", None) or datetime.now(UTC)
    for s in sessions:
        event = Event()
        event.add("uid", f"{s.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", _local(s.starts_at, conference))
        event.add("dtend", _local(s.ends_at, conference))
        event.add("summary", s.local("title", lang))
        description = session_description(s, lang)
        if description:
            event.add("description", description)
        place = [room_label(s)]
        if s.room is not None:
            place.append(venue_by_room.get(s.room.id, only_venue))
        else:
            place.append(only_venue)
        location = ", ".join(part for part in place if part)
        if location:
            event.add("location", location)
        if s.sub_theme is not None:
            event.add("categories", [s.sub_theme.code])
        event.add("sequence", getattr(release, "number", 0) or 0)
        url = session_url(s) if session_url else None
        if url:
            event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical()


# --- frab / c3voc schedule -------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def acronym(conference: Conference) -> str:
    """The slug as the schemas want it: the XSD allows [a-z0-9_-]{4,} but the JSON
    schema allows no hyphen after the first character, so hyphens become
    underscores; short slugs are padded."""
    return re.sub(r"[^a-z0-9_]", "_", conference.slug.lower()).ljust(4, "_")


def _guid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, ":".join([UID_DOMAIN, *map(str, parts)])))


def _event_slug(prefix: str, session: PublicSession, lang: str) -> str:
    # Both schemas: "<acronym>-<id>-<title>", ASCII, unique through the id.
    tail = "-".join(part for part in (str(session.id), slugify(session.local("title", lang))[:60].strip("-")) if part)
    if len(tail) < 4:
        tail = f"session-{tail}"
    return f"{prefix}-{tail}"


def schedule(
    conference: Conference, release, agenda: PublicAgenda, *, lang: str,
    session_url: Callable[[PublicSession], str], conference_url: str, version: str = "",
) -> dict[str, Any]:
    """The schedule as the c3voc JSON schema describes it; schedule_xml() renders
    the same data as XML."""
    zone = conference.zone
    code = acronym(conference)
    by_day: dict[date, list[PublicSession]] = {}
    for s in sorted(agenda.sessions, key=lambda s: (s.starts_at, s.room.position if s.room else -1, s.id)):
        by_day.setdefault(_local(s.starts_at, conference).date(), []).append(s)
    days = set(by_day)
    day = conference.starts_on
    while day <= conference.ends_on:
        days.add(day)
        day += timedelta(days=1)

    unplaced = _("Room to be announced")
    first_room = agenda.rooms[0].name if agenda.rooms else unplaced

    def room_of(s: PublicSession) -> str:
        # Schedule apps show one room per event. A session that spans every room
        # (opening, breaks) goes in its own room when it has one, else in the
        # first room, so it is listed once and not once per room.
        if s.room is not None:
            return s.room.name
        return first_room if s.spans_all_rooms else unplaced

    room_guids = {r.name: _guid("room", r.id) for r in agenda.rooms}
    room_guids.setdefault(unplaced, _guid("conference", conference.id, "room", "none"))

    day_items = []
    for index, day in enumerate(sorted(days), start=1):
        sessions = by_day.get(day, [])
        if sessions:
            starts = _local(min(s.starts_at for s in sessions), conference)
            ends = _local(max(s.ends_at for s in sessions), conference)
        else:
            starts = datetime.combine(day, time(0), tzinfo=zone)
            ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        rooms: dict[str, list[dict[str, Any]]] = {r.name: [] for r in agenda.rooms}
        for s in sessions:
            rooms.setdefault(room_of(s), []).append(_event(s, conference, lang, code, room_of(s), session_url))
        day_items.append({
            "index": index, "date": day.isoformat(),
            "day_start": starts.isoformat(), "day_end": ends.isoformat(), "rooms": rooms,
        })

    info: dict[str, Any] = {
        "acronym": code,
        "title": conference.local("title", lang),
        "start": min(days).isoformat(),
        "end": max(days).isoformat(),
        "daysCount": len(days),
        "timeslot_duration": TIMESLOT_DURATION,
    }
    if re.match(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$", conference.timezone):
        info["time_zone_name"] = conference.timezone
    info["url"] = conference_url
    info["tracks"] = [
        {"name": t.local("title", lang) or t.code, "slug": slugify(t.code) or f"track-{t.id}", "color": t.colour}
        for t in agenda.sub_themes
    ]
    info["rooms"] = [{"name": name, "guid": guid} for name, guid in room_guids.items()
                     if any(name in d["rooms"] for d in day_items)]
    info["days"] = day_items
    return {
        "$schema": SCHEDULE_SCHEMA_URL,
        "generator": {"name": UID_DOMAIN, "version": version},
        "schedule": {
            "version": f"v{release.number}" if release is not None else "",
            "conference": info,
        },
    }


def _event(s: PublicSession, conference: Conference, lang: str, prefix: str, room: str,
           session_url: Callable[[PublicSession], str]) -> dict[str, Any]:
    starts, ends = _local(s.starts_at, conference), _local(s.ends_at, conference)
    minutes = int((s.ends_at - s.starts_at).total_seconds() // 60)
    seen: set[int] = set()
    persons = []
    for role in s.roles:
        if role.person.id not in seen:
            seen.add(role.person.id)
            # The frab person shape (id + public_name, no "name"): the JSON schema
            # wants exactly one of the frab and pretalx shapes to match.
            persons.append({"id": role.person.id, "public_name": role.person.display_name})
    return {
        "id": s.id,
        "guid": s.uid,
        "date": starts.isoformat(),
        "start": f"{starts:%H:%M}",
        "end": ends.isoformat(),
        "duration": _hhmm(minutes),
        "room": room,
        "slug": _event_slug(prefix, s, lang),
        "url": session_url(s),
        "title": s.local("title", lang),
        "subtitle": "",
        "track": (s.sub_theme.local("title", lang) or s.sub_theme.code) if s.sub_theme else "",
        "type": s.kind.value,
        "language": lang,
        "abstract": s.local("abstract", lang),
        "description": session_description(s, lang),
        "persons": persons,
        "links": [],
        "attachments": [],
    }


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TRACK_SLUG = re.compile(r"^[a-z][a-z0-9-]+$")
_XML_EVENT_FIELDS = ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract",
                     "slug", "track")


def schedule_xml(data: dict[str, Any]) -> bytes:
    """The same schedule in the frab XML format (schedule.xml.xsd)."""
    info = data["schedule"]["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=data["generator"]["name"], version=data["generator"]["version"])
    ET.SubElement(root, "version").text = data["schedule"]["version"]
    conf = ET.SubElement(root, "conference")
    for key, tag in (("title", "title"), ("acronym", "acronym"), ("start", "start"), ("end", "end"),
                     ("daysCount", "days"), ("timeslot_duration", "timeslot_duration"), ("url", "url"),
                     ("time_zone_name", "time_zone_name")):
        if key in info:
            ET.SubElement(conf, tag).text = str(info[key])
    for track in info["tracks"]:
        attrs = {"name": track["name"]}
        if _HEX_COLOUR.match(track["color"]):
            attrs["color"] = track["color"]
        if _TRACK_SLUG.match(track["slug"]):
            attrs["slug"] = track["slug"]
        ET.SubElement(conf, "track", attrs).text = track["name"]
    guids = {r["name"]: r["guid"] for r in info["rooms"]}
    for day in info["days"]:
        day_el = ET.SubElement(root, "day", index=str(day["index"]), date=day["date"],
                               start=day["day_start"], end=day["day_end"])
        for room_name, events in day["rooms"].items():
            room_el = ET.SubElement(day_el, "room", name=room_name)
            if room_name in guids:
                room_el.set("guid", guids[room_name])
            for event in events:
                event_el = ET.SubElement(room_el, "event", id=str(event["id"]), guid=event["guid"])
                for key in _XML_EVENT_FIELDS:
                    ET.SubElement(event_el, key).text = event[key] or ""
                persons = ET.SubElement(event_el, "persons")
                for person in event["persons"]:
                    ET.SubElement(persons, "person", id=str(person["id"])).text = person["public_name"]
                ET.SubElement(event_el, "language").text = event["language"]
                ET.SubElement(event_el, "description").text = event["description"] or ""
                ET.SubElement(event_el, "links")
                ET.SubElement(event_el, "attachments")
                if event["url"]:
                    ET.SubElement(event_el, "url").text = event["url"]
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# --- CSV -------------------------------------------------------------------------------

def agenda_csv(conference: Conference, sessions: Iterable[PublicSession], *, lang: str) -> bytes:
    """One row per session, times in the conference's zone; UTF-8 with a BOM so
    Excel reads the accents."""
    out = io.StringIO()
    writer = safe_writer(out)  # no cell can run as a formula (see csv_export)
    writer.writerow([_("Day"), _("Start"), _("End"), _("Time zone"), _("Title"), _("Kind"), _("Room"),
                     _("Sub-theme"), _("Speakers"), _("Moderators"), _("Abstract")])
    for s in sorted(sessions, key=lambda s: (s.starts_at, s.room.position if s.room else -1, s.id)):
        starts, ends = _local(s.starts_at, conference), _local(s.ends_at, conference)
        row = [
            starts.date().isoformat(), f"{starts:%H:%M}", f"{ends:%H:%M}", conference.timezone,
            s.local("title", lang), s.kind_label, room_label(s),
            (s.sub_theme.local("title", lang) or s.sub_theme.code) if s.sub_theme else "",
            "; ".join(p.display_name for p in s.speakers),
            "; ".join(p.display_name for p in s.moderators),
            s.local("abstract", lang),
        ]
        writer.writerow(row)
    return encode(out)
