"""The organiser's Outbox: the conference's messages, what became of each, and
a retry for those that failed. With MAIL_DELIVERY=keep (development) nothing is
sent, and the Outbox shows each message with its personal link filled in, so
organisers can try the invitee's side. Organisers only: viewers (read-only
team members) get 404, since messages carry personal links."""
from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import defer

from ..conferences.forms import ConfirmForm
from ..conferences.models import Conference
from ..conferences.services import get_conference_or_404
from ..errors import DomainError
from ..extensions import db
from ..i18n import _l
from ..pagination import like_pattern, paginate, search_term
from . import bp
from .models import MESSAGE_STATUS_LABELS, MessageStatus, OutboxMessage
from .services import SECRET_PLACEHOLDER, delivery_enabled, retry_now, reveal

PER_PAGE = 25
SEARCHED = (OutboxMessage.to_address, OutboxMessage.to_name, OutboxMessage.subject)
KIND_LABELS = {
    "invitation": _l("Invitation"),
    "invitation_reminder": _l("Reminder"),
    "invitation_answer": _l("Confirmation of an answer"),
    "speaker_declined": _l("A speaker declined"),
}
# A URL in a plain-text body, without the punctuation that may end a sentence after it.
URL_RE = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)]")


def _message_or_404(conference: Conference, message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.conference_id != conference.id:
        abort(404)
    return message


def linkify(text: str) -> Markup:
    """Escaped plain text with its web addresses made into links."""
    escaped = str(escape(text))
    return Markup(URL_RE.sub(lambda match: f'<a href="{match.group(0)}">{match.group(0)}</a>', escaped))


@bp.get("/manage/<slug>/outbox")
@login_required
def manage_outbox(slug: str):
    conference = get_conference_or_404(slug, manage=True, organisers_only=True)
    in_conference = OutboxMessage.conference_id == conference.id
    counts = {status: 0 for status in MessageStatus}
    for value, count in db.session.execute(
        select(OutboxMessage.status, func.count()).where(in_conference).group_by(OutboxMessage.status)
    ):
        counts[value] = count

    # The list needs no bodies: leave them in the database.
    query = select(OutboxMessage).where(in_conference).options(
        defer(OutboxMessage.body_text), defer(OutboxMessage.body_html),
        defer(OutboxMessage.attachments), defer(OutboxMessage.secret),
    )
    status = request.args.get("status", "")
    if status in {member.value for member in MessageStatus}:
        query = query.where(OutboxMessage.status == MessageStatus(status))
    else:
        status = ""
    term = search_term()
    if term:
        pattern = like_pattern(term)
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in SEARCHED)))
    page = paginate(query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()), per_page=PER_PAGE)
    return render_template(
        "mail/manage/outbox.html",
        conference=conference,
        active="outbox",
        page=page,
        counts=counts,
        total=sum(counts.values()),
        status=status,
        term=term,
        status_labels=MESSAGE_STATUS_LABELS,
        keep=not delivery_enabled(),
    )


def _render_message(conference: Conference, message: OutboxMessage, form: ConfirmForm):
    # Kept (development): fill in the personal link so the organiser can follow it.
    # Sending: the stored copy as it is; the link cannot be rebuilt once sent.
    keep = not delivery_enabled()
    text = reveal(message, message.body_text) if keep else message.body_text
    html = reveal(message, message.body_html) if keep else message.body_html
    return render_template(
        "mail/manage/message.html",
        conference=conference,
        active="outbox",
        message=message,
        form=form,
        keep=keep,
        text=linkify(text),
        html=html,
        link_filled=text != message.body_text or html != message.body_html,
        has_placeholder=SECRET_PLACEHOLDER in text,
        placeholder=SECRET_PLACEHOLDER,
        kind_label=KIND_LABELS.get(message.kind, message.kind),
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        attachments=[{**item, "size": len(item.get("text", "").encode())} for item in message.attachments or []],
    )


@bp.get("/manage/<slug>/outbox/<int:message_id>")
@login_required
def manage_message(slug: str, message_id: int):
    conference = get_conference_or_404(slug, manage=True, organisers_only=True)
    message = _message_or_404(conference, message_id)
    return _render_message(conference, message, ConfirmForm())


@bp.post("/manage/<slug>/outbox/<int:message_id>/retry")
@login_required
def manage_retry(slug: str, message_id: int):
    conference = get_conference_or_404(slug, manage=True, organisers_only=True)
    message = _message_or_404(conference, message_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            retry_now(message, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            address = message.to_address
            db.session.commit()
            flash(_("The message to %(address)s will be sent again.", address=address), "success")
            return redirect(url_for("mail.manage_message", slug=slug, message_id=message_id), code=303)
    return _render_message(conference, message, form), 422
