from sqlalchemy import func, select

from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind
from eventapp.conferences.models import Conference
from eventapp.demo import DEMO_SLUG, load_demo
from eventapp.extensions import db
from eventapp.models import Person, Room, SessionRole, SubTheme, Venue

TABLES = (Conference, Venue, Room, SubTheme, AgendaSession, Person, SessionRole)


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def test_demo_builds_the_reference_conference():
    conference, created = load_demo()
    db.session.commit()
    assert created and conference.is_published
    assert conference.timezone == "Asia/Jakarta"
    assert conference.starts_on.isoformat() == "2019-11-27"
    assert "Sinergi Masyarakat Sipil, Pemerintah dan Parlemen" in conference.theme_id
    assert [v.name for v in conference.venues] == ["Hotel Pullman Jakarta"]
    assert len(conference.sub_themes) == 5

    kinds = [s.kind for s in conference.sessions]
    assert SessionKind.OPENING in kinds and SessionKind.CLOSING in kinds and SessionKind.BREAK in kinds
    parallel = [s for s in conference.sessions if s.kind is SessionKind.PARALLEL]
    assert len(parallel) == 5
    assert len({s.starts_at for s in parallel}) == 1  # side by side
    assert len({s.room_id for s in parallel}) == 5  # in five rooms
    assert {s.sub_theme.code for s in parallel} == {t.code for t in conference.sub_themes}

    social = next(s for s in parallel if "Perlindungan Sosial" in s.sub_theme.title_id)
    organisations = [p.organisation for p in social.speakers]
    assert social.speakers[0].display_name == "H. Ilham Azikin"
    assert social.speakers[0].position.startswith("Bupati Bantaeng")
    for named in ("Kementerian PPN/Bappenas", "DPR RI", "BPJS Watch", "PERMAMPU", "Serikat PEKKA"):
        assert named in organisations
    assert len(social.moderators) == 1


def test_invented_people_are_marked_as_demo():
    conference, _ = load_demo()
    real = [p.full_name for p in conference.people if not p.is_demo]
    assert real == ["Ilham Azikin"]


def test_loading_twice_changes_nothing(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and "loaded" in first.output
    before = counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert counts() == before


def test_demo_next_to_other_conferences_loses_nothing(runner, make):
    other = make.conference(slug="konferensi-lain", title_id="Konferensi Lain")
    make.session(other)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.get(Conference, other.id).title_id == "Konferensi Lain"
    assert len(other.sessions) == 1
    assert counts()["Conference"] == 2


def test_if_empty_skips_a_database_that_has_conferences(runner, make):
    make.conference()
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "not loaded" in result.output
    assert db.session.scalar(select(Conference).where(Conference.slug == DEMO_SLUG)) is None


def test_a_foreign_conference_with_the_demo_slug_is_left_alone(runner, make):
    make.conference(slug=DEMO_SLUG, title_id="Bukan Demo")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "left as it is" in result.output
    assert counts()["AgendaSession"] == 0


def test_demo_page_shows_the_panel(client):
    load_demo()
    db.session.commit()
    page = client.get(f"/c/{DEMO_SLUG}").get_data(as_text=True)
    assert "H. Ilham Azikin" in page
    assert "Bupati Bantaeng" in page
    assert "10.30–12.30 WIB" in page
    assert page.count('class="session session-parallel') == 5  # (a theme-<id> class follows)
    # the five parallel sessions share one time slot, shown once
    assert page.count("10.30–12.30 WIB") == 1 and "5 sesi paralel" in page
    assert "Rabu, 27 November 2019" in page


def test_rapporteurs_report_back_in_the_plenary():
    conference, _ = load_demo()
    plenary = next(s for s in conference.sessions if s.kind is SessionKind.PLENARY)
    assert len(plenary.people_in(RoleKind.RAPPORTEUR)) == 5


def test_demo_agenda_is_published_as_v1_without_conflicts():
    from eventapp.agenda.conflicts import find_conflicts
    from eventapp.agenda.releases import draft_status

    conference, _ = load_demo()
    db.session.commit()
    assert find_conflicts(conference).conflicts == []
    status = draft_status(conference)
    assert status.release.number == 1 and not status.differs
    breaks = [s for s in conference.sessions if s.kind is SessionKind.BREAK]
    assert breaks and all(s.spans_all_rooms for s in breaks)


def test_demo_has_registrations_with_choices_and_check_ins(runner):
    from eventapp.registration.models import Registration, RegistrationStatus

    assert runner.invoke(args=["demo"]).exit_code == 0
    rows = db.session.scalars(select(Registration).where(Registration.source == "public")).all()
    assert len(rows) == 8 and all(r.status is RegistrationStatus.CONFIRMED for r in rows)
    assert sum(1 for r in rows if r.checked_in_at) == 3
    assert sum(len(r.choices) for r in rows) == 7
