"""The organiser's audit log page: content, order, pagination, filters, queries."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db

from ..checkers import validate_html

START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 09.00 WIB


def log(conference, user, action: str, summary: str, minutes: int = 0) -> AuditEntry:
    entry = AuditEntry(
        conference_id=conference.id, user_id=user.id if user else None, action=action,
        summary=summary, created_at=START + timedelta(minutes=minutes),
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def rows(response) -> list[list[str]]:
    """The table's rows as lists of cell texts."""
    page = response.get_data(as_text=True)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def conf(make):
    return make.conference(published=False)


@pytest.fixture
def organiser(make, auth, conf):
    user = make.organiser(conf, email="panitia@example.org")
    auth.login(user)
    return user


def test_log_lists_entries_newest_first_in_the_conference_zone(client, conf, organiser, make):
    log(conf, organiser, "session.create", "Created session “Pembukaan”", minutes=0)
    log(conf, None, "release.publish", "Published agenda v1", minutes=90)
    other = make.conference()
    log(other, None, "session.create", "Created session “Rahasia”")
    response = client.get(f"/manage/{conf.slug}/audit")
    assert response.status_code == 200
    assert rows(response) == [
        ["10 Mar 2026 10.30 WIB", "sistem", "release.publish", "Published agenda v1"],
        ["10 Mar 2026 09.00 WIB", "panitia@example.org", "session.create", "Created session “Pembukaan”"],
    ]
    assert "Rahasia" not in response.get_data(as_text=True)


def test_log_shows_an_empty_state(client, conf, organiser):
    response = client.get(f"/manage/{conf.slug}/audit")
    assert response.status_code == 200
    assert rows(response) == []
    assert 'class="empty"' in response.get_data(as_text=True)


def test_log_pages_by_fifty(client, conf, organiser):
    for n in range(60):
        log(conf, organiser, "session.update", f"Change {n}", minutes=n)
    first = client.get(f"/manage/{conf.slug}/audit")
    assert len(rows(first)) == 50
    assert rows(first)[0][3] == "Change 59"
    assert 'rel="next"' in first.get_data(as_text=True)
    second = client.get(f"/manage/{conf.slug}/audit?page=2")
    assert [row[3] for row in rows(second)] == [f"Change {n}" for n in range(9, -1, -1)]
    assert 'rel="prev"' in second.get_data(as_text=True)


def test_log_filters_by_action_prefix_and_by_user(client, conf, organiser, make):
    colleague = make.organiser(conf, email="rekan@example.org")
    log(conf, organiser, "session.create", "A", minutes=1)
    log(conf, colleague, "import.people", "B", minutes=2)
    log(conf, None, "import.sessions", "C", minutes=3)
    log(conf, organiser, "sub_theme.create", "D", minutes=4)
    log(conf, organiser, "session", "E", minutes=5)

    def summaries(query: str) -> list[str]:
        response = client.get(f"/manage/{conf.slug}/audit?{query}")
        assert response.status_code == 200
        return [row[3] for row in rows(response)]

    assert summaries("") == ["E", "D", "C", "B", "A"]
    assert summaries("action=import") == ["C", "B"]
    assert summaries("action=session") == ["E", "A"]
    assert summaries("action=sub_theme") == ["D"]
    assert summaries("user=system") == ["C"]
    assert summaries(f"user={colleague.id}") == ["B"]
    assert summaries(f"action=import&user={colleague.id}") == ["B"]
    assert summaries("action=session&user=system") == []
    # Unknown filters are ignored, not errors.
    assert summaries("action=nothing&user=abc") == ["E", "D", "C", "B", "A"]
    assert summaries("action=release") == ["E", "D", "C", "B", "A"]  # not in this log
    page = client.get(f"/manage/{conf.slug}/audit?action=import").get_data(as_text=True)
    assert '<option value="import" selected>' in page
    assert '<option value="sub_theme">' in page
    assert "rekan@example.org</option>" in page


def test_an_empty_filter_result_says_so(client, conf, organiser):
    log(conf, organiser, "session.create", "A")
    response = client.get(f"/manage/{conf.slug}/audit?user=system")
    assert rows(response) == []
    assert 'class="empty"' in response.get_data(as_text=True)


def test_log_queries_do_not_grow_with_entries(client, make, auth, count_queries):
    def build(entries: int):
        conference = make.conference()
        users = [make.organiser(conference) for _ in range(3)]
        for n in range(entries):
            log(conference, users[n % 3], "session.update", f"Change {n}", minutes=n)
        return conference, users[0]

    (small, user_small), (large, user_large) = build(3), build(60)
    auth.login(user_small)
    with count_queries() as few:
        assert client.get(f"/manage/{small.slug}/audit").status_code == 200
    auth.logout()
    auth.login(user_large)
    with count_queries() as many:
        assert client.get(f"/manage/{large.slug}/audit").status_code == 200
    assert len(many) == len(few)


def test_an_import_appears_in_the_log(client, conf, organiser):
    response = client.post(f"/manage/{conf.slug}/import/confirm",
                           data={"kind": "people", "text": "full_name\nRina\n"})
    assert response.status_code == 303
    log_rows = rows(client.get(f"/manage/{conf.slug}/audit?action=import"))
    assert [(row[1], row[2]) for row in log_rows] == [("panitia@example.org", "import.people")]
    assert "Imported people from a CSV file: 1 row" in log_rows[0][3]


def test_log_page_is_valid_html(client, conf, organiser, tmp_path):
    for n in range(55):
        log(conf, organiser if n % 2 else None, "session.update", f"Change “{n}” & more", minutes=n)
    pages = {
        "audit.html": client.get(f"/manage/{conf.slug}/audit"),
        "audit-filtered.html": client.get(f"/manage/{conf.slug}/audit?action=session&user=system"),
        "audit-empty.html": client.get(f"/manage/{conf.slug}/audit?action=session&user={organiser.id}&page=9"),
    }
    assert all(r.status_code == 200 for r in pages.values())
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []
