"""Bulk invitations from a CSV file: upload → preview (nothing written) →
confirm (everyone invited, or nobody), per-row errors at their line and
column, duplicates, people already invited skipped, categories created,
and 514 rows in a bounded number of queries."""
from __future__ import annotations

import html
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.invitations.models import (
    Invitation,
    InvitationCategory,
    InvitationKind,
    InvitationStatus,
    InvitationToken,
)
from eventapp.invitations.services import Invitee, find_by_token, invite_delegate, revoke
from eventapp.mail.models import OutboxMessage
from eventapp.mail.services import SECRET_PLACEHOLDER, unseal
from eventapp.people.models import Gender, Sector

from ..checkers import validate_html

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def bulk_entries(conference) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.conference_id == conference.id,
                                 AuditEntry.action == "invitation.bulk")
    ))


def invitations(conference) -> dict[str, Invitation]:
    db.session.expire_all()
    return {i.email: i for i in db.session.scalars(select(Invitation).where(Invitation.conference_id == conference.id))}


def nothing_written(conference) -> bool:
    return (count(Invitation, Invitation.conference_id == conference.id),
            count(InvitationToken), count(OutboxMessage),
            count(InvitationCategory, InvitationCategory.conference_id == conference.id),
            len(bulk_entries(conference))) == (0, 0, 0, 0, 0)


@pytest.fixture
def conf(make, auth, client):
    """A draft conference, its organiser signed in, the pages in English."""
    conference = make.conference(published=False, contact_email="panitia@example.org")
    client.post("/language", data={"lang": "en", "next": "/"})
    auth.login(make.organiser(conference))
    return conference


def upload(client, conference, content: str | bytes, filename: str = "undangan.csv", **options):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        f"/manage/{conference.slug}/invitations/import",
        data={"file": (io.BytesIO(data), filename), **options},
        content_type="multipart/form-data",
    )


def carried(response) -> dict[str, str]:
    """The hidden fields of the preview's confirm form, as a browser would send them."""
    page = response.get_data(as_text=True)
    form = re.search(r'<form[^>]*id="confirm-import".*?</form>', page, re.S)
    assert form, "no confirm form on the page"
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', form[0]))
    return {name: html.unescape(value).replace("\n", "\r\n") for name, value in fields.items()}


def confirm(client, conference, data: dict[str, str]):
    return client.post(f"/manage/{conference.slug}/invitations/import/confirm", data=data)


def errors_on_page(response) -> list[tuple[int, str | None]]:
    """(line, column) of every problem in the preview's error summary."""
    page = response.get_data(as_text=True)
    summary = page.split('id="row-errors"', 1)[1].split("</div>", 1)[0] if 'id="row-errors"' in page else ""
    return [
        (int(line), column or None)
        for line, column in re.findall(r'href="#line-(\d+)">[^<]*</a>(?:, <code>([a-z_]+)</code>)?', summary)
    ]


def counter(response, name: str) -> int:
    match = re.search(rf'id="count-{name}">(\d+)<', response.get_data(as_text=True))
    assert match, f"no count-{name} on the page"
    return int(match[1])


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def invite(conference, email: str, **kw) -> Invitation:
    invitation, _created = invite_delegate(conference, Invitee(email=email, full_name=kw.pop("name", "Tamu")), **kw)
    db.session.commit()
    return invitation


GOOD = (
    "name,email,honorific,position,organisation,sector,gender,language,category\n"
    'Rina Kusumawati,Rina@Example.org,Dr.,Bupati,"Kabupaten Sleman, DIY",Pemerintah daerah,Perempuan,,Kepala Daerah\n'
    "Agus Santoso,agus@example.org,,Direktur,Kementerian Dalam Negeri,central_government,MAN,EN,kementerian\n"
    "Dewi Anggraini,dewi@example.org,,,,,,id,\n"
)


# --- the page ---------------------------------------------------------------------


