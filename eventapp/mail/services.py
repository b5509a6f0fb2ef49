"""Queueing mail (in the caller's transaction) and delivering it (the worker).

Queue: `queue_mail(...)` renders the message in the recipient's language and
adds an OutboxMessage; it never sends, so a rolled-back change sends nothing.

Deliver: `deliver_due()` claims due messages with a conditional UPDATE (so two
workers never take the same message), sends each over one SMTP connection and
marks it sent in its own commit straight after the server accepted it. A worker
killed at any moment leaves its claimed messages to be taken again when the
claim runs out; only a message the server had accepted in the instant before
the kill can go out twice, and it carries the same Message-ID both times.
"""
from __future__ import annotations

import base64
import hashlib
import smtplib
import socket
import ssl
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import and_, or_, select, update

from ..db_types import utcnow
from ..extensions import db
from .models import MessageStatus, OutboxMessage

# Where a personal link's secret goes in a stored body; replaced when sending.
SECRET_PLACEHOLDER = "__EVENTAPP_SECRET__"


# --- links and secrets -----------------------------------------------------------


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under BASE_URL; works in requests, the CLI and the worker."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"eventapp outbox secret\0" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str | None) -> str | None:
    if not sealed:
        return None
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed since queueing: the link cannot be rebuilt
        return None


def reveal(message: OutboxMessage, text: str) -> str:
    """The body with its personal link filled in (for sending, or the development Outbox)."""
    secret = unseal(message.secret)
    return text.replace(SECRET_PLACEHOLDER, secret) if secret else text


# --- queueing --------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    text: str


