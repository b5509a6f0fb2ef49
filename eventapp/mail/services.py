"""Queueing mail (in the caller's transaction) and delivering it (the worker).

Queue: `queue_mail(...)` renders the message in the recipient's language and
adds an OutboxMessage; it never sends, so a rolled-back change sends nothing.

Deliver: `deliver_due()` claims due messages with a conditional UPDATE (so two
workers never take the same message), sends each over one SMTP connection and
marks it sent in its own commit straight after the server accepted it. The
claim is a lease of MAIL_CLAIM_SECONDS, renewed while a batch runs; a worker
killed at any moment leaves its claimed messages to be taken again when the
lease runs out. Only a message the server had accepted in the instant before
the kill can go out twice, and it carries the same Message-ID both times.

Failures: a server that cannot be reached costs no attempt (the batch is handed
back); a 5xx refusal fails the message; a 4xx one retries it with exponential
back-off (MAIL_RETRY_BASE_SECONDS, doubling) until MAIL_MAX_ATTEMPTS; three 4xx
in a row, or a 421, end the batch. An organiser can retry a failed message
from the Outbox (`retry_now`).
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
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, insert, or_, select, update

from ..audit.services import record
from ..conferences.models import Conference
from ..db_types import utcnow
from ..errors import DomainError
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


def queue_mail(**message: Any) -> OutboxMessage:
    """Render `templates/mail/<template>.txt` and `.html` in `language` and queue
    them (compose_mail's message, added to the session)."""
    composed = compose_mail(**message)
    db.session.add(composed)
    return composed


def compose_mail(
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
    """The message to queue: `templates/mail/<template>.txt` and `.html`
    rendered in `language`, not yet added to the session.

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
        # 122 random bits; short enough that the header is never folded.
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
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
    return message


def queue_mail_many(
    recipients: Iterable[tuple[str, str]],
    *,
    language: str,
    template: str,
    subject: str | Callable[[], str],
    context: Mapping[str, Any],
    kind: str,
    conference=None,
) -> int:
    """Queue one identical message (no personal link, no greeting by name) to
    each (address, name): rendered once, inserted in one statement — for
    notices that go to thousands of attendees at once."""
    recipients = list(recipients)
    if not recipients:
        return 0
    language = language if language in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        subject_text = str(subject() if callable(subject) else subject)
        variables = {**context, "conference": conference, "recipient_name": "", "language": language}
        body_text = render_template(f"mail/{template}.txt", **variables)
        body_html = render_template(f"mail/{template}.html", subject=subject_text, **variables)
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "eventapp.local"
    now = utcnow()
    rows = [
        {
            "conference_id": getattr(conference, "id", None), "kind": kind,
            "message_id": f"<{uuid.uuid4().hex}@{domain}>", "to_address": to, "to_name": name,
            "language": language, "subject": subject_text[:300], "body_text": body_text,
            "body_html": body_html, "attachments": [], "secret": None,
            "status": MessageStatus.PENDING, "attempts": 0, "next_attempt_at": now,
            "last_error": "", "created_at": now,
        }
        for to, name in recipients
    ]
    db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message: plain text, an HTML alternative, and any attachments."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = Address(display_name=message.to_name, addr_spec=message.to_address) if message.to_name else message.to_address
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.created_at)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(reveal(message, message.body_text))
    email.add_alternative(reveal(message, message.body_html), subtype="html")
    for item in message.attachments or []:
        maintype, subtype = item["content_type"].split("/", 1)
        params = {"method": "PUBLISH"} if item["content_type"] == "text/calendar" else {}
        email.add_attachment(item["text"].encode(), maintype=maintype, subtype=subtype,
                             filename=item["filename"], params=params)
    # After the content: set_content() and add_alternative() drop Content-* headers.
    email["Content-Language"] = message.language
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


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config["MAIL_CLAIM_SECONDS"]))


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


def claim(limit: int, worker: str, now: datetime | None = None) -> list[OutboxMessage]:
    """Take up to `limit` due messages for `worker`, committed before any is sent.

    Returns them detached from the session (snapshots as claimed), so the
    commit after each message does not reload the rest of the batch."""
    now = now or utcnow()
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
        .values(status=MessageStatus.SENDING, claimed_by=worker, claimed_until=now + _lease()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    messages = list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claimed_by == worker, OutboxMessage.status == MessageStatus.SENDING)
        .order_by(OutboxMessage.id)
    ))
    for message in messages:
        db.session.expunge(message)
    db.session.rollback()
    return messages


def _renew(messages: list[OutboxMessage], worker: str) -> set[int]:
    """Extend our claim on the messages not yet sent; returns the ids still ours.

    A claim that ran out may have been taken by another worker (which then
    sends the message): those must not be sent by us as well."""
    ids = [message.id for message in messages]
    mine = and_(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker,
                OutboxMessage.status == MessageStatus.SENDING)
    db.session.execute(
        update(OutboxMessage).where(mine).values(claimed_until=utcnow() + _lease()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    still_mine = set(db.session.scalars(select(OutboxMessage.id).where(mine)))
    db.session.rollback()
    return still_mine


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
    try:
        if not config["MAIL_USE_SSL"] and config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


# Temporary refusals (4xx) in a row after which the batch stops: the server is
# in trouble, and trying every other message now would only use up their attempts.
TEMPORARY_REFUSALS_BEFORE_PAUSE = 3


def deliver_batch(limit: int = 50, worker: str | None = None) -> DeliveryReport:
    """Claim and send one batch over one SMTP connection.

    A server that cannot be reached costs the messages no attempt; a refusal
    does: 5xx fails the message at once, 4xx retries it with back-off until
    MAIL_MAX_ATTEMPTS. The claim is renewed while the batch runs, so a slow
    batch is never taken over by another worker."""
    worker = worker or new_worker_id()
    report = DeliveryReport()
    claimed_at = utcnow()
    messages = claim(limit, worker, claimed_at)
    report.claimed = len(messages)
    if not messages:
        return report
    lease = _lease()
    renew_at = claimed_at + lease / 2
    lost: set[int] = set()
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:
        reason = _describe(error)
        report.released += _release(messages, worker, last_error=reason)
        report.stopped_early = reason
        return report
    max_attempts = int(current_app.config["MAIL_MAX_ATTEMPTS"])
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    temporary_in_a_row = 0
    try:
        for index, message in enumerate(messages):
            if utcnow() >= renew_at:
                rest = messages[index:]
                lost |= {m.id for m in rest} - _renew(rest, worker)
                renew_at = utcnow() + lease / 2
            if message.id in lost:
                continue
            attempts = message.attempts + 1
            try:
                email = build_email(message)
            except (ValueError, TypeError, KeyError, MessageError) as error:  # cannot be built, ever
                _finish(message, worker, status=MessageStatus.FAILED, attempts=attempts,
                        last_error=f"cannot build the message: {_describe(error)}"[:1000])
                report.failed += 1
                continue
            try:
                smtp.send_message(email, from_addr=sender, to_addrs=[message.to_address])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                code, text = _smtp_error(error)
                reply = f"{code} {text}"[:1000]
                if 500 <= code < 600 or attempts >= max_attempts:  # refused for good
                    _finish(message, worker, status=MessageStatus.FAILED, attempts=attempts, last_error=reply)
                    report.failed += 1
                else:
                    _finish(message, worker, status=MessageStatus.PENDING, attempts=attempts,
                            next_attempt_at=utcnow() + retry_delay(attempts), last_error=reply)
                    report.retrying += 1
                temporary_in_a_row = temporary_in_a_row + 1 if 400 <= code < 500 else 0
                # 421: the server is closing the connection.
                if code == 421 or temporary_in_a_row >= TEMPORARY_REFUSALS_BEFORE_PAUSE:
                    report.released += _release(messages[index + 1:], worker)
                    report.stopped_early = reply
                    break
            except smtplib.SMTPNotSupportedError as error:  # e.g. an address that needs SMTPUTF8
                _finish(message, worker, status=MessageStatus.FAILED, attempts=attempts,
                        last_error=_describe(error)[:1000])
                report.failed += 1
                temporary_in_a_row = 0
            except (OSError, smtplib.SMTPException) as error:
                # The connection broke while this message was on its way: it
                # counts as an attempt (the message may be the cause), the rest waits.
                reason = _describe(error)
                _finish(message, worker, status=MessageStatus.PENDING, attempts=attempts,
                        next_attempt_at=utcnow() + retry_delay(attempts), last_error=reason[:1000])
                report.retrying += 1
                report.released += _release(messages[index + 1:], worker)
                report.stopped_early = reason
                smtp.close()
                break
            else:
                _finish(message, worker, status=MessageStatus.SENT, sent_at=utcnow(),
                        attempts=attempts, secret=None, last_error="")
                report.sent += 1
                temporary_in_a_row = 0
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return report


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _smtp_error(error: smtplib.SMTPException) -> tuple[int, str]:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (550, b"recipient refused"))
        return int(code), text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    code = int(getattr(error, "smtp_code", 0) or 0)
    text = getattr(error, "smtp_error", b"")
    return code, text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def _release(messages: list[OutboxMessage], worker: str, last_error: str | None = None) -> int:
    """Hand back claimed messages that were not tried (no attempt counted)."""
    if not messages:
        return 0
    values: dict[str, Any] = {"status": MessageStatus.PENDING, "claimed_by": None, "claimed_until": None,
                              "next_attempt_at": utcnow() + retry_delay(1)}
    if last_error is not None:
        values["last_error"] = last_error[:1000]
    released = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in messages]), OutboxMessage.claimed_by == worker,
               OutboxMessage.status == MessageStatus.SENDING)
        .values(**values),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return released


def deliver_due(batch_size: int = 50, worker: str | None = None,
                should_stop: Callable[[], bool] = lambda: False) -> DeliveryReport:
    """Send everything due now, batch after batch; stop when the server refuses
    or cannot be reached, or when `should_stop()` says so between batches."""
    total = DeliveryReport()
    while not should_stop():
        report = deliver_batch(batch_size, worker)
        total.merge(report)
        if report.claimed == 0 or report.stopped_early:
            break
    return total


def retry_now(message: OutboxMessage, *, actor=None) -> None:
    """An organiser asks to try a failed message again: it is due at once,
    with a fresh count of attempts."""
    if message.status is not MessageStatus.FAILED:
        raise DomainError(_("Only a failed message can be tried again."))
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_by = None
    message.claimed_until = None
    db.session.flush()
    conference = db.session.get(Conference, message.conference_id) if message.conference_id else None
    if conference is not None:
        record(conference, actor, "mail.retry",
               f"Queued “{message.subject}” to {message.to_address} again (last error: {message.last_error or '—'})")
