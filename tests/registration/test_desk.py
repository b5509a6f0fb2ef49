"""The check-in desk and badges, as the people at the desk use them:
search, check in (once), scan a code, live counts, undo; badges with ribbons."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from eventapp.accounts.models import MembershipRole
from eventapp.accounts.services import grant_role
from eventapp.agenda.models import RoleKind, RoleStatus
from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.registration import desk
from eventapp.registration.models import Registration, RegistrationSource, RegistrationStatus

from ..checkers import validate_html

_codes = iter(range(10**6))


def attendee(conference, name: str, *, status=RegistrationStatus.CONFIRMED, code: str | None = None,
             **kw) -> Registration:
    n = next(_codes)
    registration = Registration(
        conference=conference, full_name=name, email=kw.pop("email", f"{name.split()[0].lower()}{n}@example.org"),
        status=status, ticket_code=code or f"TICKET{n:010d}".replace("0", "A").replace("1", "B"), **kw,
    )
    db.session.add(registration)
    db.session.commit()
    return registration


@pytest.fixture
def conference(make):
    return make.conference(slug="konas")  # Asia/Jakarta (WIB, UTC+7)


@pytest.fixture
def organiser(make, conference, auth):
    user = make.organiser(conference, email="panitia@example.org")
    auth.login(user)
    return user


@pytest.fixture
def staff(make, conference, auth):
    user = make.user(email="staf@example.org")
    grant_role(user, conference, MembershipRole.CHECKIN)
    db.session.commit()
    auth.login(user)
    return user


def english(client) -> None:
    client.post("/language", data={"lang": "en", "next": "/"})


def page(response) -> str:
    return response.get_data(as_text=True)


# --- the desk -----------------------------------------------------------------------------------


def test_staff_find_by_name_and_check_in_once(client, conference, staff):
    english(client)
    ani = attendee(conference, "Ani Lestari", organisation="Bappenas")
    attendee(conference, "Budi Santoso")
    response = client.get("/manage/konas/checkin?q=ani")
    body = page(response)
    assert "Ani Lestari" in body and "Bappenas" in body and "Budi Santoso" not in body
    assert response.headers["Cache-Control"] == "private, no-store"  # personal data
    # staff see no manage navigation, no badges batch, no undo
    assert "/manage/konas/details" not in body and "/manage/konas/badges" not in body

    response = client.post(f"/manage/konas/checkin/{ani.id}", data={"q": "ani"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/manage/konas/checkin?q=ani")
    db.session.refresh(ani)
    assert ani.checked_in_at is not None and ani.checked_in_by_id == staff.id
    assert "Checked in: Ani Lestari" in page(client.get(response.headers["Location"]))


def test_second_check_in_says_when_the_first_was_in_the_conference_zone(client, conference, organiser):
    ani = attendee(conference, "Ani Lestari", checked_in_at=datetime(2026, 11, 28, 1, 42, tzinfo=UTC))
    # Indonesian (the default): 08.42 WIB
    body = page(client.post(f"/manage/konas/checkin/{ani.id}", follow_redirects=True))
    assert "08.42" in body and "Ani Lestari" in body
    english(client)
    body = page(client.post(f"/manage/konas/checkin/{ani.id}", follow_redirects=True))
    assert "Already checked in at 08:42: Ani Lestari" in body
    db.session.refresh(ani)
    assert ani.checked_in_at == datetime(2026, 11, 28, 1, 42, tzinfo=UTC)  # the first time is kept


@pytest.mark.parametrize("status", [RegistrationStatus.WAITING, RegistrationStatus.PENDING])
def test_someone_not_confirmed_is_not_checked_in(client, conference, staff, status):
    english(client)
    budi = attendee(conference, "Budi Santoso", status=status)
    body = page(client.get("/manage/konas/checkin?q=budi"))
    assert "Budi Santoso" in body  # shown, with the status
    body = page(client.post(f"/manage/konas/checkin/{budi.id}", follow_redirects=True))
    label = {"waiting": "Waiting list", "pending": "Awaiting approval"}[status.value]
    assert f"Not confirmed: {label} — Budi Santoso" in body
    db.session.refresh(budi)
    assert budi.checked_in_at is None


def test_scan_a_code_typed_in_lowercase_with_spaces(client, conference, staff):
    english(client)
    ani = attendee(conference, "Ani Lestari", code="ABCDEFGHJKLMNPQR")
    response = client.post("/manage/konas/checkin/scan", data={"code": " abcd efgh-jklm npqr "})
    assert response.status_code == 303
    db.session.refresh(ani)
    assert ani.checked_in_at is not None
    assert "Checked in: Ani Lestari" in page(client.get("/manage/konas/checkin"))
    body = page(client.post("/manage/konas/checkin/scan", data={"code": "ABCDEFGHJKLMNPQR"}, follow_redirects=True))
    assert "Already checked in at" in body


def test_unknown_or_empty_code_is_refused_clearly(client, conference, staff, make):
    english(client)
    other = make.conference(slug="lain")
    attendee(other, "Orang Lain", code="ZZZZZZZZZZZZZZZZ")  # another conference's ticket
    for code in ("NOPE", "zzzz zzzz zzzz zzzz"):
        response = client.post("/manage/konas/checkin/scan", data={"code": code})
        assert response.status_code == 422
        assert "No ticket with this code" in page(response)
    response = client.post("/manage/konas/checkin/scan", data={"code": ""})
    assert response.status_code == 422 and 'aria-invalid="true"' in page(response)
    assert db.session.scalar(select(Registration.checked_in_at)) is None


def test_cancelled_and_erased_people_are_not_found_and_cannot_be_checked_in(client, conference, organiser):
    gone = attendee(conference, "Citra Gone", status=RegistrationStatus.CANCELLED)
    erased = attendee(conference, "Dewi Erased", erased_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert "Citra Gone" not in page(client.get("/manage/konas/checkin?q=citra"))
    assert "Dewi Erased" not in page(client.get("/manage/konas/checkin?q=dewi"))
    client.post(f"/manage/konas/checkin/{gone.id}")
    assert client.post(f"/manage/konas/checkin/{erased.id}").status_code == 404
    db.session.refresh(gone)
    assert gone.checked_in_at is None


def test_search_by_email_and_code_with_the_exact_code_first(client, conference, staff):
    code_owner = attendee(conference, "Zainal Kode", code="KODEKODEKODEKODE")
    attendee(conference, "Agus Kodek", email="kodekodekodekode@example.org")
    body = page(client.get("/manage/konas/checkin?q=kodekodekodekode"))
    assert body.index("Zainal Kode") < body.index("Agus Kodek")
    assert "Zainal Kode" in page(client.get("/manage/konas/checkin?q=KODE KODE"))
    assert "Zainal Kode" in page(client.get(f"/manage/konas/checkin?q={code_owner.email}"))
    # LIKE wildcards are text, not patterns
    assert "Zainal Kode" not in page(client.get("/manage/konas/checkin?q=%25"))


def test_search_shows_at_most_20_in_a_fixed_number_of_queries(client, conference, staff, count_queries):
    english(client)
    attendee(conference, "Peserta Awal")
    with count_queries() as few:
        assert "Peserta Awal" in page(client.get("/manage/konas/checkin?q=peserta"))
    for n in range(25):
        attendee(conference, f"Peserta {n:02d}")
    with count_queries() as many:
        body = page(client.get("/manage/konas/checkin?q=peserta"))
    assert body.count('class="desk-result"') == 20 and "Only the first 20 are shown" in body
    assert len(many) == len(few)


def test_counts_json_and_on_the_page(client, conference, staff):
    english(client)
    ani = attendee(conference, "Ani Lestari")
    attendee(conference, "Budi Santoso")
    attendee(conference, "Citra Waiting", status=RegistrationStatus.WAITING)
    attendee(conference, "Dewi Checked", checked_in_at=datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    response = client.get("/manage/konas/checkin/counts.json")
    assert response.json == {"checked_in": 1, "confirmed": 3}
    assert response.headers["Cache-Control"] == "private, no-store"
    client.post(f"/manage/konas/checkin/{ani.id}")
    assert client.get("/manage/konas/checkin/counts.json").json == {"checked_in": 2, "confirmed": 3}
    body = page(client.get("/manage/konas/checkin"))
    assert '<strong data-count="checked_in">2</strong>' in body and '<span data-count="confirmed">3</span>' in body
    assert 'src="/static/js/checkin.js"' in body and "<script>" not in body  # no inline script


def test_organiser_undoes_a_check_in_after_confirming(client, conference, organiser):
    english(client)
    ani = attendee(conference, "Ani Lestari", checked_in_at=datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    body = page(client.get("/manage/konas/checkin?q=ani"))
    assert "Undo the check-in…" in body and "Checked in at 08:00" in body
    response = client.post(f"/manage/konas/checkin/{ani.id}/undo", data={"q": "ani"})
    assert response.status_code == 303
    db.session.refresh(ani)
    assert ani.checked_in_at is None
    assert db.session.scalar(select(AuditEntry.action)) == "registration.checkin_undo"
    assert "Check-in undone: Ani Lestari" in page(client.get(response.headers["Location"]))
    # undoing again changes nothing
    assert "is not checked in" in page(client.post(f"/manage/konas/checkin/{ani.id}/undo", follow_redirects=True))


def test_staff_cannot_undo(client, conference, staff):
    ani = attendee(conference, "Ani Lestari", checked_in_at=datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    assert "Undo" not in page(client.get("/manage/konas/checkin?q=ani"))
    assert client.post(f"/manage/konas/checkin/{ani.id}/undo").status_code == 404
    db.session.refresh(ani)
    assert ani.checked_in_at is not None


def test_organiser_sees_the_desk_in_the_manage_nav_and_a_way_back(client, conference, organiser):
    english(client)
    assert 'href="/manage/konas/checkin"' in page(client.get("/manage/konas/"))
    body = page(client.get("/manage/konas/checkin"))
    assert 'href="/manage/konas/"' in body and 'href="/manage/konas/badges"' in body


def test_desk_pages_are_valid_html(client, conference, organiser, tmp_path):
    english(client)
    attendee(conference, "Ani Lestari", organisation="Bappenas")
    attendee(conference, "Ani Checked", checked_in_at=datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    attendee(conference, "Ani Waiting", status=RegistrationStatus.WAITING)
    ani = db.session.scalar(select(Registration).where(Registration.full_name == "Ani Lestari"))
    pages = {
        "empty.html": client.get("/manage/konas/checkin").data,
        "results.html": client.get("/manage/konas/checkin?q=ani").data,
        "none.html": client.get("/manage/konas/checkin?q=nobody").data,
        "message.html": client.post(f"/manage/konas/checkin/{ani.id}", follow_redirects=True).data,
        "unknown.html": client.post("/manage/konas/checkin/scan", data={"code": "nope"}).data,
    }
    assert validate_html(pages, tmp_path) == []


# --- badges -------------------------------------------------------------------------------------


@pytest.fixture
def four_ribbons(make, conference):
    """One registration for each ribbon, and two that look close but are participants."""
    session = make.session(conference)
    speaker = make.person(conference, "Sri Speaker", email="Sri@Example.org")
    make.role(session, speaker, RoleKind.SPEAKER)
    invited = make.person(conference, "Iwan Invited", email="iwan@example.org")
    make.role(session, invited, RoleKind.MODERATOR).status = RoleStatus.INVITED  # not confirmed: no ribbon
    db.session.commit()
    make.organiser(conference, email="olga@example.org")
    return {
        "speaker": attendee(conference, "Sri Speaker", email="sri@example.org", position="Direktur",
                            organisation="BRIN"),
        "organiser": attendee(conference, "Olga Organiser", email="olga@example.org"),
        "delegate": attendee(conference, "Dedi Delegate", source=RegistrationSource.INVITATION),
        "participant": attendee(conference, "Putri Participant"),
        "invited": attendee(conference, "Iwan Invited", email="iwan@example.org"),
    }


def test_ribbons(conference, four_ribbons):
    found = desk.ribbons(conference, list(four_ribbons.values()))
    assert {name: found[r.id].value for name, r in four_ribbons.items()} == {
        "speaker": "speaker", "organiser": "organiser", "delegate": "delegate",
        "participant": "participant", "invited": "participant",
    }


def test_one_badge_with_name_position_organisation_ribbon_and_qr(client, conference, organiser, four_ribbons):
    english(client)
    sri = four_ribbons["speaker"]
    body = page(client.get(f"/manage/konas/registrations/{sri.id}/badge"))
    assert "Sri Speaker" in body and "Direktur" in body and "BRIN" in body
    assert 'class="name-badge ribbon-speaker"' in body and ">Speaker</p>" in body
    assert "<svg" in body and f"Ticket code {sri.ticket_code}" in body


def test_badge_qr_is_a_full_qr_code_that_phones_can_read():
    code = "ABCDEFGHJKLMNPQR"  # segno.make would choose a Micro QR (M4) for this
    assert not desk.ticket_qr(code).is_micro
    svg = desk.ticket_qr_svg(code)
    modules = int(svg.split('width="', 1)[1].split('"', 1)[0]) // desk.QR_SCALE
    assert modules >= 21 + 2 * 4  # version 1 or larger, with the quiet zone


def test_check_in_staff_print_one_badge_but_not_the_batch(client, conference, staff, four_ribbons):
    assert client.get(f"/manage/konas/registrations/{four_ribbons['delegate'].id}/badge").status_code == 200
    assert client.get("/manage/konas/badges").status_code == 404


def test_badges_batch_with_each_ribbon_and_filters(client, conference, organiser, four_ribbons):
    english(client)
    attendee(conference, "Wati Waiting", status=RegistrationStatus.WAITING)
    body = page(client.get("/manage/konas/badges"))
    for kind in ("speaker", "organiser", "delegate", "participant"):
        assert f'class="name-badge ribbon-{kind}"' in body
    assert body.count('class="name-badge ') == 5 and "Wati Waiting" not in body  # confirmed only by default
    body = page(client.get("/manage/konas/badges?ribbon=delegate"))
    assert "Dedi Delegate" in body and body.count('class="name-badge ') == 1
    body = page(client.get("/manage/konas/badges?status=waiting"))
    assert "Wati Waiting" in body and body.count('class="name-badge ') == 1
    body = page(client.get("/manage/konas/badges?q=brin"))
    assert "Sri Speaker" in body and body.count('class="name-badge ') == 1
    assert "No registration matches" in page(client.get("/manage/konas/badges?q=nobody"))


def test_badges_batch_is_six_per_sheet_in_a_fixed_number_of_queries(client, conference, organiser, four_ribbons,
                                                                    count_queries):
    with count_queries() as few:
        client.get("/manage/konas/badges")
    for n in range(10):
        attendee(conference, f"Peserta {n}", source=RegistrationSource.INVITATION if n % 2 else
                 RegistrationSource.PUBLIC)
    with count_queries() as many:
        body = page(client.get("/manage/konas/badges"))
    assert body.count('class="name-badge ') == 15 and body.count('class="name-badge-sheet"') == 3
    assert len(many) == len(few)


def test_badge_pages_are_valid_html(client, conference, organiser, four_ribbons, tmp_path):
    english(client)
    pages = {
        "badge.html": client.get(f"/manage/konas/registrations/{four_ribbons['speaker'].id}/badge").data,
        "badges.html": client.get("/manage/konas/badges").data,
        "badges-empty.html": client.get("/manage/konas/badges?q=nobody").data,
    }
    assert validate_html(pages, tmp_path) == []


def test_badges_batch_says_when_some_are_not_shown(client, conference, organiser, four_ribbons, monkeypatch):
    english(client)
    monkeypatch.setattr(desk, "MAX_BADGES", 2)
    body = page(client.get("/manage/konas/badges"))
    assert body.count('class="name-badge ') == 2 and "3 more badges are not shown" in body
