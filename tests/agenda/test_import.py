"""CSV import of people and sessions: upload → preview (nothing written) →
confirm (everything or nothing), duplicates, rules at the right line."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import AgendaSession, RoleKind, SessionKind
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.people.models import Gender, Person, Sector

from ..checkers import validate_html

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def import_entries(conference) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.conference_id == conference.id,
                                 AuditEntry.action.startswith("import."))
    ))


@pytest.fixture
def conf(make, auth):
    """A conference on 10 March 2026 (WIB) with two rooms, a sub-theme and two
    people; signed in as its organiser."""
    conference = make.conference(published=False)
    make.room(conference, "Ruang Anggrek")
    make.room(conference, "Ruang Melati")
    make.sub_theme(conference, code="PS")
    make.person(conference, "Sri Wahyuni", email="sri@example.org")
    make.person(conference, "Budi Hartono", email="budi@example.org")
    auth.login(make.organiser(conference))
    return conference


def upload(client, conference, kind: str, content: str | bytes, filename: str = "data.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        f"/manage/{conference.slug}/import",
        data={"kind": kind, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def carried_text(response) -> str:
    """The CSV text the preview's confirm form carries back (as a browser would send it)."""
    match = re.search(r'<input[^>]*name="text"[^>]*value="([^"]*)"', response.get_data(as_text=True))
    assert match, "no confirm form on the page"
    return html.unescape(match[1]).replace("\n", "\r\n")


def confirm(client, conference, kind: str, text: str):
    return client.post(f"/manage/{conference.slug}/import/confirm", data={"kind": kind, "text": text})


def errors_on_page(response) -> list[tuple[int, str | None]]:
    """(line, column) of every problem in the preview's error summary."""
    page = response.get_data(as_text=True)
    summary = page.split('id="row-errors"', 1)[1].split("</div>", 1)[0] if 'id="row-errors"' in page else ""
    return [
        (int(line), column or None)
        for line, column in re.findall(r'href="#line-(\d+)">[^<]*</a>(?:, <code>([a-z_]+)</code>)?', summary)
    ]


PEOPLE = (
    "full_name,honorific,position,organisation,sector,gender,email,bio_id,bio_en\n"
    'Rina Kusumawati,Dr.,Peneliti,"Universitas Hasanuddin, Makassar",academia,woman,'
    "Rina@Example.org,Bio id,Bio en\n"
    "Agus Santoso,,Kepala Bidang,Dinas Tenaga Kerja,Masyarakat sipil,Man,,,\n"
)


# --- the page -------------------------------------------------------------------


def test_import_page_has_the_form_help_and_example_links(client, conf):
    response = client.get(f"/manage/{conf.slug}/import")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert f"/manage/{conf.slug}/import/example/people.csv" in page
    assert f"/manage/{conf.slug}/import/example/sessions.csv" in page
    assert "spans_all_rooms" in page and "full_name" in page  # the column help
    assert 'id="preview-heading"' not in page


