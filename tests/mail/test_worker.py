"""The delivery worker against a real SMTP server on loopback (aiosmtpd)."""
from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from eventapp.db_types import utcnow
from eventapp.extensions import db
from eventapp.invitations.services import Invitee, invite_delegate
from eventapp.mail.models import MessageStatus, OutboxMessage
from eventapp.mail.services import DeliveryReport, claim, deliver_batch, deliver_due

from .conftest import NO_SUCH_USER, TRY_LATER, free_port, invite_delegates, outbox, status_counts, wait_until

BULK = 514  # Indonesia's regional heads


def assert_each_delivered_once(smtp_server, rows) -> None:
    """Every message of the outbox arrived exactly once, and nothing else did."""
    received = smtp_server.received
    assert len(received) == len(rows)
    assert sorted(address for item in received for address in item.rcpt_tos) == sorted(r.to_address for r in rows)
    message_ids = [item.message_id for item in received]
    assert len(set(message_ids)) == len(rows)
    assert set(message_ids) == {row.message_id for row in rows}
    for row in rows:
        assert row.status is MessageStatus.SENT
        assert row.sent_at is not None
        assert row.secret is None  # the personal link is not kept once sent
        assert row.claimed_by is None


def test_a_bulk_invitation_of_514_is_delivered_exactly_once(make, runner, smtp_delivery):
    conference = make.conference()
    invite_delegates(conference, BULK)
    assert status_counts()[MessageStatus.PENDING] == BULK

    result = runner.invoke(args=["mail", "send", "--batch", "50"])
    assert result.exit_code == 0, result.output
    assert f"sent {BULK}, retrying 0, failed 0" in result.output
    rows = outbox()
    assert len(rows) == BULK
    assert_each_delivered_once(smtp_delivery, rows)
    assert all(row.attempts == 1 for row in rows)


def test_a_worker_killed_while_the_server_refuses_loses_and_repeats_nothing(make, smtp_server, workers):
    conference = make.conference()
    invite_delegates(conference, BULK)
    smtp_server.accept_limit = 200  # then "451 try later" to everything

    first = workers.start("--loop", "--interval", "0.2", "--batch", "50")
    wait_until(lambda: smtp_server.counts()[1] >= 6, what="the server to refuse a few messages")
    first.send_signal(signal.SIGKILL)
    assert first.wait(10) == -signal.SIGKILL
    assert smtp_server.counts()[0] == 200
    counts = status_counts()
    assert counts[MessageStatus.SENT] == 200
    assert counts[MessageStatus.FAILED] == 0
    assert counts[MessageStatus.PENDING] + counts[MessageStatus.SENDING] == BULK - 200

    smtp_server.accept_limit = None  # the server is back
    second = workers.start("--loop", "--interval", "0.2", "--batch", "50")
    wait_until(lambda: status_counts()[MessageStatus.SENT] == BULK, timeout=90,
               what="the restarted worker to send the rest")
    assert workers.stop(second) == 0, workers.output(second)
    rows = outbox()
    assert_each_delivered_once(smtp_server, rows)
    retried = [row for row in rows if row.attempts > 1]
    assert retried and all(row.last_error == "" for row in retried)
    refused_ids = {item.message_id for item in smtp_server.refused}
    assert refused_ids <= {row.message_id for row in retried}  # the same Message-ID on every attempt


# --- retries, failures, outages -----------------------------------------------------------


