"""The representation figures, computed by SQL aggregation."""
from __future__ import annotations

from eventapp.agenda.models import RoleKind, SessionKind
from eventapp.agenda.releases import latest_release
from eventapp.insights import queries
from eventapp.invitations import services as invitations
from eventapp.people.models import Gender, Sector
from eventapp.registration.models import Registration, RegistrationStatus


def panel(make, conf, *people, hour=9, sub_theme=None):
    session = make.session(conf, (hour, 0), (hour + 1, 0), sub_theme=sub_theme)
    for person, role in people:
        make.role(session, person, role)
    return session


def test_speaker_shares_flags_and_sector_mix(make):
    conf = make.conference()
    theme = make.sub_theme(conf, code="PS")
    ani = make.person(conf, "Ani", gender=Gender.WOMAN, sector=Sector.CIVIL_SOCIETY)
    budi = make.person(conf, "Budi", gender=Gender.MAN, sector=Sector.CENTRAL_GOVERNMENT)
    cipto = make.person(conf, "Cipto", gender=Gender.MAN, sector=Sector.CENTRAL_GOVERNMENT)
    dedi = make.person(conf, "Dedi", gender=Gender.MAN, sector=Sector.ACADEMIA)
    eka = make.person(conf, "Eka", gender=Gender.NOT_STATED, sector=Sector.MEDIA)
    mixed = panel(make, conf, (ani, RoleKind.SPEAKER), (budi, RoleKind.SPEAKER), (dedi, RoleKind.MODERATOR),
                  sub_theme=theme)
    manel = panel(make, conf, (budi, RoleKind.KEYNOTE), (cipto, RoleKind.SPEAKER), (ani, RoleKind.MODERATOR),
                  hour=11)
    solo = panel(make, conf, (dedi, RoleKind.SPEAKER), hour=13)  # one speaker: not a panel
    mixed_sectors = panel(make, conf, (dedi, RoleKind.SPEAKER), (eka, RoleKind.SPEAKER), hour=15)

    report = queries.speaker_report(conf)
    assert report.by_role["speaker"].counts == {"woman": 1, "man": 4, "not_stated": 1}  # seats
    assert report.by_role["keynote"].counts == {"man": 1}
    assert report.by_role["moderator"].counts == {"man": 1, "woman": 1}
    assert report.by_role["speaker"].share("woman") == 1 / 5  # "not stated" is not in the base
    assert report.people.counts == {"woman": 1, "man": 3, "not_stated": 1}
    assert report.sectors.get("central_government") == 3 and report.sectors.get("media") == 1
    assert report.panels == 3
    # No woman speaking: the "manel", and a panel whose other speaker did not state a gender.
    assert report.all_male_panels == [manel.id, mixed_sectors.id]
    assert report.single_sector_panels == [manel.id]  # Budi and Cipto: both central government
    assert solo.id not in report.all_male_panels
    assert mixed.id not in report.all_male_panels and mixed_sectors.id not in report.single_sector_panels
    assert report.by_sub_theme[theme.id]["speaking"].counts == {"woman": 1, "man": 1}
    assert report.by_sub_theme[theme.id]["moderator"].counts == {"man": 1}

    balance = queries.session_balance(manel)
    assert balance.all_male and balance.single_sector


def test_the_public_figures_come_from_the_release_and_leave_invited_people_out(make):
    conf = make.conference(contact_email="panitia@example.org")
    ani = make.person(conf, "Ani", gender=Gender.WOMAN, email="ani@example.org")
    budi = make.person(conf, "Budi", gender=Gender.MAN)
    cipto = make.person(conf, "Cipto", gender=Gender.MAN)
    session = panel(make, conf, (budi, RoleKind.SPEAKER), (cipto, RoleKind.SPEAKER))
    invitations.invite_speaker(conf, session, RoleKind.SPEAKER, invitations.Invitee(
        email="ani@example.org", full_name="Ani"), respond_by=None)
    make.publish(conf)
    public = queries.release_speaker_report(latest_release(conf).snapshot)
    assert public.by_role["speaker"].counts == {"man": 2}
    assert public.all_male_panels == [session.id]
    draft = queries.speaker_report(conf)  # the organisers see the planned (invited) speaker too
    assert draft.by_role["speaker"].counts == {"man": 2, "woman": 1}
    assert draft.all_male_panels == []
    assert ani.id


def test_participation_and_needs_count_confirmed_attendees_only(make):
    conf = make.conference()
    room = make.room(conf, "Ruang A")
    parallel = make.session(conf, (10, 0), (12, 0), room=room, kind=SessionKind.PARALLEL)
    make.registration(conf, "a@example.org", sessions=[parallel], gender=Gender.WOMAN, sector=Sector.MEDIA,
                      province="Bali", need_sign_language=True)
    make.registration(conf, "b@example.org", gender=Gender.MAN, province="Bali", need_step_free=True,
                      needs_other="Kursi roda")
    make.registration(conf, "c@example.org", gender=Gender.WOMAN, status=RegistrationStatus.WAITING,
                      need_sign_language=True)
    arrived = make.registration(conf, "d@example.org", gender=Gender.WOMAN, province="Papua")
    from eventapp.db_types import utcnow
    from eventapp.extensions import db

    arrived.checked_in_at = utcnow()
    db.session.commit()
    gender = queries.participation(conf, Registration.gender)
    assert gender.registered.counts == {"woman": 2, "man": 1}
    assert gender.checked_in.counts == {"woman": 1, "man": 0}
    assert queries.participation(conf, Registration.province).registered.counts == {"Bali": 2, "Papua": 1}
    overall = queries.needs_overall(conf)
    assert overall["total"] == 3 and overall["need_sign_language"] == 1
    assert overall["need_step_free"] == 1 and overall["needs_other"] == 1
    assert queries.needs_by_session(conf) == {parallel.id: {
        "total": 1, "need_step_free": 0, "need_sign_language": 1, "need_captions": 0,
        "need_large_print": 0, "need_assistant": 0, "needs_other": 0}}


def test_invitations_by_category(make):
    conf = make.conference(contact_email="panitia@example.org")
    heads = invitations.create_category(conf, "Kepala daerah", 10)
    for n, answer in enumerate((True, True, False, None)):
        invitation, _created = invitations.invite_delegate(conf, invitations.Invitee(
            email=f"bupati{n}@example.org", full_name=f"Bupati {n}"), category=heads, respond_by=None)
        if answer is not None:
            invitations.respond(invitation, answer)
    from eventapp.extensions import db

    db.session.commit()
    [row] = queries.invitations_by_category(conf)
    assert (row.name, row.quota, row.invited, row.accepted, row.declined, row.attended) == (
        "Kepala daerah", 10, 4, 2, 1, 0)


def test_small_counts_are_suppressed():
    assert [queries.suppressed(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
