from sqlalchemy import func, select

from eventapp.accounts.models import ConferenceMembership, MembershipRole, User
from eventapp.extensions import db


def users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_create_organiser_for_a_conference(runner, client, make, auth):
    conference = make.conference(slug="konas", published=False)
    result = runner.invoke(
        args=["users", "create-organiser", "Ani@Example.org", "--password", "panjang sekali", "--conference", "konas"]
    )
    assert result.exit_code == 0, result.output
    assert "ani@example.org can manage: konas" in result.output
    user = db.session.scalar(select(User))
    assert user.email == "ani@example.org" and user.is_organiser_of(conference)
    # and the account really signs in and sees the draft
    auth.login(user, "panjang sekali")
    assert client.get("/c/konas").status_code == 200


def test_password_is_prompted_when_not_given(runner, make):
    make.conference(slug="konas")
    result = runner.invoke(
        args=["users", "create-organiser", "ani@example.org", "--conference", "konas"],
        input="panjang sekali\npanjang sekali\n",
    )
    assert result.exit_code == 0, result.output
    assert users() == 1


def test_running_again_updates_instead_of_duplicating(runner, make):
    make.conference(slug="a")
    make.conference(slug="b")
    for slug in ("a", "b", "a"):
        result = runner.invoke(
            args=["users", "create-organiser", "ani@example.org", "--password", "panjang sekali", "--conference", slug]
        )
        assert result.exit_code == 0, result.output
    assert users() == 1
    assert db.session.scalar(select(func.count()).select_from(ConferenceMembership)) == 2


def test_unknown_conference_and_short_password_are_refused_cleanly(runner, make):
    make.conference(slug="konas")
    result = runner.invoke(
        args=["users", "create-organiser", "ani@example.org", "--password", "panjang sekali", "--conference", "nope"]
    )
    assert result.exit_code != 0 and "no conference with slug: nope" in result.output
    result = runner.invoke(
        args=["users", "create-organiser", "ani@example.org", "--password", "short", "--conference", "konas"]
    )
    assert result.exit_code != 0 and "10" in result.output
    assert users() == 0


def test_check_in_staff_account_gets_the_desk_only(runner, client, make, auth):
    conference = make.conference(slug="konas")
    result = runner.invoke(
        args=["users", "create-organiser", "Staf@Example.org", "--password", "panjang sekali",
              "--conference", "konas", "--role", "checkin"]
    )
    assert result.exit_code == 0, result.output
    assert "staf@example.org can use the check-in desk of: konas" in result.output
    user = db.session.scalar(select(User))
    membership = db.session.scalar(select(ConferenceMembership))
    assert membership.role is MembershipRole.CHECKIN
    assert not user.is_organiser_of(conference) and conference.can_check_in(user)
    auth.login(user, "panjang sekali")
    assert client.get("/manage/konas/checkin").status_code == 200
    assert client.get("/manage/konas/").status_code == 404


def test_role_option_turns_staff_into_organiser_and_refuses_unknown_roles(runner, make):
    make.conference(slug="konas")
    for role in ("checkin", "organiser"):
        result = runner.invoke(
            args=["users", "create-organiser", "staf@example.org", "--password", "panjang sekali",
                  "--conference", "konas", "--role", role]
        )
        assert result.exit_code == 0, result.output
    assert db.session.scalar(select(ConferenceMembership)).role is MembershipRole.ORGANISER
    assert db.session.scalar(select(func.count()).select_from(ConferenceMembership)) == 1
    result = runner.invoke(
        args=["users", "create-organiser", "x@example.org", "--password", "panjang sekali", "--role", "admin"]
    )
    assert result.exit_code != 0 and "admin" in result.output
    assert users() == 1