def queue_mail(
    *,
    to: str,
    name: str = "",
    language: str,
    template: str,
    subject: str | Callable[[], str],
    context: Mapping[str, Any],
    kind: str,
    conference=None,
    secret: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` and `.html` in `language` and queue them.

    `subject` is a lazy string or a function called in that language. Put
    SECRET_PLACEHOLDER where a personal token goes and pass the token as `secret`.
    """
    language = language if language in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        subject_text = str(subject() if callable(subject) else subject)
        variables = {**context, "conference": conference, "recipient_name": name, "language": language}
        body_text = render_template(f"mail/{template}.txt", **variables)
        body_html = render_template(f"mail/{template}.html", subject=subject_text, **variables)
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "eventapp.local"
    message = OutboxMessage(
        conference_id=getattr(conference, "id", None),
        kind=kind,
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
        to_address=to,
        to_name=name,
        language=language,
        subject=subject_text[:300],
        body_text=body_text,
        body_html=body_html,
        attachments=[{"filename": a.filename, "content_type": a.content_type, "text": a.text}
                     for a in attachments],
        secret=seal(secret) if secret else None,
        status=MessageStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message: plain text, an HTML alternative, and any attachments."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = Address(display_name=message.to_name, addr_spec=message.to_address) if message.to_name else message.to_address
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["Content-Language"] = message.language
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(reveal(message, message.body_text))
    email.add_alternative(reveal(message, message.body_html), subtype="html")
    for item in message.attachments or []:
        maintype, subtype = item["content_type"].split("/", 1)
        params = {"method": "PUBLISH"} if item["content_type"] == "text/calendar" else {}
        email.add_attachment(item["text"].encode(), maintype=maintype, subtype=subtype,
                             filename=item["filename"], params=params)
    return email


# --- delivering --------------------------------------------------------------------


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0
    stopped_early: str = ""

    def merge(self, other: DeliveryReport) -> None:
        for name in ("claimed", "sent", "retrying", "failed", "released"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.stopped_early = other.stopped_early or self.stopped_early


def delivery_enabled() -> bool:
    return current_app.config["MAIL_DELIVERY"] == "smtp"


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: base, 2×base, 4×base… capped at an hour."""
    base = float(current_app.config["MAIL_RETRY_BASE_SECONDS"])
    return timedelta(seconds=min(base * (2 ** max(attempts - 1, 0)), 3600.0))


def claim(limit: int, worker: str, now: datetime | None = None) -> list[OutboxMessage]:
    """Take up to `limit` due messages for `worker`, committed before any is sent."""
    now = now or utcnow()
    lease = timedelta(seconds=float(current_app.config["MAIL_CLAIM_SECONDS"]))
    due = and_(
        OutboxMessage.next_attempt_at <= now,
        or_(
            OutboxMessage.status == MessageStatus.PENDING,
            # A worker that died mid-batch: its claim has run out.
            and_(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_until < now),
        ),
    )
    candidates = db.session.scalars(
        select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    ).all()
    if not candidates:
        db.session.rollback()
        return []
    # The WHERE is evaluated again under the row lock, so a message another
    # worker claimed in the meantime is not taken twice.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), due)
        .values(status=MessageStatus.SENDING, claimed_by=worker, claimed_until=now + lease),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claimed_by == worker, OutboxMessage.status == MessageStatus.SENDING)
        .order_by(OutboxMessage.id)
    ))


def _finish(message: OutboxMessage, worker: str, **values: Any) -> None:
    """Update a claimed message and commit at once (only while the claim is ours)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == worker,
               OutboxMessage.status == MessageStatus.SENDING)
        .values(claimed_by=None, claimed_until=None, **values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def _connect() -> smtplib.SMTP:
    config = current_app.config
    timeout = float(config["MAIL_TIMEOUT_SECONDS"])
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def deliver_batch(limit: int = 50, worker: str | None = None) -> DeliveryReport:
    """Claim and send one batch over one SMTP connection."""
    worker = worker or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
    report = DeliveryReport()
    messages = claim(limit, worker)
    report.claimed = len(messages)
    if not messages:
        return report
    max_attempts = int(current_app.config["MAIL_MAX_ATTEMPTS"])
    smtp: smtplib.SMTP | None = None
    try:
        for index, message in enumerate(messages):
            try:
                if smtp is None:
                    smtp = _connect()
                email = build_email(message)
                smtp.send_message(email, from_addr=current_app.config["MAIL_DEFAULT_SENDER"],
                                  to_addrs=[message.to_address])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
                    smtplib.SMTPResponseException) as error:
                code, text = _smtp_error(error)
                attempts = message.attempts + 1
                if 500 <= code < 600 or attempts >= max_attempts:  # refused for good
                    _finish(message, worker, status=MessageStatus.FAILED, attempts=attempts,
                            last_error=f"{code} {text}"[:1000])
                    report.failed += 1
                else:
                    _finish(message, worker, status=MessageStatus.PENDING, attempts=attempts,
                            next_attempt_at=utcnow() + retry_delay(attempts),
                            last_error=f"{code} {text}"[:1000])
                    report.retrying += 1
                if isinstance(error, smtplib.SMTPServerDisconnected) or code in (421,):
                    smtp = None
                    report.released += _release(messages[index + 1:], worker)
                    report.stopped_early = f"{code} {text}"
                    break
            except (OSError, smtplib.SMTPException) as error:
                # The server is unreachable or hung up: nothing more can go now.
                attempts = message.attempts + 1
                _finish(message, worker, status=MessageStatus.PENDING, attempts=attempts,
                        next_attempt_at=utcnow() + retry_delay(attempts), last_error=str(error)[:1000] or type(error).__name__)
                report.retrying += 1
                report.released += _release(messages[index + 1:], worker)
                report.stopped_early = str(error) or type(error).__name__
                smtp = None
                break
            else:
                _finish(message, worker, status=MessageStatus.SENT, sent_at=utcnow(),
                        attempts=message.attempts + 1, secret=None, last_error="")
                report.sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return report


def _smtp_error(error: smtplib.SMTPException) -> tuple[int, str]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (550, b"recipient refused"))
        return int(code), text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    code = int(getattr(error, "smtp_code", 0) or 0)
    text = getattr(error, "smtp_error", b"")
    return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def _release(messages: list[OutboxMessage], worker: str) -> int:
    """Hand back claimed messages that were not tried (no attempt counted)."""
    if not messages:
        return 0
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in messages]), OutboxMessage.claimed_by == worker,
               OutboxMessage.status == MessageStatus.SENDING)
        .values(status=MessageStatus.PENDING, claimed_by=None, claimed_until=None,
                next_attempt_at=utcnow() + retry_delay(1)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return len(messages)


def deliver_due(batch_size: int = 50, worker: str | None = None) -> DeliveryReport:
    """Send everything due now, batch after batch; stop when the server refuses."""
    total = DeliveryReport()
    while True:
        report = deliver_batch(batch_size, worker)
        total.merge(report)
        if report.claimed == 0 or report.stopped_early:
            return total


def retry_now(message: OutboxMessage) -> None:
    """An organiser asks to try a failed message again."""
    from ..errors import DomainError
    from flask_babel import gettext as _

    if message.status is not MessageStatus.FAILED:
        raise DomainError(_("Only a failed message can be tried again."))
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = ""
    db.session.flush()