def make_due(*rows) -> None:
    """Let the back-off delay pass (instead of waiting for it)."""
    ids = [row.id for row in rows]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                       .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_a_temporary_refusal_is_retried_with_growing_back_off(make, app, smtp_delivery, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 60.0)
    invite_delegates(make.conference(), 1)
    smtp_delivery.refuse_with = TRY_LATER
    for attempt, delay in ((1, 60), (2, 120), (3, 240)):
        before = utcnow()
        report = deliver_due()
        assert (report.claimed, report.sent, report.retrying, report.failed) == (1, 0, 1, 0)
        [row] = outbox()
        assert row.status is MessageStatus.PENDING
        assert row.attempts == attempt
        assert row.last_error == TRY_LATER
        assert before + timedelta(seconds=delay) <= row.next_attempt_at <= utcnow() + timedelta(seconds=delay)
        assert deliver_due().claimed == 0  # not due again before the delay
        make_due(row)

    smtp_delivery.refuse_with = None
    assert deliver_due().sent == 1
    [row] = outbox()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENT, 4, "")
    # Every attempt carried the same Message-ID, so the receiver can tell a repeat.
    assert [item.message_id for item in smtp_delivery.refused] == [row.message_id] * 3
    assert [item.message_id for item in smtp_delivery.received] == [row.message_id]


def test_too_many_temporary_refusals_fail_the_message(make, app, smtp_delivery, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    invite_delegates(make.conference(), 1)
    smtp_delivery.refuse_with = TRY_LATER
    for _ in range(3):
        deliver_due()
        make_due(*outbox())
    [row] = outbox()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.FAILED, 3, TRY_LATER)
    assert row.secret is not None  # kept, so that an organiser's retry still sends a working link
    smtp_delivery.refuse_with = None
    assert deliver_due().claimed == 0  # failed is final until someone retries
    assert smtp_delivery.received == []


def test_a_permanent_refusal_fails_that_message_and_the_others_go(make, smtp_delivery):
    invite_delegates(make.conference(), 3)
    smtp_delivery.refuse_recipients = {"kepala002@daerah.example": NO_SUCH_USER}
    report = deliver_due()
    assert (report.sent, report.retrying, report.failed) == (2, 0, 1)
    by_address = {row.to_address: row for row in outbox()}
    refused = by_address.pop("kepala002@daerah.example")
    assert (refused.status, refused.attempts, refused.last_error) == (MessageStatus.FAILED, 1, NO_SUCH_USER)
    assert refused.sent_at is None
    assert all(row.status is MessageStatus.SENT for row in by_address.values())
    assert sorted(smtp_delivery.recipients()) == sorted(by_address)


def test_a_message_refused_at_data_with_5xx_fails(make, smtp_delivery):
    invite_delegates(make.conference(), 1)
    smtp_delivery.refuse_with = "554 5.6.0 message content rejected"
    assert deliver_due().failed == 1
    [row] = outbox()
    assert (row.status, row.last_error) == (MessageStatus.FAILED, "554 5.6.0 message content rejected")


def test_three_temporary_refusals_in_a_row_pause_the_batch(make, smtp_delivery):
    invite_delegates(make.conference(), 10)
    smtp_delivery.refuse_with = TRY_LATER
    report = deliver_due()
    assert (report.claimed, report.retrying, report.released) == (10, 3, 7)
    assert report.stopped_early == TRY_LATER
    rows = outbox()
    assert [row.attempts for row in rows] == [1, 1, 1] + [0] * 7  # the untried ones lose no attempt
    assert all(row.status is MessageStatus.PENDING and row.claimed_by is None for row in rows)


def test_an_unreachable_server_loses_nothing_and_costs_no_attempt(make, app, smtp_delivery, monkeypatch):
    invite_delegates(make.conference(), 5)
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    report = deliver_due()
    assert (report.claimed, report.sent, report.released) == (5, 0, 5)
    assert "ConnectionRefusedError" in report.stopped_early
    rows = outbox()
    for row in rows:
        assert (row.status, row.attempts, row.claimed_by) == (MessageStatus.PENDING, 0, None)
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at > utcnow()  # the worker waits before trying again

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_delivery.port)  # the server is back
    make_due(*rows)
    assert deliver_due().sent == 5
    assert_each_delivered_once(smtp_delivery, outbox())


