"""The team page: invite, change roles, remove; the invitation mail; the
last-organiser rule; removal takes effect at the next request."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventapp.accounts.models import ConferenceMembership, MembershipRole, User
from eventapp.accounts.team import add_member, change_role, remove_member
from eventapp.audit.models import AuditEntry
from eventapp.errors import DomainError
from eventapp.extensions import db
from eventapp.mail.models import OutboxMessage

from ..checkers import validate_html

pytestmark = pytest.mark.usefixtures("english")  # they assert on English messages


@pytest.fixture
def conf(make):
    return make.conference(slug="konas", published=False)


@pytest.fixture
def boss(make, auth, conf):
    user = make.organiser(conf, email="boss@example.org")
    auth.login(user)
    return user


def memberships(conference) -> list[ConferenceMembership]:
    return list(db.session.scalars(select(ConferenceMembership).where(
        ConferenceMembership.conference_id == conference.id).order_by(ConferenceMembership.id)))


def mails(kind: str = "team_invitation") -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def membership_of(conference, email: str) -> ConferenceMembership:
    return db.session.scalar(select(ConferenceMembership).join(User, ConferenceMembership.user_id == User.id)
                             .where(ConferenceMembership.conference_id == conference.id, User.email == email))


def test_inviting_a_new_address_creates_a_link_only_account_and_mails_it(client, conf, boss):
    response = client.post("/manage/konas/team", data={"email": " New.Person@Example.org ", "role": "viewer"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/manage/konas/team")
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user is not None and user.password_hash is None
    membership = membership_of(conf, "new.person@example.org")
    assert membership.role is MembershipRole.VIEWER and membership.invited_by_id == boss.id
    [mail] = mails()
    assert mail.to_address == "new.person@example.org" and mail.conference_id == conf.id
    assert "http://eventapp.test/login/link" in mail.body_text
    assert "boss@example.org" in mail.body_text
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "team.add")) == 1
    page = client.get("/manage/konas/team").get_data(as_text=True)
    assert "new.person@example.org" in page and "boss@example.org" in page


def test_the_invited_person_signs_in_by_link_and_manages(client, conf, boss, auth):
    from eventapp.mail.services import unseal

    client.post("/manage/konas/team", data={"email": "helper@example.org", "role": "organiser"})
    auth.logout()
    assert client.post("/login/link", data={"email": "helper@example.org"}).status_code == 200
    [link_mail] = mails("sign_in_link")
    assert link_mail.to_address == "helper@example.org"
    assert client.post(f"/login/link/{unseal(link_mail.secret)}").status_code == 303
    assert client.get("/manage/konas/team").status_code == 200


def test_inviting_an_existing_user_keeps_their_account(client, make, conf, boss):
    existing = make.user(email="known@example.org")
    hashed = existing.password_hash
    response = client.post("/manage/konas/team", data={"email": "KNOWN@example.org", "role": "checkin"})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(User)) == 2
    db.session.refresh(existing)
    assert existing.password_hash == hashed
    assert membership_of(conf, "known@example.org").role is MembershipRole.CHECKIN
    [mail] = mails()
    assert "/manage/konas/checkin" in mail.body_text


def test_someone_already_on_the_team_is_refused_with_one_row(client, make, conf, boss):
    for _ in range(2):  # a double submit
        response = client.post("/manage/konas/team", data={"email": "twice@example.org", "role": "viewer"})
    assert response.status_code == 422
    assert "This person is already on the team." in response.get_data(as_text=True)
    assert 'value="twice@example.org"' in response.get_data(as_text=True)
    assert len(memberships(conf)) == 2
    assert len(mails()) == 1
    response = client.post("/manage/konas/team", data={"email": "boss@example.org", "role": "viewer"})
    assert response.status_code == 422
    assert membership_of(conf, "boss@example.org").role is MembershipRole.ORGANISER


def test_double_insert_meets_the_unique_constraint(make, conf):
    """Two requests at once: the second insert fails in the database, the
    service turns it into the same message (the check before it saw nothing)."""
    boss = make.organiser(conf)
    add_member(conf, "race@example.org", MembershipRole.VIEWER, actor=boss, language="id")
    db.session.commit()
    user = db.session.scalar(select(User).where(User.email == "race@example.org"))
    conference_id, user_id, email = conf.id, user.id, user.email
    db.session.expunge_all()
    # Bypass the service's own check: insert directly as a racing request would.
    from eventapp.accounts import team

    real = team.db.session.scalar
    calls = []

    def blind(statement, *args, **kwargs):  # the "already a member?" query finds nothing
        if "conference_membership.id" in str(statement) and not calls:
            calls.append(1)
            return None
        return real(statement, *args, **kwargs)

    team.db.session.scalar = blind
    try:
        with pytest.raises(DomainError) as caught:
            add_member(db.session.get(type(conf), conference_id), email, MembershipRole.CHECKIN,
                       actor=None, language="id")
    finally:
        del team.db.session.scalar
    assert calls == [1]
    assert caught.value.field == "email"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ConferenceMembership)
                             .where(ConferenceMembership.user_id == user_id)) == 1
    assert len(mails()) == 1


def test_a_failed_invite_leaves_nothing_behind(make, conf):
    """The savepoints inside add_member do not commit the caller's work (SQLite)."""
    boss = make.organiser(conf)
    add_member(conf, "gone@example.org", MembershipRole.VIEWER, actor=boss, language="id")
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.email == "gone@example.org")) is None
    assert mails() == []


