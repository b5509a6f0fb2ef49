"""`flask archive export` and `flask archive import`."""
from __future__ import annotations

import json

from sqlalchemy import delete, func, select

from eventapp.conferences.models import Conference
from eventapp.extensions import db

from .rich import build_rich_conference


def _empty_database() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


def test_export_to_a_file_then_import_it(runner, tmp_path):
    conference = build_rich_conference()
    slug, sessions = conference.slug, len(conference.sessions)
    path = tmp_path / "archive.json"

    result = runner.invoke(args=["archive", "export", slug, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text(encoding="utf-8"))["conference"]["slug"] == slug

    _empty_database()
    result = runner.invoke(args=["archive", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"/manage/{slug}/" in result.output
    db.session.expire_all()
    imported = db.session.scalar(select(Conference).where(Conference.slug == slug))
    assert imported is not None and len(imported.sessions) == sessions


def test_export_to_standard_output(runner):
    conference = build_rich_conference()
    result = runner.invoke(args=["archive", "export", conference.slug])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["format"] == "eventapp-archive" and data["conference"]["title_id"] == conference.title_id


def test_export_of_an_unknown_conference_fails(runner):
    result = runner.invoke(args=["archive", "export", "tidak-ada"])
    assert result.exit_code == 1 and "no conference 'tidak-ada'" in result.output


def test_import_refusals_are_explained_and_write_nothing(runner, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{\"format\": ", encoding="utf-8")
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format": "eventapp-archive", "version": 99}), encoding="utf-8")

    result = runner.invoke(args=["archive", "import", str(broken)])
    assert result.exit_code == 1 and "JSON" in result.output
    result = runner.invoke(args=["archive", "import", str(newer)])
    assert result.exit_code == 1 and "99" in result.output
    assert db.session.scalar(select(func.count()).select_from(Conference)) == 0