def test_a_claim_that_ran_out_is_taken_again(make, app, smtp_delivery, monkeypatch):
    invite_delegates(make.conference(), 4)
    monkeypatch.setitem(app.config, "MAIL_CLAIM_SECONDS", 0.5)
    dead = claim(10, "worker-that-died")  # claimed, then the process was killed
    assert len(dead) == 4
    assert deliver_due().claimed == 0  # still someone else's
    assert status_counts()[MessageStatus.SENDING] == 4
    time.sleep(0.6)
    report = deliver_due()
    assert (report.claimed, report.sent) == (4, 4)
    assert_each_delivered_once(smtp_delivery, outbox())


def test_two_workers_at_once_never_send_a_message_twice_even_when_the_server_is_slow(
        make, app, smtp_delivery, monkeypatch):
    """The first worker's batch takes longer than its claim: it renews the claim
    as it goes, so the second worker cannot take the messages it has not reached."""
    invite_delegates(make.conference(), 16)
    monkeypatch.setitem(app.config, "MAIL_CLAIM_SECONDS", 1.0)
    smtp_delivery.data_delay = 0.15  # 16 messages: about 2.5 s in one batch
    errors: list[BaseException] = []
    reports: dict[str, DeliveryReport] = {}
    first_started = threading.Event()

    def run(name: str, work: Callable[[], DeliveryReport]) -> None:
        try:
            with app.app_context():
                reports[name] = work()
        except BaseException as error:  # noqa: BLE001 (re-raised in the test's thread)
            errors.append(error)

    def second_worker() -> DeliveryReport:
        first_started.wait(5)
        wait_until(lambda: db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                       or_(OutboxMessage.claimed_by == "first", OutboxMessage.status == MessageStatus.SENT))) == 16,
                   timeout=5, what="the first worker's claim")
        db.session.rollback()
        total = DeliveryReport()
        while first.is_alive():  # polls all the time the first one works
            total.merge(deliver_due(4, worker="second"))
            time.sleep(0.05)
        total.merge(deliver_due(4, worker="second"))
        return total

    def first_worker() -> DeliveryReport:
        first_started.set()
        return deliver_batch(16, worker="first")

    first = threading.Thread(target=run, args=("first", first_worker))
    second = threading.Thread(target=run, args=("second", second_worker))
    first.start()
    second.start()
    first.join(30)
    second.join(30)
    assert errors == []
    assert reports["first"].sent + reports["second"].sent == 16
    assert reports["second"].sent == 0
    assert_each_delivered_once(smtp_delivery, outbox())


def test_several_worker_processes_at_once_send_each_message_once(make, smtp_server, workers):
    invite_delegates(make.conference(), 120)
    smtp_server.data_delay = 0.01
    processes = [workers.start("--batch", "5") for _ in range(3)]
    for process in processes:
        assert process.wait(60) == 0, workers.output(process)
    sent = [int(re.search(r"sent (\d+)", workers.output(p)).group(1)) for p in processes]
    assert sum(sent) == 120
    assert sum(1 for count in sent if count) >= 2, sent  # they really worked at the same time
    assert_each_delivered_once(smtp_server, outbox())


def test_a_rolled_back_change_queues_nothing(make, smtp_delivery):
    conference = make.conference()
    invite_delegate(conference, Invitee(email="batal@example.org", full_name="Batal"))
    db.session.flush()  # the message exists inside the transaction…
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    db.session.rollback()  # …and goes with it
    assert status_counts()[MessageStatus.PENDING] == 0
    assert deliver_due().claimed == 0
    assert smtp_delivery.received == []


def test_with_delivery_off_mail_send_says_so_and_sends_nothing(make, app, runner, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    assert app.config["MAIL_DELIVERY"] == "keep"
    invite_delegates(make.conference(), 2)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0
    assert "Mail delivery is off (MAIL_DELIVERY=keep): 2 message(s) kept in the Outbox" in result.output
    assert smtp_server.received == []
    assert [(row.status, row.attempts) for row in outbox()] == [(MessageStatus.PENDING, 0)] * 2