@pytest.mark.parametrize("email", ["", "not-an-address"])
def test_bad_address_is_refused(client, conf, boss, email):
    response = client.post("/manage/konas/team", data={"email": email, "role": "viewer"})
    assert response.status_code == 422
    assert len(memberships(conf)) == 1 and mails() == []


def test_unknown_role_is_refused(client, conf, boss):
    response = client.post("/manage/konas/team", data={"email": "a@example.org", "role": "admin"})
    assert response.status_code == 422
    assert len(memberships(conf)) == 1


def test_change_a_role(client, make, conf, boss):
    other = make.organiser(conf, email="other@example.org")
    membership = membership_of(conf, other.email)
    response = client.post(f"/manage/konas/team/{membership.id}/role", data={"role": "viewer"})
    assert response.status_code == 303
    db.session.refresh(membership)
    assert membership.role is MembershipRole.VIEWER
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "team.role")) == "team.role"


def test_the_last_organiser_cannot_be_demoted_or_removed(client, make, conf, boss):
    mine = membership_of(conf, boss.email)
    make.user(email="v@example.org")
    response = client.post(f"/manage/konas/team/{mine.id}/role", data={"role": "viewer"})
    assert response.status_code == 422
    assert "A conference needs at least one organiser." in response.get_data(as_text=True)
    response = client.post(f"/manage/konas/team/{mine.id}/remove")
    assert response.status_code == 422
    assert "A conference needs at least one organiser." in response.get_data(as_text=True)
    db.session.expire_all()
    assert membership_of(conf, boss.email).role is MembershipRole.ORGANISER


def test_services_keep_an_organiser(make, conf):
    boss = make.organiser(conf)
    membership = membership_of(conf, boss.email)
    with pytest.raises(DomainError, match="at least one organiser"):
        change_role(membership, MembershipRole.CHECKIN, actor=boss)
    with pytest.raises(DomainError, match="at least one organiser"):
        remove_member(membership, actor=boss)
    helper = add_member(conf, "helper@example.org", MembershipRole.ORGANISER, actor=boss, language="en")
    remove_member(membership, actor=helper.user)
    assert [m.user.email for m in memberships(conf)] == ["helper@example.org"]


def test_removed_organiser_loses_access_at_the_next_request(client, make, auth, conf, boss):
    other = make.organiser(conf, email="other@example.org")
    membership = membership_of(conf, other.email)
    page = client.get(f"/manage/konas/team/{membership.id}/remove")
    assert page.status_code == 200 and "other@example.org" in page.get_data(as_text=True)
    auth.logout()
    auth.login(other)
    assert client.get("/manage/konas/").status_code == 200
    # The boss removes them (another browser): the same session, same user, next request → 404.
    remove_member(membership, actor=boss)
    db.session.commit()
    assert client.get("/manage/konas/").status_code == 404
    assert client.get("/manage/konas/team").status_code == 404
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "team.remove")) == "team.remove"


def test_remove_through_the_confirmation_page(client, make, conf, boss):
    other = make.organiser(conf, email="other@example.org")
    membership = membership_of(conf, other.email)
    response = client.post(f"/manage/konas/team/{membership.id}/remove")
    assert response.status_code == 303
    assert [m.user.email for m in memberships(conf)] == ["boss@example.org"]
    assert db.session.get(User, other.id) is not None  # the account stays


def test_removing_yourself_leads_home(client, make, conf, boss):
    make.organiser(conf, email="other@example.org")
    mine = membership_of(conf, boss.email)
    response = client.post(f"/manage/konas/team/{mine.id}/remove")
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    assert client.get("/manage/konas/team").status_code == 404


def test_membership_of_another_conference_is_not_found(client, make, conf, boss):
    elsewhere = make.conference(slug="lain")
    stranger = make.organiser(elsewhere, email="stranger@example.org")
    membership = membership_of(elsewhere, stranger.email)
    assert client.get(f"/manage/konas/team/{membership.id}/remove").status_code == 404
    assert client.post(f"/manage/konas/team/{membership.id}/remove").status_code == 404
    assert client.post(f"/manage/konas/team/{membership.id}/role", data={"role": "viewer"}).status_code == 404
    assert len(memberships(elsewhere)) == 1


def test_team_page_queries_do_not_grow_with_members(client, make, auth, count_queries):
    def build(members: int):
        conference = make.conference(published=False)
        inviter = make.organiser(conference)
        for n in range(members):
            add_member(conference, f"m{n}-{conference.slug}@example.org", MembershipRole.VIEWER,
                       actor=inviter, language="id")
        db.session.commit()
        return conference

    small, large = build(1), build(12)
    auth.login(make.organiser(small, large))
    with count_queries() as few:
        assert client.get(f"/manage/{small.slug}/team").status_code == 200
    with count_queries() as many:
        assert client.get(f"/manage/{large.slug}/team").status_code == 200
    assert len(many) == len(few)


def test_pages_and_mail_are_valid_html(client, make, conf, boss, tmp_path):
    other = make.organiser(conf, email="other@example.org")
    client.post("/manage/konas/team", data={"email": "v@example.org", "role": "viewer"})
    membership = membership_of(conf, other.email)
    pages = {
        "team.html": client.get("/manage/konas/team").data,
        "team-error.html": client.post("/manage/konas/team", data={"email": "x", "role": "viewer"}).data,
        "remove.html": client.get(f"/manage/konas/team/{membership.id}/remove").data,
        "mail.html": mails()[0].body_html.encode(),
    }
    assert validate_html(pages, tmp_path) == []