def test_import_page_has_the_form_the_options_and_the_column_help(client, conf):
    response = client.get(f"/manage/{conf.slug}/invitations/import")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    for name in ("reserved_seat", "respond_by", "message"):
        assert f'name="{name}"' in page
    assert f"/manage/{conf.slug}/invitations/import/example.csv" in page
    assert "name, email, honorific, position, organisation, sector, gender, language, category" in page
    assert 'id="preview-heading"' not in page


def test_example_file_downloads_and_imports_cleanly(client, conf):
    response = client.get(f"/manage/{conf.slug}/invitations/import/example.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data == (DOCS / "invitations-example.csv").read_bytes()
    preview = upload(client, conf, response.data)
    assert preview.status_code == 200, errors_on_page(preview)
    assert confirm(client, conf, carried(preview)).status_code == 303
    rows = len(response.data.decode().strip().splitlines()) - 1
    assert count(Invitation, Invitation.conference_id == conf.id) == rows


# --- preview and confirm -----------------------------------------------------------------


def test_preview_lists_every_row_and_writes_nothing(client, conf):
    response = upload(client, conf, GOOD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert all(f'id="line-{line}"' in page for line in (2, 3, 4))
    assert "Dr. Rina Kusumawati" in page and "rina@example.org" in page
    assert (counter(response, "rows"), counter(response, "invite"), counter(response, "problems")) == (3, 3, 0)
    assert 'id="confirm-import"' in page and "Invite 3 people" in page
    assert 'id="new-categories"' in page and "Kepala Daerah" in page and "kementerian" in page
    assert nothing_written(conf)


def test_confirm_invites_everyone_with_the_options_tokens_mail_and_one_audit_entry(client, conf):
    day = date.today() + timedelta(days=40)
    preview = upload(client, conf, GOOD, reserved_seat="y", respond_by=day.isoformat(),
                     message="Mohon hadir tepat waktu.")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Mohon hadir tepat waktu." in page and 'id="import-options"' in page
    response = confirm(client, conf, carried(preview))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/manage/{conf.slug}/invitations")
    assert flashes(client) == ["Invited 3 people."]

    invited = invitations(conf)
    assert set(invited) == {"rina@example.org", "agus@example.org", "dewi@example.org"}
    rina, agus, dewi = invited["rina@example.org"], invited["agus@example.org"], invited["dewi@example.org"]
    assert (rina.full_name, rina.honorific, rina.position, rina.organisation, rina.sector, rina.gender,
            rina.language) == ("Rina Kusumawati", "Dr.", "Bupati", "Kabupaten Sleman, DIY",
                               Sector.REGIONAL_GOVERNMENT, Gender.WOMAN, "id")
    assert (agus.sector, agus.gender, agus.language) == (Sector.CENTRAL_GOVERNMENT, Gender.MAN, "en")
    assert (dewi.sector, dewi.gender, dewi.category) == (Sector.OTHER, Gender.NOT_STATED, None)
    deadline = datetime.combine(day, time(23, 59), tzinfo=conf.zone).astimezone(UTC)
    for invitation in invited.values():
        assert invitation.kind is InvitationKind.DELEGATE and invitation.status is InvitationStatus.PENDING
        assert invitation.reserved_seat and invitation.message == "Mohon hadir tepat waktu."
        assert invitation.respond_by == deadline
        assert invitation.sent_count == 1 and len(invitation.tokens) == 1
    assert {c.name for c in db.session.scalars(select(InvitationCategory))} == {"Kepala Daerah", "kementerian"}
    assert rina.category.name == "Kepala Daerah" and agus.category.name == "kementerian"

    messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == set(invited)
    agus_mail = messages["agus@example.org"]
    assert agus_mail.language == "en" and agus_mail.subject.startswith("Invitation:")
    assert "Mohon hadir tepat waktu." in agus_mail.body_text and "A seat is reserved for you." in agus_mail.body_text
    assert SECRET_PLACEHOLDER in agus_mail.body_text
    assert find_by_token(unseal(agus_mail.secret)).id == agus.id  # the link opens this invitation
    assert messages["rina@example.org"].language == "id"

    [entry] = bulk_entries(conf)
    assert "Invited 3 people from a CSV file" in entry.summary


def test_without_options_the_usual_deadline_applies_and_no_seat_is_reserved(client, conf):
    from eventapp.invitations.services import default_respond_by

    before = default_respond_by(conf)
    preview = upload(client, conf, GOOD)
    assert confirm(client, conf, carried(preview)).status_code == 303
    for invitation in invitations(conf).values():
        assert not invitation.reserved_seat and invitation.message == ""
        assert before <= invitation.respond_by <= default_respond_by(conf)


# --- errors ---------------------------------------------------------------------------


def test_every_bad_row_is_listed_at_its_line_and_column_and_nothing_is_imported(client, conf):
    content = (
        "name,email,honorific,sector,gender,language,category\n"
        ",satu@example.org,,,,,\n"                               # 2: name
        "Dua,not-an-address,,,,,\n"                              # 3: email
        "Tiga,,,,,,\n"                                            # 4: email missing
        "Empat,empat@example.org,,nowhere,robot,fr,\n"            # 5: sector, gender, language
        f"Lima,lima@example.org,{'x' * 41},,,,{'k' * 121}\n"      # 6: honorific, category too long
        "Enam,enam@example.org,,academia,woman,en,Akademisi\n"   # 7: fine
        "Tujuh,tujuh@example.org,,,,,,extra\n"                   # 8: more values than columns
        f"{'N' * 201},delapan@example.org,,,,,\n"                 # 9: name too long
    )
    response = upload(client, conf, content)
    assert response.status_code == 422
    assert sorted(errors_on_page(response)) == [
        (2, "name"), (3, "email"), (4, "email"), (5, "gender"), (5, "language"), (5, "sector"),
        (6, "category"), (6, "honorific"), (8, None), (9, "name"),
    ]
    page = response.get_data(as_text=True)
    assert "civil_society" in page and "not_stated" in page  # the allowed values are named
    assert 'id="confirm-import"' not in page
    assert counter(response, "problem-rows") == 7
    assert nothing_written(conf)
    # Confirming the text anyway imports nothing either (all or nothing).
    response = confirm(client, conf, {"text": content})
    assert response.status_code == 422
    assert len(errors_on_page(response)) == 10
    assert nothing_written(conf)


def test_one_bad_row_among_good_ones_blocks_the_whole_file(client, conf):
    content = GOOD + "Orang Keempat,keempat@example,,,,,,,\n"
    response = confirm(client, conf, {"text": content})
    assert response.status_code == 422
    assert errors_on_page(response) == [(5, "email")]
    assert nothing_written(conf)


def test_every_duplicate_e_mail_in_the_file_names_the_first_line(client, conf):
    content = (
        "email,name\n"
        "sama@example.org,Satu\n"
        "lain@example.org,Dua\n"
        " SAMA@example.org ,Tiga\n"
        "Sama@Example.org,Empat\n"
    )
    response = upload(client, conf, content)
    assert response.status_code == 422
    assert errors_on_page(response) == [(4, "email"), (5, "email")]
    assert response.get_data(as_text=True).count("The same e-mail address is on line 2.") == 4  # summary + table
    assert nothing_written(conf)


def test_line_numbers_count_the_header_blank_lines_and_quoted_line_breaks(client, conf):
    content = 'name,email,organisation\nSatu,satu@example.org,"Dinas A\nBagian B"\n\nDua,bukan-alamat,\n'
    response = upload(client, conf, content)
    assert errors_on_page(response) == [(5, "email")]


# --- people already invited, categories, quotas ------------------------------------------------


def test_people_already_invited_are_skipped_and_a_revoked_invitation_is_renewed(client, conf):
    waiting = invite(conf, "rina@example.org", name="Rina K.")
    withdrawn = invite(conf, "dewi@example.org", name="Dewi A.")
    revoke(withdrawn)
    db.session.commit()
    messages_before = count(OutboxMessage)

    response = upload(client, conf, GOOD)
    assert response.status_code == 200
    assert (counter(response, "invite"), counter(response, "skipped")) == (2, 1)
    page = response.get_data(as_text=True)
    assert 'id="skipped-note"' in page and "No answer yet" in page
    assert "The earlier invitation was withdrawn." in page

    assert confirm(client, conf, carried(response)).status_code == 303
    assert flashes(client) == ["Invited 2 people. 1 was already invited and was skipped."]
    invited = invitations(conf)
    assert len(invited) == 3
    rina = invited["rina@example.org"]
    assert (rina.id, rina.full_name, rina.sent_count, rina.category) == (waiting.id, "Rina K.", 1, None)
    dewi = invited["dewi@example.org"]
    assert (dewi.id, dewi.status, dewi.full_name, dewi.sent_count) == (
        withdrawn.id, InvitationStatus.PENDING, "Dewi Anggraini", 2)
    assert count(OutboxMessage) == messages_before + 2
    assert "1 already invited, skipped" in bulk_entries(conf)[0].summary


def test_a_speaker_invitation_does_not_count_as_invited_to_attend(client, conf, make):
    from eventapp.agenda.models import RoleKind
    from eventapp.invitations.services import invite_speaker

    session = make.session(conf)
    invite_speaker(conf, session, RoleKind.SPEAKER, Invitee(email="agus@example.org", full_name="Agus"))
    db.session.commit()
    response = upload(client, conf, GOOD)
    assert (counter(response, "invite"), counter(response, "skipped")) == (3, 0)


def test_double_submitted_confirm_invites_nobody_twice(client, conf):
    data = carried(upload(client, conf, GOOD))
    assert confirm(client, conf, data).status_code == 303
    messages = count(OutboxMessage)
    again = confirm(client, conf, data)
    assert again.status_code == 303
    assert flashes(client)[-1] == "Nobody new to invite: all 3 people in the file were already invited."
    assert count(Invitation, Invitation.conference_id == conf.id) == 3
    assert count(InvitationToken) == 3 and count(OutboxMessage) == messages
    assert count(InvitationCategory, InvitationCategory.conference_id == conf.id) == 2
    assert len(bulk_entries(conf)) == 1
    # Uploading the file again says so before anything else.
    preview = upload(client, conf, GOOD)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert 'id="nothing-to-invite"' in page and 'id="confirm-import"' not in page


def test_two_confirms_at_the_same_moment_invite_once(app, client, make):
    """Two browser tabs (or a double click reaching two workers) confirm the same file."""
    import threading

    conference = make.conference(published=False)
    organiser = make.organiser(conference)
    clients = []
    for _n in range(2):
        tab = app.test_client()  # each request in its own app context, like `client`
        assert tab.post("/login", data={"email": organiser.email, "password": make.TEST_PASSWORD}).status_code == 303
        clients.append(tab)
    text = regional_heads(120)
    url = f"/manage/{conference.slug}/invitations/import/confirm"
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(index: int) -> None:
        barrier.wait(timeout=10)
        try:
            results[index] = clients[index].post(url, data={"text": text}).status_code
        except Exception as error:  # noqa: BLE001 — shown by the assertion below
            results[index] = repr(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [303, 303]
    assert count(Invitation, Invitation.conference_id == conference.id) == 120
    assert count(OutboxMessage, OutboxMessage.conference_id == conference.id) == 120
    assert len(bulk_entries(conference)) == 1


def test_existing_categories_are_found_ignoring_case_and_new_ones_created_once(client, conf):
    existing = InvitationCategory(conference=conf, name="Kepala daerah")
    db.session.add(existing)
    db.session.commit()
    content = (
        "name,email,category\n"
        "Satu,satu@example.org,KEPALA DAERAH\n"
        "Dua,dua@example.org,Masyarakat  Sipil\n"
        "Tiga,tiga@example.org,masyarakat sipil\n"
    )
    preview = upload(client, conf, content)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    new = page.split('id="new-categories"', 1)[1].split("</p>", 1)[0]
    assert "Masyarakat Sipil" in new and "Kepala" not in new
    assert count(InvitationCategory, InvitationCategory.conference_id == conf.id) == 1
    assert confirm(client, conf, carried(preview)).status_code == 303
    invited = invitations(conf)
    assert invited["satu@example.org"].category_id == existing.id
    assert invited["dua@example.org"].category.name == "Masyarakat Sipil"
    assert invited["dua@example.org"].category_id == invited["tiga@example.org"].category_id
    assert count(InvitationCategory, InvitationCategory.conference_id == conf.id) == 2
    assert "new categories: Masyarakat Sipil" in bulk_entries(conf)[0].summary
    # A category named only by people already invited is not created.
    again = upload(client, conf, content + "Empat,empat@example.org,Akademisi\n"
                                           "Lima,lima@example.org,Media\n").get_data(as_text=True)
    assert "Akademisi" in again.split('id="new-categories"', 1)[1].split("</p>", 1)[0]
    assert 'id="new-categories"' in again
    preview = upload(client, conf, "name,email,category\nSatu,satu@example.org,Lainnya\n")
    assert 'id="new-categories"' not in preview.get_data(as_text=True)
    assert 'id="nothing-to-invite"' in preview.get_data(as_text=True)
    assert confirm(client, conf, {"text": "name,email,category\nSatu,satu@example.org,Lainnya\n"}).status_code == 303
    assert count(InvitationCategory, InvitationCategory.conference_id == conf.id) == 2


def test_inviting_more_people_than_a_quota_is_a_warning_not_an_error(client, conf):
    heads = InvitationCategory(conference=conf, name="Kepala daerah", quota=2)
    db.session.add(heads)
    db.session.commit()
    invite(conf, "lama@example.org", category=heads)
    content = "name,email,category\nSatu,satu@example.org,Kepala daerah\nDua,dua@example.org,kepala daerah\n"
    preview = upload(client, conf, content)
    assert preview.status_code == 200
    warnings = preview.get_data(as_text=True).split('id="import-warnings"', 1)[1].split("</div>", 1)[0]
    assert "Kepala daerah" in warnings and "3 open invitations for a quota of 2" in warnings
    assert confirm(client, conf, carried(preview)).status_code == 303
    assert count(Invitation, Invitation.category_id == heads.id) == 3
    # Within the quota: no warning.
    roomy = upload(client, conf, "name,email,category\nTiga,tiga@example.org,\n")
    assert 'id="import-warnings"' not in roomy.get_data(as_text=True)


# --- scale ------------------------------------------------------------------------------------


def regional_heads(count_: int) -> str:
    lines = ["name,email,honorific,position,organisation,sector,gender,language,category"]
    for n in range(1, count_ + 1):
        lines.append(f"Kepala Daerah {n},kepala{n}@example.org,Bapak,Bupati,Kabupaten {n},"
                     f"regional_government,{'woman' if n % 5 == 0 else 'man'},{'en' if n % 7 == 0 else 'id'},"
                     "Kepala daerah")
    return "\n".join(lines) + "\n"


def test_514_rows_make_514_invitations_tokens_and_messages_in_a_bounded_number_of_queries(
    client, make, auth, count_queries
):
    conf, small = make.conference(published=False), make.conference(published=False)
    auth.login(make.organiser(conf, small))
    with count_queries() as few:
        assert confirm(client, small, {"text": regional_heads(5)}).status_code == 303
    with count_queries() as many:
        assert confirm(client, conf, {"text": regional_heads(514)}).status_code == 303
    assert count(Invitation, Invitation.conference_id == conf.id) == 514
    assert count(InvitationToken, InvitationToken.invitation_id.in_(
        select(Invitation.id).where(Invitation.conference_id == conf.id))) == 514
    assert count(OutboxMessage, OutboxMessage.conference_id == conf.id) == 514
    assert count(OutboxMessage, OutboxMessage.conference_id == conf.id, OutboxMessage.language == "en") == 73
    assert count(InvitationCategory, InvitationCategory.conference_id == conf.id) == 1
    # No query per row: the same reads for 5 rows as for 514.
    def reads(statements):
        return [q for q in statements if q.lstrip().upper().startswith("SELECT")]

    assert len(reads(many)) == len(reads(few)), (len(reads(few)), len(reads(many)))
    if db.engine.dialect.name == "postgresql":
        # The INSERTs are batched too (SQLite's driver sends them row by row, in-process).
        assert len(many) == len(few), (len(few), len(many))
    # The preview of the same file is bounded too.
    with count_queries() as preview_queries:
        assert upload(client, conf, regional_heads(514)).status_code == 200
    assert len(preview_queries) <= 12


# --- the mails ------------------------------------------------------------------------------

TRICKY = (
    "name,email,honorific,language\n"
    "Siti Aminah,siti@example.org,Hj.,id\n"
    "Kevin O'Brien & <Sons>,kevin@example.org,Mr.,en\n"
    "Made \"Agung\" Putra,made@example.org,,id\n"
)


def test_each_invitee_gets_their_own_mail_and_link(client, conf):
    preview = upload(client, conf, TRICKY, reserved_seat="y", message="Salam <hormat> & terima kasih",
                     respond_by=(date.today() + timedelta(days=30)).isoformat())
    assert confirm(client, conf, carried(preview)).status_code == 303
    mail = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert len({m.message_id for m in mail.values()}) == 3
    for invitation in invitations(conf).values():
        message = mail[invitation.email]
        assert message.language == invitation.language and message.kind == "invitation"
        assert find_by_token(unseal(message.secret)).id == invitation.id
        assert invitation.display_name in message.body_text
    assert "Kevin O&#39;Brien &amp; &lt;Sons&gt;" in mail["kevin@example.org"].body_html
    assert "Salam &lt;hormat&gt; &amp; terima kasih" in mail["siti@example.org"].body_html


# --- the upload and the options are validated ------------------------------------------------------


def test_wrong_type_missing_file_and_oversized_file_are_refused(client, conf, monkeypatch):
    assert upload(client, conf, GOOD, filename="undangan.xlsx").status_code == 422
    missing = client.post(f"/manage/{conf.slug}/invitations/import", data={},
                          content_type="multipart/form-data")
    assert missing.status_code == 422
    assert 'id="file-error"' in missing.get_data(as_text=True)
    monkeypatch.setattr("eventapp.invitations.bulk_views.MAX_UPLOAD_BYTES", 50)
    response = upload(client, conf, GOOD)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page and 'id="preview-heading"' not in page
    assert nothing_written(conf)


@pytest.mark.parametrize("content", [
    "name,email\nJosé Ramos,jose@example.org\n".encode("latin-1"),
    b"name,email\x00\x00\n",
])
def test_a_file_that_is_not_utf8_text_is_refused(client, conf, content):
    response = upload(client, conf, content)
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("content", "message"), [
    ("", "The file is empty."),
    ("\n \n", "The file is empty."),
    ("name,email\n", "The file has a header but no rows to import."),
    ("name,email,twitter\nX,x@example.org,@x\n", "The column “twitter” is not known."),
    ("name,organisation\nX,Y\n", "The required column “email” is missing."),
    ("name,email,Email\nX,x@example.org,y@example.org\n", "The column “Email” appears twice."),
])
def test_file_errors(client, conf, content, message):
    response = upload(client, conf, content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = page.split('id="file-errors"', 1)[1].split("</div>", 1)[0]
    assert html.escape(message, quote=False) in errors or message in errors
    assert 'id="confirm-import"' not in page
    assert nothing_written(conf)


def test_too_many_rows_is_a_file_error(client, conf, monkeypatch):
    monkeypatch.setattr("eventapp.invitations.bulk.MAX_ROWS", 2)
    response = upload(client, conf, GOOD)
    assert response.status_code == 422
    assert 'id="file-errors"' in response.get_data(as_text=True)


def test_semicolons_a_byte_order_mark_and_other_column_spellings_are_understood(client, conf):
    content = "\ufeffFull Name;E-mail;Organisation\r\n\"Dewi Anggraini\";dewi@example.org;\"Koalisi; Perempuan\"\r\n"
    preview = upload(client, conf, content.encode("utf-8"))
    assert preview.status_code == 200, errors_on_page(preview)
    assert confirm(client, conf, carried(preview)).status_code == 303
    dewi = invitations(conf)["dewi@example.org"]
    assert (dewi.full_name, dewi.organisation) == ("Dewi Anggraini", "Koalisi; Perempuan")


@pytest.mark.parametrize(("options", "field"), [
    ({"respond_by": (date.today() - timedelta(days=2)).isoformat()}, "respond_by"),
    ({"respond_by": "31/12/2030"}, "respond_by"),
    ({"message": "x" * 2001}, "message"),
])
def test_bad_options_are_shown_next_to_their_field(client, conf, options, field):
    response = upload(client, conf, GOOD, **options)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and 'id="preview-heading"' not in page
    assert nothing_written(conf)


def test_confirm_checks_the_text_and_the_options_again(client, conf):
    data = carried(upload(client, conf, GOOD))
    for tampered in ({"text": ""}, {"respond_by": "2030-02-31"}, {"reserved_seat": "maybe"},
                     {"respond_by": (date.today() - timedelta(days=1)).isoformat()}):
        response = confirm(client, conf, {**data, **tampered})
        assert response.status_code == 422, tampered
        assert 'id="file-error"' in response.get_data(as_text=True) or \
            'id="respond_by-error"' in response.get_data(as_text=True)
    response = confirm(client, conf, {"text": "name,email\nX,x@example\n"})
    assert response.status_code == 422 and errors_on_page(response) == [(2, "email")]
    assert nothing_written(conf)


# --- HTML -----------------------------------------------------------------------------------------


def test_import_pages_are_valid_html(client, conf, tmp_path):
    heads = InvitationCategory(conference=conf, name="Kepala Daerah", quota=1)
    db.session.add(heads)
    db.session.commit()
    invite(conf, "rina@example.org")
    bad = GOOD + ",bukan-alamat,,,,nowhere,,xx,\n" + "Agus Lagi,AGUS@example.org,,,,,,,\n"
    pages = {
        "import.html": client.get(f"/manage/{conf.slug}/invitations/import"),
        "import-preview.html": upload(client, conf, GOOD + "Satu Lagi,satu@example.org,,,,,,,kepala daerah\n"
                                      "Dua Lagi,dua@example.org,,,,,,,Kepala Daerah\n",
                                      reserved_seat="y", message="Salam"),
        "import-preview-errors.html": upload(client, conf, bad),
        "import-file-errors.html": upload(client, conf, "name,twitter\nX,@x\n"),
        "import-upload-error.html": upload(client, conf, b"\xff\xfe", respond_by="nope"),
    }
    assert [r.status_code for r in pages.values()] == [200, 200, 422, 422, 422]
    preview = pages["import-preview.html"].get_data(as_text=True)
    assert all(marker in preview for marker in ('id="skipped-note"', 'id="new-categories"', 'id="import-warnings"'))
    assert validate_html({name: r.data for name, r in pages.items()}, tmp_path) == []
