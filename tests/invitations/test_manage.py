"""The organisers' side of invitations: the RSVP dashboard (counts, list,
filters, CSV, reminders), inviting one person, one invitation and its actions,
categories, and the conference's registration settings.

Text assertions switch the client to English (the Indonesian catalog for
these pages is filled later); most assertions are on status codes, ids in the
page and database rows."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventapp.agenda.models import RoleKind, RoleStatus, SessionRole
from eventapp.audit.models import AuditEntry
from eventapp.conferences.models import Conference, RegistrationMode
from eventapp.db_types import utcnow
from eventapp.extensions import db
from eventapp.invitations.models import (
    Invitation,
    InvitationCategory,
    InvitationKind,
    InvitationStatus,
    InvitationToken,
    ResponseChannel,
)
from eventapp.invitations.services import (
    Invitee,
    create_category,
    default_respond_by,
    invite_delegate,
    invite_speaker,
    respond,
    revoke,
)
from eventapp.mail.models import OutboxMessage
from eventapp.registration.models import Registration, RegistrationStatus

from ..checkers import validate_html

URL = "/manage/konas/invitations"


# --- helpers -----------------------------------------------------------------------------


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def row_ids(response) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="invitation-(\d+)"', response.get_data(as_text=True))]


def field_error(response, field_id: str) -> bool:
    """The message is next to the field, and the field points to it."""
    page = response.get_data(as_text=True)
    return f'id="{field_id}-error"' in page and re.search(
        rf'aria-describedby="[^"]*\b{field_id}-error"', page) is not None


def cell(response, row_id: str, css_class: str) -> str:
    """The text of one counts cell, e.g. cell(page, "counts-all", "count-accepted")."""
    page = response.get_data(as_text=True)
    row = page.split(f'<tr id="{row_id}">', 1)[1].split("</tr>", 1)[0]
    return re.search(rf'class="{css_class}">([^<]*)<', row).group(1).strip()


def english(client) -> None:
    client.post("/language", data={"lang": "en", "next": "/"})


def delegate(conference, email: str, name: str | None = None, **kw) -> Invitation:
    person = {key: kw.pop(key) for key in ("organisation", "language", "position") if key in kw}
    invitation, _created = invite_delegate(
        conference, Invitee(email=email, full_name=name or email.split("@")[0].title(), **person), **kw)
    db.session.commit()
    return invitation


def speaker(conference, session, email: str, name: str | None = None,
            role: RoleKind = RoleKind.SPEAKER, **kw) -> Invitation:
    invitation, _created = invite_speaker(
        conference, session, role, Invitee(email=email, full_name=name or email.split("@")[0].title()), **kw)
    db.session.commit()
    return invitation


def answer(invitation: Invitation, accept: bool) -> None:
    respond(invitation, accept)
    db.session.commit()


def expire(invitation: Invitation) -> None:
    invitation.respond_by = utcnow() - timedelta(hours=1)
    db.session.commit()


def sent_days_ago(invitation: Invitation, days: int) -> None:
    invitation.last_sent_at = utcnow() - timedelta(days=days)
    db.session.commit()


def invite_form(**overrides) -> dict[str, str]:
    data = {
        "honorific": "Ibu", "full_name": "Siti Aminah", "email": "siti@example.org",
        "position": "Bupati", "organisation": "Kabupaten Sleman", "sector": "regional_government",
        "gender": "woman", "language": "en", "category": "", "respond_by": "", "respond_by_time": "",
        "message": "", "session": "", "role": "speaker",
    }
    data.update({key: str(value) for key, value in overrides.items()})
    return data


@pytest.fixture
def conference(make):
    # In the future, so a default deadline (three weeks, at most the first morning) lies ahead.
    return make.conference(slug="konas", title_id="Konas", title_en="Konas", published=False,
                           starts_on=date(2027, 3, 10), ends_on=date(2027, 3, 11))


@pytest.fixture
def organiser(make, auth, conference):
    user = make.organiser(conference)
    auth.login(user)
    return user


@pytest.fixture
def panel(make, conference):
    return make.session(conference, (9, 0), (10, 30), title_id="Panel Perlindungan Sosial",
                        room=make.room(conference, "Ruang Melati"))


@pytest.fixture
def states(conference, panel):
    """One invitation in every state, two categories, a speaker among them.

    pending: Ani (heads), Budi; expired: Citra (heads); accepted: Dewi (heads),
    Eko (speaker); declined: Fitri (ministries); withdrawn: Gita."""
    heads = create_category(conference, "Kepala daerah", 5)
    ministries = create_category(conference, "Kementerian")
    db.session.commit()
    people = {
        "ani": delegate(conference, "ani@example.org", "Ani", category=heads, organisation="Kabupaten Bantul"),
        "budi": delegate(conference, "budi@example.org", "Budi"),
        "citra": delegate(conference, "citra@example.org", "Citra", category=heads),
        "dewi": delegate(conference, "dewi@example.org", "Dewi", category=heads),
        "eko": speaker(conference, panel, "eko@example.org", "Eko"),
        "fitri": delegate(conference, "fitri@example.org", "Fitri", category=ministries),
        "gita": delegate(conference, "gita@example.org", "Gita"),
    }
    expire(people["citra"])
    answer(people["dewi"], True)
    answer(people["eko"], True)
    answer(people["fitri"], False)
    revoke(people["gita"])
    db.session.commit()
    return {"heads": heads, "ministries": ministries, **people}


# --- the dashboard: counts ------------------------------------------------------------------


def test_empty_dashboard_points_to_inviting_and_importing(client, conference, organiser):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="no-invitations"' in page
    empty_state = page.split('id="no-invitations"', 1)[1].split("</div>", 1)[0]
    assert f'href="{URL}/new?kind=delegate"' in empty_state
    if "invitations.manage_import" in client.application.view_functions:
        assert f'href="{URL}/import"' in empty_state
    assert 'id="answer-counts"' not in page
    # The organiser's navigation leads here.
    assert f'<a href="{URL}" aria-current="page">' in page


def test_counts_by_state_overall_and_per_category(client, organiser, states):
    response = client.get(URL)
    assert response.status_code == 200
    overall = {state: cell(response, "counts-all", f"count-{state}")
               for state in ("pending", "expired", "accepted", "declined", "revoked")}
    assert overall == {"pending": "2", "expired": "1", "accepted": "2", "declined": "1", "revoked": "1"}
    # Answered (accepted + declined) over not withdrawn: 3 of 6.
    assert cell(response, "counts-all", "count-rate") == "50%"
    heads = f"counts-{states['heads'].id}"
    assert [cell(response, heads, f"count-{s}") for s in ("pending", "expired", "accepted")] == ["1", "1", "1"]
    assert cell(response, heads, "count-rate") == "33%"
    page = text_of(response)
    assert "1 / 5" in page.split(f'<tr id="{heads}">', 1)[1].split("</tr>", 1)[0]  # accepted / quota
    ministries = f"counts-{states['ministries'].id}"
    assert cell(response, ministries, "count-declined") == "1"
    assert cell(response, ministries, "count-rate") == "100%"
    # Budi, Eko and Gita have no category: their own row.
    assert cell(response, "counts-none", "count-pending") == "1"
    assert cell(response, "counts-none", "count-revoked") == "1"
    english(client)
    assert "Response rate: 50% (3 of 6 invitations answered" in text_of(client.get(URL))


def test_every_row_shows_what_organisers_need(client, organiser, states, panel):
    english(client)
    response = client.get(URL)
    assert sorted(row_ids(response)) == sorted(i.id for k, i in states.items() if k not in ("heads", "ministries"))
    page = text_of(response)
    eko = page.split(f'id="invitation-{states["eko"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Speaker" in eko and "Panel Perlindungan Sosial" in eko and "Accepted" in eko
    ani = page.split(f'id="invitation-{states["ani"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Kabupaten Bantul" in ani and "Kepala daerah" in ani and "No answer yet" in ani
    assert "ani@example.org" in ani
    citra = page.split(f'id="invitation-{states["citra"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Expired without an answer" in citra
    gita = page.split(f'id="invitation-{states["gita"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Withdrawn" in gita


# --- the dashboard: filters, sort, pages --------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("status=pending", ["ani", "budi"]),
    ("status=expired", ["citra"]),
    ("status=accepted", ["dewi", "eko"]),
    ("status=declined", ["fitri"]),
    ("status=revoked", ["gita"]),
    ("kind=speaker", ["eko"]),
    ("kind=delegate", ["ani", "budi", "citra", "dewi", "fitri", "gita"]),
    ("category=none", ["budi", "eko", "gita"]),
    ("q=BANTUL", ["ani"]),  # organisation, any case
    ("q=fitri%40example", ["fitri"]),  # e-mail
    ("q=dew", ["dewi"]),  # name
    ("q=100%25", []),  # a LIKE wildcard is searched for literally
    ("status=accepted&kind=delegate", ["dewi"]),
    ("status=nonsense&kind=nonsense&category=nonsense", ["ani", "budi", "citra", "dewi", "eko", "fitri", "gita"]),
])
def test_filters(client, organiser, states, query, expected):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert row_ids(response) == [states[name].id for name in expected]


def test_category_filter_and_empty_result(client, organiser, states):
    response = client.get(f"{URL}?category={states['heads'].id}")
    assert row_ids(response) == [states[n].id for n in ("ani", "citra", "dewi")]
    response = client.get(f"{URL}?q=nobody-at-all")
    assert row_ids(response) == [] and 'id="no-match"' in response.get_data(as_text=True)


def test_sorting(client, organiser, states):
    names = ["ani", "budi", "citra", "dewi", "eko", "fitri", "gita"]
    assert row_ids(client.get(URL)) == [states[n].id for n in names]
    assert row_ids(client.get(f"{URL}?sort=-name")) == [states[n].id for n in reversed(names)]
    by_category = row_ids(client.get(f"{URL}?sort=category"))
    # Kementerian, then Kepala daerah (by name), then no category last.
    assert by_category[:4] == [states[n].id for n in ("fitri", "ani", "citra", "dewi")]
    assert set(by_category[4:]) == {states[n].id for n in ("budi", "eko", "gita")}
    states["budi"].reminder_count = 3
    db.session.commit()
    assert row_ids(client.get(f"{URL}?sort=-reminders"))[0] == states["budi"].id
    assert row_ids(client.get(f"{URL}?sort=deadline"))[0] == states["citra"].id  # the expired one


def test_pages_of_25(client, conference, organiser):
    for n in range(27):
        delegate(conference, f"tamu{n:02d}@example.org", f"Tamu {n:02d}")
    first = client.get(URL)
    assert len(row_ids(first)) == 25
    second = client.get(f"{URL}?page=2&sort=name")
    assert len(row_ids(second)) == 2
    assert set(row_ids(first)).isdisjoint(row_ids(second))


def test_dashboard_queries_do_not_grow_with_invitations(client, make, conference, organiser, count_queries):
    room = make.room(conference, "Ruang Anggrek")
    heads = create_category(conference, "Kepala daerah", 100)
    db.session.commit()

    sessions = [make.session(conference, (9, 0), (10, 0), room=room, title_id="Sesi Pagi"),
                make.session(conference, (11, 0), (12, 0), room=room, title_id="Sesi Siang")]

    def invite(first: int, last: int) -> None:
        for n in range(first, last):
            speaker(conference, sessions[n % 2], f"pembicara{n:03d}@example.org", f"A Pembicara {n:03d}",
                    category=heads if n % 2 else None)
            delegate(conference, f"tamu{n:03d}@example.org", f"B Tamu {n:03d}", category=heads)

    invite(0, 2)  # 4 invitations
    with count_queries() as small:
        assert client.get(URL).status_code == 200
    invite(2, 30)  # 60 invitations
    with count_queries() as large:
        response = client.get(URL)
    assert response.status_code == 200 and len(row_ids(response)) == 25
    assert len(large) == len(small), "\n\n".join(large) + "\n=====\n" + "\n\n".join(small)


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    assert response.data.startswith("\ufeff".encode())  # the BOM, for Excel
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_csv_has_every_invitation_with_its_columns(client, conference, organiser, states):
    response = client.get(URL + ".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "konas-invitations.csv" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    rows = read_csv(response)
    assert list(rows[0]) == [
        "name", "email", "honorific", "position", "organisation", "sector", "gender", "language",
        "category", "kind", "session", "role", "status", "responded_at", "response_note", "deadline",
        "sent", "reminders",
    ]
    assert [row["email"] for row in rows] == [f"{n}@example.org" for n in
                                              ("ani", "budi", "citra", "dewi", "eko", "fitri", "gita")]
    by_email = {row["email"]: row for row in rows}
    assert by_email["ani@example.org"]["category"] == "Kepala daerah"
    assert by_email["ani@example.org"]["organisation"] == "Kabupaten Bantul"
    assert by_email["citra@example.org"]["status"] == "expired"
    assert by_email["gita@example.org"]["status"] == "revoked"
    eko = by_email["eko@example.org"]
    assert (eko["kind"], eko["role"], eko["session"], eko["status"]) == (
        "speaker", "speaker", "Panel Perlindungan Sosial", "accepted")
    assert eko["responded_at"]
    # Times in the conference's zone (Asia/Jakarta, UTC+7).
    local = states["ani"].respond_by.astimezone(conference.zone).strftime("%Y-%m-%d %H:%M")
    assert by_email["ani@example.org"]["deadline"] == local
    assert by_email["ani@example.org"]["sent"] == "1"


def test_csv_follows_the_filters_and_neutralises_formulas(client, conference, organiser, states):
    delegate(conference, "jahat@example.org", "=HYPERLINK(\"http://evil.example\")", organisation="+62 274")
    rows = read_csv(client.get(URL + ".csv?status=pending&sort=-name"))
    assert [row["email"] for row in rows] == ["budi@example.org", "ani@example.org", "jahat@example.org"]
    assert rows[2]["name"].startswith("'=") and rows[2]["organisation"] == "'+62 274"
    # The dashboard's "Download CSV" link carries the current filters.
    page = client.get(URL + "?status=pending&sort=-name").get_data(as_text=True)
    assert f'href="{URL}.csv?status=pending&amp;sort=-name"' in page


# --- reminders ---------------------------------------------------------------------------------


def test_remind_everyone_who_has_not_answered(client, conference, organiser, states):
    # Ani and Budi have not answered, but were just sent their invitation: nobody is due yet.
    page = client.get(URL).get_data(as_text=True)
    assert 'id="remind-count"' in page and 'action="/manage/konas/invitations/remind"' not in page
    sent_days_ago(states["ani"], 3)
    sent_days_ago(states["budi"], 3)
    sent_days_ago(states["citra"], 3)  # expired: left out
    sent_days_ago(states["dewi"], 3)  # answered: left out
    english(client)
    page = text_of(client.get(URL))
    assert "2 people will get a reminder" in page and "Send 2 reminders" in page
    before = count(OutboxMessage, OutboxMessage.kind == "invitation_reminder")
    response = client.post(URL + "/remind")
    assert response.status_code == 303 and response.headers["Location"].endswith(URL)
    assert count(OutboxMessage, OutboxMessage.kind == "invitation_reminder") == before + 2
    assert {m.to_address for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "invitation_reminder"))} == {
        "ani@example.org", "budi@example.org"}
    assert fresh(Invitation, states["ani"].id).reminder_count == 1
    assert fresh(Invitation, states["citra"].id).reminder_count == 0
    assert "2 reminders are queued for sending." in text_of(client.get(URL))
    # Straight away again: nobody is due, nothing queued.
    client.post(URL + "/remind")
    assert count(OutboxMessage, OutboxMessage.kind == "invitation_reminder") == before + 2
    assert "Nobody needed a reminder" in text_of(client.get(URL))


# --- inviting one person ----------------------------------------------------------------------


def test_invite_a_delegate(client, conference, organiser):
    english(client)  # flash messages are translated when the POST is made
    heads = create_category(conference, "Kepala daerah", 10)
    db.session.commit()
    form = client.get(URL + "/new?kind=delegate")
    assert form.status_code == 200
    # The deadline is filled in with the default, in the conference's zone.
    default = default_respond_by(conference).astimezone(conference.zone)
    page = form.get_data(as_text=True)
    assert f'value="{default:%Y-%m-%d}"' in page and f'value="{default:%H:%M}"' in page
    assert 'id="reserved_seat"' in page and 'id="session"' not in page
    response = client.post(URL + "/new?kind=delegate", data=invite_form(
        category=heads.id, reserved_seat="y", respond_by="2027-02-01", respond_by_time="17:00",
        message="Kami berharap Ibu dapat hadir."))
    assert response.status_code == 303
    invitation = db.session.scalar(select(Invitation))
    assert response.headers["Location"].endswith(f"{URL}/{invitation.id}")
    assert (invitation.kind, invitation.email, invitation.full_name, invitation.honorific) == (
        InvitationKind.DELEGATE, "siti@example.org", "Siti Aminah", "Ibu")
    assert (invitation.organisation, invitation.sector.value, invitation.gender.value, invitation.language) == (
        "Kabupaten Sleman", "regional_government", "woman", "en")
    assert invitation.category_id == heads.id and invitation.reserved_seat
    assert invitation.message == "Kami berharap Ibu dapat hadir."
    assert invitation.respond_by == datetime(2027, 2, 1, 17, 0, tzinfo=conference.zone)
    assert count(InvitationToken) == 1
    message = db.session.scalar(select(OutboxMessage))
    assert (message.to_address, message.kind, message.language) == ("siti@example.org", "invitation", "en")
    english(client)
    assert "The invitation to Ibu Siti Aminah is queued for sending." in text_of(
        client.get(response.headers["Location"]))


def test_invite_a_speaker_to_a_session_from_the_session_editor(client, conference, organiser, panel):
    editor = client.get(f"/manage/konas/sessions/{panel.id}/edit")
    link = f"{URL}/new?kind=speaker&amp;session={panel.id}"
    assert f'href="{link}"' in editor.get_data(as_text=True)
    form = client.get(f"{URL}/new?kind=speaker&session={panel.id}")
    assert form.status_code == 200
    assert re.search(rf'<option selected value="{panel.id}">[^<]*Panel Perlindungan Sosial', form.get_data(as_text=True))
    response = client.post(f"{URL}/new?kind=speaker", data=invite_form(session=panel.id, role="moderator"))
    assert response.status_code == 303
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.kind, invitation.session_id, invitation.role) == (
        InvitationKind.SPEAKER, panel.id, RoleKind.MODERATOR)
    role = db.session.scalar(select(SessionRole).where(SessionRole.session_id == panel.id))
    assert (role.status, role.role, role.person.email) == (RoleStatus.INVITED, RoleKind.MODERATOR, "siti@example.org")
    message = db.session.scalar(select(OutboxMessage))
    assert message.attachments and message.attachments[0]["content_type"] == "text/calendar"
    # The session editor marks the person as invited, not yet confirmed.
    english(client)
    page = text_of(client.get(f"/manage/konas/sessions/{panel.id}/edit"))
    row = page.split(f'id="role-row-{role.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="badge role-invited">Invited<' in row
    listed = text_of(client.get(URL)).split(f'id="invitation-{invitation.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Moderator" in listed and "Panel Perlindungan Sosial" in listed
    shown = client.get(f"{URL}/{invitation.id}").get_data(as_text=True)
    assert 'id="invited-as">Moderator<' in shown


def test_a_delegate_form_ignores_speaker_fields(client, conference, organiser, panel):
    response = client.post(URL + "/new?kind=delegate", data=invite_form(session=panel.id, role="keynote"))
    assert response.status_code == 303
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.kind, invitation.session_id, invitation.role) == (InvitationKind.DELEGATE, None, None)
    assert count(SessionRole, SessionRole.session_id == panel.id) == 0


def test_a_speaker_needs_a_session_of_this_conference(client, make, conference, organiser, panel):
    other = make.session(make.conference(slug="lain"), title_id="Sesi Lain")
    for session in ("", str(other.id), "bukan"):
        response = client.post(f"{URL}/new?kind=speaker", data=invite_form(session=session))
        assert response.status_code == 422
        assert field_error(response, "session")
    assert count(Invitation) == 0 and count(OutboxMessage) == 0


def test_speaker_form_without_sessions_says_so(client, conference, organiser):
    response = client.get(f"{URL}/new?kind=speaker")
    assert response.status_code == 200 and 'id="no-sessions"' in response.get_data(as_text=True)


def test_inviting_the_same_email_again_creates_nothing(client, conference, organiser, panel):
    english(client)  # flash messages are translated when the POST is made
    first = client.post(URL + "/new?kind=delegate", data=invite_form())
    invitation = db.session.scalar(select(Invitation))
    again = client.post(URL + "/new?kind=delegate",
                        data=invite_form(email="  SITI@example.org ", full_name="Siti A."))
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert count(Invitation) == 1 and count(OutboxMessage) == 1
    assert fresh(Invitation, invitation.id).full_name == "Siti Aminah"  # not overwritten
    english(client)
    assert "was already invited to this" in text_of(client.get(again.headers["Location"]))
    # The same e-mail to a session is another invitation.
    speaker_invite = client.post(f"{URL}/new?kind=speaker", data=invite_form(session=panel.id))
    assert speaker_invite.status_code == 303 and count(Invitation) == 2


def test_inviting_a_withdrawn_invitee_again_renews_the_invitation(client, conference, organiser):
    english(client)  # flash messages are translated when the POST is made
    invitation = delegate(conference, "siti@example.org", "Siti Aminah")
    revoke(invitation)
    db.session.commit()
    response = client.post(URL + "/new?kind=delegate", data=invite_form())
    assert response.status_code == 303 and count(Invitation) == 1
    assert fresh(Invitation, invitation.id).status is InvitationStatus.PENDING
    assert count(OutboxMessage) == 2
    english(client)
    assert "is queued for sending" in text_of(client.get(response.headers["Location"]))


@pytest.mark.parametrize(("changes", "field"), [
    ({"full_name": ""}, "full_name"),
    ({"email": "bukan-email"}, "email"),
    ({"email": ""}, "email"),
    ({"sector": "army"}, "sector"),
    ({"language": "fr"}, "language"),
    ({"respond_by": "2027-02-01"}, "respond_by_time"),  # half a deadline
    ({"respond_by_time": "17:00"}, "respond_by"),
    ({"respond_by": "kemarin", "respond_by_time": "17:00"}, "respond_by"),
    ({"respond_by": "2020-01-01", "respond_by_time": "17:00"}, "respond_by"),  # the service: in the past
    ({"category": "999999"}, "category"),
])
def test_bad_input_is_shown_next_to_the_field_and_kept(client, conference, organiser, changes, field):
    response = client.post(URL + "/new?kind=delegate", data=invite_form(**changes))
    assert response.status_code == 422
    assert field_error(response, field)
    page = response.get_data(as_text=True)
    assert 'value="Kabupaten Sleman"' in page  # what was typed stays
    assert count(Invitation) == 0 and count(OutboxMessage) == 0 and count(InvitationToken) == 0


# --- one invitation ---------------------------------------------------------------------------


def test_detail_page_shows_the_invitation_its_history_and_messages(client, conference, organiser, states):
    eko = states["eko"]
    english(client)
    response = client.get(f"{URL}/{eko.id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "eko@example.org" in page and "Panel Perlindungan Sosial" in page
    assert "through the personal link" in page
    history = page.split('id="history"', 1)[1].split("</table>", 1)[0]
    assert "Invited Eko <eko@example.org>" in history and "accepted (by link)" in history
    messages = page.split('id="messages"', 1)[1].split("</table>", 1)[0]
    subjects = {m.subject for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "eko@example.org"))}
    assert len(subjects) == 2 and all(subject in messages for subject in subjects)
    if "mail.manage_message" in client.application.view_functions:
        first = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "eko@example.org"))
        assert f'href="/manage/konas/outbox/{first.id}"' in response.get_data(as_text=True)
    # Another invitee's messages and history are not listed.
    assert "ani@example.org" not in messages and "ani@example.org" not in history


def test_history_does_not_mix_up_similar_addresses(client, conference, organiser):
    ani = delegate(conference, "ani@example.org", "Ani")
    delegate(conference, "rani@example.org", "Rani")
    english(client)
    history = text_of(client.get(f"{URL}/{ani.id}")).split('id="history"', 1)[1].split("</table>", 1)[0]
    assert "ani@example.org" in history and "rani@example.org" not in history


def test_resend_sends_a_new_link_and_keeps_the_old_one(client, conference, organiser):
    english(client)  # flash messages are translated when the POST is made
    invitation = delegate(conference, "ani@example.org")
    response = client.post(f"{URL}/{invitation.id}/resend")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{URL}/{invitation.id}")
    row = fresh(Invitation, invitation.id)
    assert row.sent_count == 2 and count(InvitationToken) == 2 and count(OutboxMessage) == 2
    english(client)
    assert "queued for sending to ani@example.org again" in text_of(client.get(f"{URL}/{invitation.id}"))


def test_resend_after_the_deadline_is_refused(client, conference, organiser):
    invitation = delegate(conference, "ani@example.org")
    expire(invitation)
    page = client.get(f"{URL}/{invitation.id}").get_data(as_text=True)
    assert f"{invitation.id}/resend" not in page  # no button for an expired link
    response = client.post(f"{URL}/{invitation.id}/resend")
    assert response.status_code == 422 and 'id="action-errors"' in response.get_data(as_text=True)
    assert fresh(Invitation, invitation.id).sent_count == 1 and count(OutboxMessage) == 1


def test_revoke_frees_the_speakers_place(client, conference, organiser, panel):
    invitation = speaker(conference, panel, "eko@example.org", "Eko")
    page = client.get(f"{URL}/{invitation.id}").get_data(as_text=True)
    revoke_form = page.split('id="revoke"', 1)[1].split("</details>", 1)[0]  # behind a confirmation
    assert f'action="{URL}/{invitation.id}/revoke"' in revoke_form
    response = client.post(f"{URL}/{invitation.id}/revoke")
    assert response.status_code == 303
    assert fresh(Invitation, invitation.id).status is InvitationStatus.REVOKED
    assert count(SessionRole, SessionRole.session_id == panel.id) == 0
    assert count(AuditEntry, AuditEntry.action == "invitation.revoke") == 1
    page = client.get(f"{URL}/{invitation.id}").get_data(as_text=True)
    assert 'id="withdrawn-note"' in page and "/record" not in page and "/resend" not in page
    # Twice: nothing more happens.
    assert client.post(f"{URL}/{invitation.id}/revoke").status_code == 303
    assert count(AuditEntry, AuditEntry.action == "invitation.revoke") == 1


def test_revoking_an_accepted_delegate_cancels_the_registration(client, conference, organiser):
    invitation = delegate(conference, "ani@example.org", reserved_seat=True)
    answer(invitation, True)
    assert client.post(f"{URL}/{invitation.id}/revoke").status_code == 303
    registration = db.session.scalar(select(Registration))
    db.session.refresh(registration)
    assert registration.status is RegistrationStatus.CANCELLED


def test_record_an_answer_given_by_phone(client, conference, organiser):
    english(client)  # flash messages are translated when the POST is made
    invitation = delegate(conference, "ani@example.org", reserved_seat=True)
    response = client.post(f"{URL}/{invitation.id}/record",
                           data={"answer": "accept", "note": "Ditelepon hari Senin"})
    assert response.status_code == 303
    row = fresh(Invitation, invitation.id)
    assert row.status is InvitationStatus.ACCEPTED
    assert row.response_channel is ResponseChannel.ORGANISER and row.response_note == "Ditelepon hari Senin"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.accept"))
    assert entry.user_id == organiser.id
    registration = db.session.scalar(select(Registration))
    assert registration.status is RegistrationStatus.CONFIRMED and registration.reserved_seat
    # No receipt goes to the invitee for an answer the organisers recorded, but the
    # registration's manage link (sessions, ticket) does.
    assert count(OutboxMessage, OutboxMessage.kind == "invitation_answer") == 0
    assert count(OutboxMessage, OutboxMessage.kind == "registration_confirmation") == 1
    english(client)
    page = text_of(client.get(f"{URL}/{invitation.id}"))
    assert "Recorded: Ani accepted." in page and "recorded by an organiser" in page
    # The same answer again only updates the note.
    client.post(f"{URL}/{invitation.id}/record", data={"answer": "accept", "note": "Dikonfirmasi lagi"})
    assert fresh(Invitation, invitation.id).response_note == "Dikonfirmasi lagi"
    assert count(AuditEntry, AuditEntry.action == "invitation.accept") == 1


def test_recording_a_speakers_decline_tells_the_organisers(client, conference, organiser, panel):
    invitation = speaker(conference, panel, "eko@example.org", "Eko")
    response = client.post(f"{URL}/{invitation.id}/record", data={"answer": "decline", "note": ""})
    assert response.status_code == 303
    assert fresh(Invitation, invitation.id).status is InvitationStatus.DECLINED
    assert count(SessionRole, SessionRole.session_id == panel.id) == 0
    assert count(OutboxMessage, OutboxMessage.kind == "speaker_declined",
                 OutboxMessage.to_address == organiser.email) == 1


def test_recording_after_the_deadline_is_allowed(client, conference, organiser):
    invitation = delegate(conference, "ani@example.org")
    expire(invitation)
    assert client.post(f"{URL}/{invitation.id}/record", data={"answer": "decline"}).status_code == 303
    assert fresh(Invitation, invitation.id).status is InvitationStatus.DECLINED


def test_recording_an_acceptance_beyond_the_quota_is_refused(client, conference, organiser):
    heads = create_category(conference, "Kepala daerah", 1)
    first = delegate(conference, "ani@example.org", category=heads)
    second = delegate(conference, "budi@example.org", category=heads)
    answer(first, True)
    response = client.post(f"{URL}/{second.id}/record", data={"answer": "accept", "note": "per telepon"})
    assert response.status_code == 422
    assert field_error(response, "answer")
    row = fresh(Invitation, second.id)
    assert row.status is InvitationStatus.PENDING and row.response_note == ""
    assert fresh(InvitationCategory, heads.id).accepted_count == 1
    assert count(Registration) == 1


def test_record_needs_an_answer(client, conference, organiser):
    invitation = delegate(conference, "ani@example.org")
    response = client.post(f"{URL}/{invitation.id}/record", data={"note": "?"})
    assert response.status_code == 422 and field_error(response, "answer")
    assert fresh(Invitation, invitation.id).status is InvitationStatus.PENDING


def test_change_the_deadline(client, conference, organiser):
    invitation = delegate(conference, "ani@example.org")
    expire(invitation)
    response = client.post(f"{URL}/{invitation.id}/deadline",
                           data={"respond_by": "2027-03-01", "respond_by_time": "08:30"})
    assert response.status_code == 303
    assert fresh(Invitation, invitation.id).respond_by == datetime(2027, 3, 1, 8, 30, tzinfo=conference.zone)
    # The link is open again, so it can be sent again.
    assert client.post(f"{URL}/{invitation.id}/resend").status_code == 303


@pytest.mark.parametrize(("data", "field"), [
    ({"respond_by": "2020-03-01", "respond_by_time": "08:30"}, "respond_by"),
    ({"respond_by": "2027-03-01", "respond_by_time": ""}, "respond_by_time"),
    ({"respond_by": "", "respond_by_time": ""}, "respond_by"),
    ({"respond_by": "2027-03-01", "respond_by_time": "25:00"}, "respond_by_time"),
])
def test_bad_deadline_changes_nothing(client, conference, organiser, data, field):
    invitation = delegate(conference, "ani@example.org")
    before = invitation.respond_by
    response = client.post(f"{URL}/{invitation.id}/deadline", data=data)
    assert response.status_code == 422 and field_error(response, field)
    assert fresh(Invitation, invitation.id).respond_by == before


# --- categories -----------------------------------------------------------------------------


def test_categories_list_counts_and_add(client, conference, organiser, states):
    response = client.get(URL + "/categories")
    assert response.status_code == 200
    heads = f"category-{states['heads'].id}"
    assert cell(response, heads, "count-invited") == "3"  # Ani, Citra, Dewi
    assert cell(response, heads, "count-accepted") == "1"
    assert cell(response, heads, "quota") == "5"
    added = client.post(URL + "/categories", data={"name": "Masyarakat sipil", "quota": ""})
    assert added.status_code == 303 and added.headers["Location"].endswith(URL + "/categories")
    category = db.session.scalar(select(InvitationCategory).where(InvitationCategory.name == "Masyarakat sipil"))
    assert category.quota is None and category.conference_id == conference.id


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "KEPALA DAERAH"}, "name"),  # exists, whatever the case
    ({"name": ""}, "name"),
    ({"name": "Baru", "quota": "0"}, "quota"),
    ({"name": "Baru", "quota": "banyak"}, "quota"),
])
def test_adding_a_bad_category_changes_nothing(client, conference, organiser, states, data, field):
    response = client.post(URL + "/categories", data=data)
    assert response.status_code == 422 and field_error(response, field)
    assert count(InvitationCategory) == 2


def test_edit_a_category(client, conference, organiser, states):
    heads = states["heads"]
    response = client.post(f"{URL}/categories/{heads.id}", data={"name": "Kepala Daerah 2027", "quota": "10"})
    assert response.status_code == 303
    row = fresh(InvitationCategory, heads.id)
    assert (row.name, row.quota) == ("Kepala Daerah 2027", 10)
    # The quota cannot drop below the acceptances: the error is next to that row's field.
    response = client.post(f"{URL}/categories/{heads.id}", data={"name": "Kepala Daerah 2027", "quota": "0"})
    assert response.status_code == 422 and field_error(response, f"category-{heads.id}-quota")
    response = client.post(f"{URL}/categories/{states['ministries'].id}", data={"name": "Kepala Daerah 2027"})
    assert response.status_code == 422 and field_error(response, f"category-{states['ministries'].id}-name")
    assert fresh(InvitationCategory, states["ministries"].id).name == "Kementerian"


def test_quota_below_acceptances_is_refused(client, conference, organiser):
    heads = create_category(conference, "Kepala daerah", 5)
    for name in ("ani", "budi"):
        answer(delegate(conference, f"{name}@example.org", category=heads), True)
    response = client.post(f"{URL}/categories/{heads.id}", data={"name": "Kepala daerah", "quota": "1"})
    assert response.status_code == 422 and field_error(response, f"category-{heads.id}-quota")
    assert 'value="1"' in response.get_data(as_text=True)  # what was typed stays
    assert fresh(InvitationCategory, heads.id).quota == 5


def test_delete_a_category_keeps_its_invitations(client, conference, organiser, states):
    heads = states["heads"]
    page = client.get(URL + "/categories").get_data(as_text=True)
    row = page.split(f'<tr id="category-{heads.id}">', 1)[1].split("</tr>", 1)[0]
    # The delete button sits behind a confirmation that says what happens.
    assert f'action="{URL}/categories/{heads.id}/delete"' in row.split("<details>", 2)[2]
    response = client.post(f"{URL}/categories/{heads.id}/delete")
    assert response.status_code == 303
    assert fresh(InvitationCategory, heads.id) is None
    assert count(Invitation) == 7
    assert fresh(Invitation, states["ani"].id).category_id is None


# --- the conference's registration settings ----------------------------------------------------

DETAILS = {
    "title_id": "Konas", "title_en": "Konas", "timezone": "Asia/Jakarta", "timezone_other": "",
    "starts_on": "2027-03-10", "ends_on": "2027-03-11", "status": "published",
    "contact_email": "Panitia@Example.org", "registration_mode": "invitation_only",
    "registration_capacity": "300",
}


def test_registration_settings_are_saved_and_shown_publicly(client, conference, organiser):
    response = client.post("/manage/konas/details", data=DETAILS)
    assert response.status_code == 303
    row = fresh(Conference, conference.id)
    assert (row.contact_email, row.registration_mode, row.registration_capacity) == (
        "panitia@example.org", RegistrationMode.INVITATION_ONLY, 300)
    form = client.get("/manage/konas/details").get_data(as_text=True)
    assert '<option selected value="invitation_only">' in form and 'value="300"' in form
    english(client)
    public = client.get("/c/konas")
    assert "Registration is by invitation only." in text_of(public)
    # Empty capacity: no limit; the public page changes with the mode (and so does its ETag).
    assert client.post("/manage/konas/details", data={
        **DETAILS, "registration_capacity": "", "registration_mode": "closed"}).status_code == 303
    assert fresh(Conference, conference.id).registration_capacity is None
    again = client.get("/c/konas", headers={"If-None-Match": public.headers["ETag"]})
    assert again.status_code == 200 and "Registration is closed." in text_of(again)


@pytest.mark.parametrize(("changes", "field"), [
    ({"registration_capacity": "0"}, "registration_capacity"),
    ({"registration_capacity": "banyak"}, "registration_capacity"),
    ({"registration_mode": "sometimes"}, "registration_mode"),
    ({"contact_email": "bukan-email"}, "contact_email"),
])
def test_bad_registration_settings_change_nothing(client, conference, organiser, changes, field):
    response = client.post("/manage/konas/details", data={**DETAILS, **changes})
    assert response.status_code == 422 and field_error(response, field)
    row = fresh(Conference, conference.id)
    assert (row.registration_mode, row.registration_capacity, row.contact_email) == (
        RegistrationMode.OPEN, None, "")


def test_the_public_page_says_registration_is_open_by_default(client, make):
    make.conference(slug="terbuka")
    english(client)
    assert "Registration is open to everyone." in text_of(client.get("/c/terbuka"))


# --- valid HTML ----------------------------------------------------------------------------


def test_pages_are_valid_html(client, conference, organiser, states, panel, tmp_path):
    sent_days_ago(states["ani"], 3)
    eko = states["eko"]
    pages = {
        "list.html": client.get(URL),
        "list-filtered.html": client.get(f"{URL}?status=accepted&kind=speaker&category=none&q=e&sort=-deadline"),
        "new-delegate.html": client.get(URL + "/new?kind=delegate"),
        "new-speaker.html": client.get(f"{URL}/new?kind=speaker&session={panel.id}"),
        "new-errors.html": client.post(f"{URL}/new?kind=speaker", data=invite_form(
            full_name="", email="x", respond_by="2027-01-01")),
        "show-speaker.html": client.get(f"{URL}/{eko.id}"),
        "show-pending.html": client.get(f"{URL}/{states['ani'].id}"),
        "show-withdrawn.html": client.get(f"{URL}/{states['gita'].id}"),
        "show-errors.html": client.post(f"{URL}/{states['ani'].id}/deadline",
                                        data={"respond_by": "2020-01-01", "respond_by_time": ""}),
        "show-record-errors.html": client.post(f"{URL}/{states['ani'].id}/record", data={}),
        "categories.html": client.get(URL + "/categories"),
        "categories-errors.html": client.post(URL + "/categories", data={"name": "", "quota": "0"}),
        "category-edit-errors.html": client.post(f"{URL}/categories/{states['heads'].id}",
                                                 data={"name": "", "quota": "0"}),
        "details.html": client.get("/manage/konas/details"),
        "session-editor.html": client.get(f"/manage/konas/sessions/{panel.id}/edit"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []


def test_empty_pages_are_valid_html(client, conference, organiser, tmp_path):
    pages = {
        "list-empty.html": client.get(URL),
        "categories-empty.html": client.get(URL + "/categories"),
        "new-speaker-no-sessions.html": client.get(f"{URL}/new?kind=speaker"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []
