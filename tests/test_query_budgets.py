"""Query budgets (issue 9, item 2): every page and export that lists things
issues the same number of SQL queries for a small and a large conference.

Two conferences are built the same way, one small and one large (sessions with
speakers and moderators, people, rooms, sub-themes, releases, registrations,
invitations, mails, audit entries, speaker tasks, team members, a personal
agenda…); each has its own organiser, who is also a speaker and an attendee in
it. Each URL is requested once to warm up, then counted, in both; the counts
must be equal. A page that grows with the data is marked xfail(strict) with
"N+1" and the two counts.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from eventapp.accounts.models import MembershipRole
from eventapp.accounts.services import grant_role
from eventapp.agenda.models import RoleKind, SessionKind
from eventapp.audit.services import record
from eventapp.extensions import cache, db
from eventapp.invitations.services import Invitee, invite_delegate, invite_speaker
from eventapp.people.models import Gender, Sector
from eventapp.portal import services as portal
from eventapp.portal.speaker_services import create_task, set_task_done


@dataclass(frozen=True)
class Size:
    sessions: int
    rooms: int
    themes: int
    releases: int  # the sessions are added in this many batches, each published
    registrations: int
    invitations: int
    speaker_invitations: int
    my_roles: int  # sessions in which the organiser speaks
    stars: int
    tasks: int
    team: int
    audit: int
    other_conferences: int  # more conferences for the organiser (/me)


SMALL = Size(sessions=3, rooms=3, themes=2, releases=1, registrations=3, invitations=3, speaker_invitations=1,
             my_roles=1, stars=1, tasks=1, team=1, audit=3, other_conferences=0)
LARGE = Size(sessions=40, rooms=8, themes=6, releases=4, registrations=60, invitations=40, speaker_invitations=5,
             my_roles=5, stars=8, tasks=6, team=6, audit=60, other_conferences=3)

GENDERS = [Gender.WOMAN, Gender.MAN, Gender.NOT_STATED]
SECTORS = list(Sector)


def build(make, size: Size, tag: str) -> dict:
    """A published conference of `size`, its organiser (a speaker and attendee
    there too), and the ids the URL templates need."""
    conference = make.conference(slug=f"budget-{tag}")
    conference.representation_public = True  # the public representation page
    organiser = make.organiser(conference, email=f"organiser-{tag}@example.org")
    for n in range(size.other_conferences):
        other = make.conference(slug=f"budget-{tag}-other-{n}")
        grant_role(organiser, other, MembershipRole.ORGANISER)
        make.registration(other, email=organiser.email)
    rooms = [make.room(conference, f"Ruang {tag} {n}", capacity=80) for n in range(size.rooms)]
    themes = [make.sub_theme(conference, code="ALPHA" if n == 0 else None) for n in range(size.themes)]
    people = [make.person(conference, f"Orang {tag} {n}", gender=GENDERS[n % 3], sector=SECTORS[n % len(SECTORS)],
                          email=f"orang{n}-{tag}@example.org")
              for n in range(size.sessions + 1)]
    me = make.person(conference, f"Saya {tag}", email=organiser.email, gender=Gender.WOMAN)

    # Sessions: one per room and hour, each with a speaker and a moderator (the next
    # session's speaker — a person-overlap warning, so the conflicts list grows too).
    sessions = []
    per_batch = -(-size.sessions // size.releases)
    for n in range(size.sessions):
        slot = n // size.rooms
        start = (8 + slot, 0)
        session = make.session(conference, start, (8 + slot, 50), room=rooms[n % size.rooms],
                               sub_theme=themes[n % size.themes], kind=SessionKind.PARALLEL,
                               title_id=f"Sesi {tag} {n}", title_en=f"Session {tag} {n}")
        make.role(session, people[n], RoleKind.SPEAKER)
        make.role(session, people[n + 1], RoleKind.MODERATOR)
        sessions.append(session)
        if (n + 1) % per_batch == 0 or n + 1 == size.sessions:
            make.publish(conference)
    # The organiser speaks in sessions of different hours (no room clash: an extra role).
    mine = [sessions[n * size.rooms] for n in range(size.my_roles)]
    for session in mine:
        make.role(session, me, RoleKind.SPEAKER)
    make.publish(conference)

    # Attendees (listed publicly, with answers for the insights), and the organiser's own registration.
    for n in range(size.registrations):
        make.registration(conference, email=f"peserta{n}-{tag}@example.org", sessions=[sessions[n % size.sessions]],
                          public_listing=True, gender=GENDERS[n % 3], sector=SECTORS[n % len(SECTORS)],
                          province="Jawa Barat" if n % 2 else "Bali", need_step_free=n % 3 == 0,
                          organisation=f"Lembaga {n}", full_name=f"Peserta {tag} {n}")
    make.registration(conference, email=organiser.email, sessions=[sessions[0]], public_listing=True)

    # The organiser's personal agenda: starred sessions.
    agenda = portal.personal_agenda(conference, organiser)
    for session in sessions[:size.stars]:
        portal.star(agenda, str(session.uid))
    feed = portal.feed_token(agenda)
    db.session.commit()

    # Invitations (each queues a mail and writes an audit entry).
    for n in range(size.invitations):
        invite_delegate(conference, Invitee(email=f"tamu{n}-{tag}@example.org", full_name=f"Tamu {n}",
                                            gender=GENDERS[n % 3], sector=SECTORS[n % len(SECTORS)]),
                        actor=organiser)
    for n in range(size.speaker_invitations):
        invite_speaker(conference, sessions[-1 - n], RoleKind.SPEAKER,
                       Invitee(email=f"pembicara{n}-{tag}@example.org", full_name=f"Pembicara {n}"), actor=organiser)
    db.session.commit()

    # The speakers' checklist, half of it ticked by the organiser-speaker.
    for n in range(size.tasks):
        task = create_task(conference, title_id=f"Tugas {n}", title_en=f"Task {n}", actor=organiser)
        if n % 2 == 0:
            set_task_done(task, me, True)
    # The team, and more audit entries.
    for n in range(size.team):
        member = make.user(email=f"tim{n}-{tag}@example.org")
        grant_role(member, conference, MembershipRole.VIEWER if n % 2 else MembershipRole.CHECKIN)
    for n in range(size.audit):
        record(conference, organiser, "test.entry", f"Entri {n}")
    db.session.commit()
    return {"slug": conference.slug, "user": organiser, "person": me.id, "feed": feed}


URLS = [
    # Public pages and exports.
    "/c/{slug}",
    "/c/{slug}/agenda",
    "/c/{slug}/now",
    "/c/{slug}/speakers",
    "/c/{slug}/speakers/{person}",
    "/c/{slug}/speakers/{person}.ics",
    "/c/{slug}/sub-themes",
    "/c/{slug}/sub-themes/ALPHA",
    "/c/{slug}/sub-themes/ALPHA.ics",
    "/c/{slug}/changes",
    "/c/{slug}/participants",
    "/c/{slug}/representation",
    "/c/{slug}/agenda.ics",
    "/c/{slug}/agenda.csv",
    "/c/{slug}/schedule.xml",
    "/c/{slug}/schedule.json",
    # The API.
    "/api/v1/conferences/{slug}",
    "/api/v1/conferences/{slug}/sessions",
    "/api/v1/conferences/{slug}/people",
    "/api/v1/conferences/{slug}/sub-themes",
    # Organiser pages and exports.
    "/manage/{slug}/",
    "/manage/{slug}/sessions",
    "/manage/{slug}/people",
    "/manage/{slug}/sub-themes",
    "/manage/{slug}/venues",
    "/manage/{slug}/invitations",
    "/manage/{slug}/invitations.csv",
    "/manage/{slug}/invitations/categories",
    "/manage/{slug}/registrations",
    "/manage/{slug}/registrations.csv",
    "/manage/{slug}/badges",
    "/manage/{slug}/checkin",
    "/manage/{slug}/checkin/counts.json",
    "/manage/{slug}/outbox",
    "/manage/{slug}/audit",
    "/manage/{slug}/builder",
    "/manage/{slug}/conflicts",
    "/manage/{slug}/releases",
    "/manage/{slug}/preview",
    "/manage/{slug}/insights",
    "/manage/{slug}/insights/accessibility",
    "/manage/{slug}/insights/report",
    "/manage/{slug}/insights/speakers-by-role.csv",
    "/manage/{slug}/insights/sessions.csv",
    "/manage/{slug}/insights/invitations.csv",
    "/manage/{slug}/insights/accessibility-sessions.csv",
    "/manage/{slug}/speaker-tasks",
    "/manage/{slug}/team",
    # Personal pages.
    "/me",
    "/c/{slug}/my/agenda",
    "/c/{slug}/my/sessions",
    "/c/{slug}/feed/{feed}.ics",
]

# Pages whose count grows with the data (a known N+1): url → (small, large). Empty: none.
N_PLUS_ONE: dict[str, tuple[int, int]] = {}


@pytest.fixture
def conferences(make):
    cache.clear()  # no page left in the in-process cache by an earlier test (ids are reused)
    return build(make, SMALL, "kecil"), build(make, LARGE, "besar")


def count(client, auth, count_queries, world: dict, template: str) -> int:
    url = template.format(**world)
    auth.login(world["user"])
    try:
        first = client.get(url)  # warm up (and check the page works)
        assert first.status_code == 200, f"{url}: {first.status_code}"
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return len(queries)
    finally:
        auth.logout()


def test_query_count_does_not_grow_with_the_data(client, auth, count_queries, conferences):
    """Every listing page and export: the same number of queries for the small and
    the large conference. One test over all URLs, so the data is built once; the
    failure lists every page that grew."""
    small, large = conferences
    grew = {}
    for url in URLS:
        counts = (count(client, auth, count_queries, small, url), count(client, auth, count_queries, large, url))
        if counts[0] != counts[1]:
            grew[url] = counts
    assert grew == N_PLUS_ONE, "queries (small, large) per page that grew with the data"


def test_the_large_conference_really_lists_more(client, auth, conferences):
    """The budgets mean something only if the large pages do show more."""
    small, large = conferences
    auth.login(large["user"])
    pages = {url: client.get(url.format(**large)).get_data(as_text=True) for url in (
        "/c/{slug}/agenda", "/c/{slug}/speakers", "/manage/{slug}/registrations", "/manage/{slug}/invitations",
        "/manage/{slug}/conflicts", "/manage/{slug}/audit", "/c/{slug}/my/agenda", "/c/{slug}/participants")}
    assert "Sesi besar 39" in pages["/c/{slug}/agenda"] and "Orang besar 40" in pages["/c/{slug}/speakers"]
    assert pages["/manage/{slug}/registrations"].count("Peserta besar ") >= 20
    assert pages["/manage/{slug}/invitations"].count("Tamu ") >= 20
    assert "Orang besar 12" in pages["/manage/{slug}/conflicts"]
    assert "Entri 59" in pages["/manage/{slug}/audit"]
    assert "Sesi besar 7" in pages["/c/{slug}/my/agenda"]
    assert pages["/c/{slug}/participants"].count("Peserta besar ") >= 20


@pytest.mark.parametrize("url", ["/", "/api/v1/conferences"])
def test_conference_lists_do_not_grow_with_the_number_of_conferences(client, count_queries, make, url):
    """The home page and the API's list: one conference, then seven (each published, with sessions)."""
    cache.clear()

    def add_conference() -> None:
        conference = make.conference()
        make.session(conference, room=make.room(conference), sub_theme=make.sub_theme(conference))
        make.publish(conference)

    def measure() -> int:  # uncached: the page is built from the database
        cache.clear()
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_conference()
    small = measure()
    for _ in range(6):
        add_conference()
    assert measure() == small
