"""Every e-mail's HTML part is valid HTML5, in both languages; the plain-text
part says the same essentials (name, conference, link)."""
from __future__ import annotations

from sqlalchemy import select

from eventapp.agenda.models import RoleKind
from eventapp.extensions import db
from eventapp.invitations import services
from eventapp.mail.models import OutboxMessage

from ..checkers import validate_html


def test_every_mail_kind_is_valid_html_in_both_languages(make, tmp_path):
    conference = make.conference(title_id="Konferensi Uji", title_en="Test Conference",
                                 contact_email="panitia@example.org")
    make.organiser(conference)
    room = make.room(conference, "Ruang Anggrek")
    agenda_session = make.session(conference, room=room, title_id="Sesi Uji", title_en="Test session")
    for language in ("id", "en"):
        speaker, _ = services.invite_speaker(
            conference, agenda_session, RoleKind.MODERATOR,
            services.Invitee(f"moderator-{language}@example.org", "Nadia <Putri> & Co", language=language),
            message="Baris satu\nBaris dua",
        )
        delegate, _ = services.invite_delegate(
            conference, services.Invitee(f"tamu-{language}@example.org", "Eko Tamu", language=language),
            reserved_seat=True,
        )
        services.send_invitation(delegate, reminder=True)
        services.respond(delegate, True)
        services.respond(speaker, False, note="Maaf, <b>bentrok</b>.")
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    kinds = {(m.kind, m.language) for m in messages}
    assert kinds >= {(kind, language) for kind in ("invitation", "invitation_reminder", "invitation_answer")
                     for language in ("id", "en")}
    assert any(m.kind == "speaker_declined" for m in messages)
    pages = {f"{m.id}-{m.kind}-{m.language}.html": m.body_html.encode() for m in messages}
    assert validate_html(pages, tmp_path) == []
    for message in messages:
        assert f'<html lang="{message.language}">' in message.body_html
        if message.kind.startswith("invitation"):
            assert "/i/__EVENTAPP_SECRET__" in message.body_text  # the link, filled in when sending
            assert message.to_name.split(" ")[0] in message.body_text
    escaped = next(m for m in messages if m.to_address == "moderator-en@example.org")
    assert "Nadia &lt;Putri&gt; &amp; Co" in escaped.body_html