@pytest.mark.parametrize("kind", ["people", "sessions"])
def test_example_files_download_as_csv(client, conf, kind):
    response = client.get(f"/manage/{conf.slug}/import/example/{kind}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data == (DOCS / f"import-example-{kind}.csv").read_bytes()


def test_example_files_import_into_the_demo_conference(client, make, auth):
    from eventapp.conferences.models import Conference
    from eventapp.demo import DEMO_SLUG, load_demo

    load_demo()
    demo = db.session.scalar(select(Conference).where(Conference.slug == DEMO_SLUG))
    db.session.commit()
    auth.login(make.organiser(demo))
    sessions_before = count(AgendaSession, AgendaSession.conference_id == demo.id)
    for kind in ("people", "sessions"):
        preview = upload(client, demo, kind, (DOCS / f"import-example-{kind}.csv").read_bytes())
        assert preview.status_code == 200, errors_on_page(preview)
        assert confirm(client, demo, kind, carried_text(preview)).status_code == 303
    assert count(AgendaSession, AgendaSession.conference_id == demo.id) == sessions_before + 3
    imported = db.session.scalar(
        select(AgendaSession).where(AgendaSession.title_id.startswith("Diskusi Lanjutan: Data"))
    )
    assert [(r.person.full_name, r.role) for r in imported.roles] == [
        ("Rina Kusumawati", RoleKind.SPEAKER), ("Ilham Azikin", RoleKind.SPEAKER),
        ("Dewi Anggraini", RoleKind.MODERATOR),
    ]


# --- people ------------------------------------------------------------------------


def test_people_preview_lists_every_row_and_writes_nothing(client, conf):
    response = upload(client, conf, "people", PEOPLE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="line-2"' in page and 'id="line-3"' in page
    assert "Dr. Rina Kusumawati" in page and "rina@example.org" in page
    assert 'id="count-rows">2<' in page and 'id="count-problems">0<' in page
    assert 'id="confirm-import"' in page
    assert count(Person, Person.conference_id == conf.id) == 2
    assert import_entries(conf) == []


def test_people_confirm_imports_every_row_with_an_audit_entry(client, conf):
    preview = upload(client, conf, "people", PEOPLE)
    response = confirm(client, conf, "people", carried_text(preview))
    assert response.status_code == 303
    rina = db.session.scalar(select(Person).where(Person.full_name == "Rina Kusumawati"))
    assert (rina.honorific, rina.organisation, rina.sector, rina.gender, rina.email, rina.bio_en) == (
        "Dr.", "Universitas Hasanuddin, Makassar", Sector.ACADEMIA, Gender.WOMAN, "rina@example.org", "Bio en"
    )
    agus = db.session.scalar(select(Person).where(Person.full_name == "Agus Santoso"))
    assert (agus.sector, agus.gender, agus.email) == (Sector.CIVIL_SOCIETY, Gender.MAN, None)
    [entry] = import_entries(conf)
    assert entry.action == "import.people"
    assert "Imported people from a CSV file: 2 rows" in entry.summary


def test_people_preview_shows_each_problem_at_its_line_and_column(client, conf):
    csv_text = (
        "full_name,sector,gender,email\n"
        "Satu,nowhere,woman,satu@example.org\n"      # 2: sector
        ",academia,,dua@example.org\n"                # 3: full_name
        "Tiga,,,satu@example.org\n"                   # 4: same e-mail as line 2
        "Empat,,,SRI@example.org\n"                   # 5: e-mail exists
        "Lima,,robot,not-an-address\n"                # 6: gender and e-mail
        "Enam,,,\n"                                   # 7: fine
    )
    response = upload(client, conf, "people", csv_text)
    assert response.status_code == 422
    assert sorted(errors_on_page(response)) == [
        (2, "sector"), (3, "full_name"), (4, "email"), (5, "email"), (6, "email"), (6, "gender"),
    ]
    page = response.get_data(as_text=True)
    assert "civil_society" in page  # the allowed values are listed
    assert 'id="confirm-import"' not in page
    assert 'id="count-problem-rows">5<' in page
    assert count(Person, Person.conference_id == conf.id) == 2


def test_people_file_without_the_name_column_is_refused_and_extra_columns_warned(client, conf):
    response = upload(client, conf, "people", "name,email\nX,x@example.org\n")
    assert response.status_code == 422
    assert 'id="file-errors"' in response.get_data(as_text=True)
    response = upload(client, conf, "people", "Full Name,Twitter\nX,@x\n")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="import-warnings"' in page and "Twitter" in page


def test_semicolons_and_a_byte_order_mark_are_understood(client, conf):
    content = "\ufeffFull_name;Organisation;Email\r\n\"Dewi Anggraini\";\"Koalisi; Perempuan\";dewi@example.org\r\n"
    preview = upload(client, conf, "people", content.encode("utf-8"))
    assert preview.status_code == 200
    assert confirm(client, conf, "people", carried_text(preview)).status_code == 303
    dewi = db.session.scalar(select(Person).where(Person.email == "dewi@example.org"))
    assert (dewi.full_name, dewi.organisation) == ("Dewi Anggraini", "Koalisi; Perempuan")


def test_a_file_that_is_not_utf8_is_refused_with_a_message(client, conf):
    response = upload(client, conf, "people", "full_name\nJosé Ramos\n".encode("latin-1"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and "UTF-8" in page
    assert count(Person, Person.conference_id == conf.id) == 2


def test_wrong_extension_missing_file_and_oversized_file_are_refused(client, conf, monkeypatch):
    assert upload(client, conf, "people", PEOPLE, filename="data.xlsx").status_code == 422
    response = client.post(f"/manage/{conf.slug}/import", data={"kind": "people"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    monkeypatch.setattr("eventapp.agenda.imports_views.MAX_UPLOAD_BYTES", 50)
    response = upload(client, conf, "people", PEOPLE)
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True)
    assert 'id="preview-heading"' not in response.get_data(as_text=True)


def test_double_confirm_imports_once(client, conf):
    preview = upload(client, conf, "people", PEOPLE)
    text = carried_text(preview)
    assert confirm(client, conf, "people", text).status_code == 303
    again = confirm(client, conf, "people", text)
    assert again.status_code == 422
    assert 'id="file-errors"' in again.get_data(as_text=True)
    # Other line endings are the same file.
    assert confirm(client, conf, "people", text.replace("\r\n", "\n")).status_code == 422
    assert count(Person, Person.conference_id == conf.id) == 4
    assert len(import_entries(conf)) == 1
    # The preview already says so.
    assert upload(client, conf, "people", PEOPLE).status_code == 422


def test_confirm_checks_the_text_again(client, conf):
    response = confirm(client, conf, "people", "full_name,email\nX,sri@example.org\n")
    assert response.status_code == 422
    assert errors_on_page(response) == [(2, "email")]
    assert confirm(client, conf, "robots", "full_name\nX\n").status_code == 422
    assert confirm(client, conf, "people", "").status_code == 422
    assert count(Person, Person.conference_id == conf.id) == 2
    assert import_entries(conf) == []


# --- sessions --------------------------------------------------------------------------

SESSIONS_HEADER = (
    "title_id,title_en,kind,day,start,end,room,sub_theme,capacity,spans_all_rooms,"
    "speakers,moderators,keynotes,rapporteurs\n"
)


def test_sessions_confirm_imports_rows_with_times_rooms_and_roles(client, conf, make):
    content = SESSIONS_HEADER + (
        "Sesi Satu,Session one,parallel,2026-03-10,09:00,10:30,ruang anggrek,ps,40,no,"
        "sri@example.org;Budi Hartono,,,\n"
        "Pembukaan,,Opening,10/03/2026,08.00,09.00,,,,ya,,,budi@example.org,sri@example.org\n"
        "Belum dijadwalkan,,,,,,,,,,,,,\n"
    )
    preview = upload(client, conf, "sessions", content)
    assert preview.status_code == 200, errors_on_page(preview)
    assert count(AgendaSession, AgendaSession.conference_id == conf.id) == 0
    assert confirm(client, conf, "sessions", carried_text(preview)).status_code == 303

    sessions = {s.title_id: s for s in db.session.scalars(select(AgendaSession))}
    assert set(sessions) == {"Sesi Satu", "Pembukaan", "Belum dijadwalkan"}
    one = sessions["Sesi Satu"]
    assert (one.starts_at, one.ends_at) == (make.at(conf, 9), make.at(conf, 10, 30))
    assert (one.room.name, one.sub_theme.code, one.capacity, one.kind) == ("Ruang Anggrek", "PS", 40, SessionKind.PARALLEL)
    assert [(r.person.full_name, r.role, r.position) for r in one.roles] == [
        ("Sri Wahyuni", RoleKind.SPEAKER, 0), ("Budi Hartono", RoleKind.SPEAKER, 1),
    ]
    opening = sessions["Pembukaan"]
    assert (opening.kind, opening.spans_all_rooms, opening.starts_at) == (SessionKind.OPENING, True, make.at(conf, 8))
    assert [(r.person.full_name, r.role) for r in opening.roles] == [
        ("Budi Hartono", RoleKind.KEYNOTE), ("Sri Wahyuni", RoleKind.RAPPORTEUR),
    ]
    later = sessions["Belum dijadwalkan"]
    assert later.starts_at is None and later.kind is SessionKind.PARALLEL
    [entry] = import_entries(conf)
    assert entry.action == "import.sessions" and "Imported sessions from a CSV file: 3 rows" in entry.summary


def test_a_clash_between_two_rows_is_reported_at_the_second_row(client, conf):
    content = SESSIONS_HEADER + (
        "Sesi A,,,2026-03-10,09:00,10:00,Ruang Anggrek,,,,,,,\n"
        "Sesi B,,,2026-03-10,09:30,10:30,Ruang Anggrek,,,,,,,\n"
        "Sesi C,,,2026-03-10,09:30,10:30,Ruang Melati,,,,,,,\n"
    )
    response = upload(client, conf, "sessions", content)
    assert response.status_code == 422
    assert errors_on_page(response) == [(3, "room")]
    assert "Sesi A" in response.get_data(as_text=True)
    assert count(AgendaSession) == 0
    # Confirming the same text anyway imports nothing and shows the error again.
    response = confirm(client, conf, "sessions", content)
    assert response.status_code == 422
    assert errors_on_page(response) == [(3, "room")]
    assert count(AgendaSession) == 0
    assert import_entries(conf) == []


def test_a_file_with_one_bad_row_imports_nothing(client, conf):
    content = SESSIONS_HEADER + (
        "Sesi A,,,2026-03-10,09:00,10:00,Ruang Anggrek,,,,,,,\n"
        "Sesi B,,,2026-03-10,11:00,12:00,Ruang Mawar,,,,,,,\n"
    )
    response = confirm(client, conf, "sessions", content)
    assert response.status_code == 422
    assert errors_on_page(response) == [(3, "room")]
    assert count(AgendaSession) == 0
    assert import_entries(conf) == []


def test_session_rows_are_checked_column_by_column(client, conf, make):
    make.session(conf, (14, 0), (15, 0), title_id="Sesi Lama", room=conf.venues[0].rooms[0])
    content = SESSIONS_HEADER + (
        "Satu,,,2026-03-10,10:00,09:00,,,,,,,,\n"             # 2: end before start
        "Dua,,,2026-03-11,09:00,10:00,,,,,,,,\n"              # 3: outside the conference
        "Tiga,,,10 March,9am,10:00,,,,,,,,\n"                # 4: day and start unreadable
        "Empat,,,2026-03-10,09:00,,,,,,,,,\n"                # 5: end missing
        ",,,,,,,,,,,,,\n"                                     # blank: skipped
        "Lima,,banquet,,,,,XX,-3,maybe,nobody@example.org,Orang Asing,,\n"  # 7: kind, sub_theme, capacity, spans, speakers, moderators
        "Enam,,parallel,2026-03-10,11:00,12:00,,,,yes,,,,\n"  # 8: parallel cannot span all rooms (service rule)
        "Sesi Lama,,,2026-03-10,14:00,15:00,Ruang Melati,,,,,,,\n"  # 9: exists already
        "Tujuh,,,,,,,,,,sri@example.org,sri@example.org,,\n"  # 10: same person twice
        "Delapan,,,2026-03-10,14:30,15:30,Ruang Anggrek,,,,,,,\n"  # 11: room taken by Sesi Lama
    )
    response = upload(client, conf, "sessions", content)
    assert response.status_code == 422
    assert sorted(errors_on_page(response)) == [
        (2, "end"), (3, "day"), (4, "day"), (4, "start"), (5, "end"),
        (7, "capacity"), (7, "kind"), (7, "moderators"), (7, "spans_all_rooms"), (7, "speakers"), (7, "sub_theme"),
        (8, "spans_all_rooms"), (9, "title_id"), (10, "moderators"), (11, "room"),
    ]
    assert count(AgendaSession, AgendaSession.conference_id == conf.id) == 1


def test_duplicate_sessions_within_the_file(client, conf):
    content = SESSIONS_HEADER + (
        "Sesi Kembar,,,2026-03-10,09:00,10:00,Ruang Anggrek,,,,,,,\n"
        "sesi kembar,,,10/03/2026,09.00,09.30,Ruang Melati,,,,,,,\n"
    )
    response = upload(client, conf, "sessions", content)
    assert response.status_code == 422
    assert errors_on_page(response) == [(3, "title_id")]


def test_people_of_another_conference_are_not_found(client, conf, make):
    other = make.conference()
    make.person(other, "Orang Lain", email="lain@example.org")
    content = SESSIONS_HEADER + "Sesi,,,,,,,,,,lain@example.org,Orang Lain,,\n"
    response = upload(client, conf, "sessions", content)
    assert response.status_code == 422
    assert errors_on_page(response) == [(2, "speakers"), (2, "moderators")]


def test_a_row_with_more_values_than_the_header_says_so(client, conf):
    response = upload(client, conf, "people", "full_name,organisation\nRina,Dinas A, Bagian B\nAgus,X,,\n")
    assert response.status_code == 422
    assert errors_on_page(response) == [(2, None)]


# --- HTML ----------------------------------------------------------------------------


def test_import_pages_are_valid_html(client, conf, tmp_path):
    bad_sessions = SESSIONS_HEADER + (
        "Sesi A,,,2026-03-10,09:00,10:00,Ruang Anggrek,PS,,,sri@example.org,budi@example.org,,\n"
        "Sesi B,,,2026-03-10,09:30,10:30,Ruang Anggrek,,,,nobody@example.org,,,\n"
    )
    pages = {
        "import.html": client.get(f"/manage/{conf.slug}/import"),
        "import-preview-people.html": upload(client, conf, "people", PEOPLE),
        "import-preview-errors.html": upload(client, conf, "sessions", bad_sessions),
        "import-upload-error.html": upload(client, conf, "people", b"\xff\xfe", filename="x.csv"),
    }
    assert [r.status_code for r in pages.values()] == [200, 200, 422, 422]
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []


def test_too_many_rows_is_a_file_error(client, conf, monkeypatch):
    monkeypatch.setattr("eventapp.agenda.imports.MAX_ROWS", 1)
    response = upload(client, conf, "people", PEOPLE)
    assert response.status_code == 422
    assert 'id="file-errors"' in response.get_data(as_text=True)
    assert count(Person, Person.conference_id == conf.id) == 2
