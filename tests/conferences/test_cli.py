from sqlalchemy import select

from eventapp.conferences.models import Conference
from eventapp.extensions import db


def test_create_an_empty_conference_with_its_organiser(runner, make):
    user = make.user(email="ani@example.org")
    result = runner.invoke(args=[
        "conferences", "create", "konas-2026", "--title", "Konferensi Nasional 2026",
        "--starts", "2026-11-25", "--ends", "2026-11-26", "--timezone", "Asia/Makassar",
        "--organiser", "ani@example.org",
    ])
    assert result.exit_code == 0, result.output
    conference = db.session.scalar(select(Conference).where(Conference.slug == "konas-2026"))
    assert conference.timezone == "Asia/Makassar" and not conference.is_published
    assert (conference.ends_on - conference.starts_on).days == 1
    assert user.is_organiser_of(conference)


def test_bad_input_is_refused_and_creates_nothing(runner, make):
    for args in (
        ["Bad Slug", "--title", "X", "--starts", "2026-11-25"],
        ["ok-slug", "--title", "X", "--starts", "2026-11-25", "--ends", "2026-11-24"],
        ["ok-slug", "--title", "X", "--starts", "2026-11-25", "--organiser", "nobody@example.org"],
    ):
        result = runner.invoke(args=["conferences", "create", *args])
        assert result.exit_code != 0
    assert db.session.scalar(select(Conference)) is None
