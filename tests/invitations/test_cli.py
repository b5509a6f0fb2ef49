"""`flask --app eventapp invitations remind [--conference slug]`, for a daily scheduled job."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from eventapp.db_types import utcnow
from eventapp.extensions import db
from eventapp.invitations.models import Invitation
from eventapp.invitations.services import Invitee, invite_delegate, respond, revoke
from eventapp.mail.models import OutboxMessage


def reminders_to() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(
        select(OutboxMessage.to_address).where(OutboxMessage.kind == "invitation_reminder")))


def invite(conference, email: str, *, sent_days_ago: int = 3) -> Invitation:
    invitation, _created = invite_delegate(conference, Invitee(email=email, full_name=email.split("@")[0]))
    invitation.last_sent_at = utcnow() - timedelta(days=sent_days_ago)
    db.session.commit()
    return invitation


@pytest.fixture
def konas(make):
    return make.conference(slug="konas", starts_on=date(2027, 3, 10))


def test_reminds_only_who_has_not_answered_in_time(runner, konas):
    invite(konas, "due@example.org")
    invite(konas, "never-sent@example.org").last_sent_at = None
    db.session.commit()
    invite(konas, "recent@example.org", sent_days_ago=1)  # had a message yesterday
    expired = invite(konas, "expired@example.org")
    expired.respond_by = utcnow() - timedelta(minutes=1)
    respond(invite(konas, "accepted@example.org"), True)
    respond(invite(konas, "declined@example.org"), False)
    revoke(invite(konas, "revoked@example.org"))
    db.session.commit()

    result = runner.invoke(args=["invitations", "remind"])
    assert result.exit_code == 0, result.output
    assert reminders_to() == ["due@example.org", "never-sent@example.org"]
    assert "konas: 2 reminder(s) queued" in result.output
    assert "2 reminder(s) queued in all" in result.output
    counts = dict(db.session.execute(select(Invitation.email, Invitation.reminder_count)).all())
    assert counts["due@example.org"] == 1 and counts["recent@example.org"] == 0
    assert counts["expired@example.org"] == 0 and counts["accepted@example.org"] == 0

    # Run again straight away (e.g. the job ran twice): nobody is reminded twice.
    again = runner.invoke(args=["invitations", "remind"])
    assert again.exit_code == 0, again.output
    assert "0 reminder(s) queued in all" in again.output
    assert reminders_to() == ["due@example.org", "never-sent@example.org"]


def test_one_conference_only(runner, make, konas):
    other = make.conference(slug="lain", starts_on=date(2027, 3, 10))
    invite(konas, "ani@example.org")
    invite(other, "budi@example.org")
    result = runner.invoke(args=["invitations", "remind", "--conference", "lain"])
    assert result.exit_code == 0, result.output
    assert reminders_to() == ["budi@example.org"]
    assert "lain: 1 reminder(s) queued" in result.output and "konas" not in result.output
    # A named conference with nobody due still says so.
    result = runner.invoke(args=["invitations", "remind", "--conference", "lain"])
    assert "lain: 0 reminder(s) queued" in result.output


def test_every_conference_by_default(runner, make, konas):
    other = make.conference(slug="lain", starts_on=date(2027, 3, 10))
    invite(konas, "ani@example.org")
    invite(other, "budi@example.org")
    invite(other, "citra@example.org")
    result = runner.invoke(args=["invitations", "remind"])
    assert result.exit_code == 0, result.output
    assert "konas: 1 reminder(s) queued" in result.output and "lain: 2 reminder(s) queued" in result.output
    assert "3 reminder(s) queued in all" in result.output
    assert reminders_to() == ["ani@example.org", "budi@example.org", "citra@example.org"]


def test_unknown_conference_is_an_error(runner, konas):
    invite(konas, "ani@example.org")
    result = runner.invoke(args=["invitations", "remind", "--conference", "tidak-ada"])
    assert result.exit_code != 0
    assert "tidak-ada" in result.output
    assert reminders_to() == []
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # the invitation only
