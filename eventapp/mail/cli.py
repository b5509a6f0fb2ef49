"""`flask --app eventapp mail send`: the delivery worker."""
from __future__ import annotations

import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from .models import MessageStatus, OutboxMessage
from .services import deliver_due, delivery_enabled

mail_cli = AppGroup("mail", help="Outgoing mail.")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking for mail every --interval seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks with --loop.")
@click.option("--batch", default=50, show_default=True, help="Messages per SMTP connection.")
def send_command(loop: bool, interval: float, batch: int) -> None:
    """Deliver the messages that are due (once, or as a loop with --loop).

    Safe to stop at any moment and to run several at once."""
    if not delivery_enabled():
        waiting = db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == MessageStatus.PENDING)
        )
        click.echo(f"Mail delivery is off (MAIL_DELIVERY={current_app.config['MAIL_DELIVERY']}): "
                   f"{waiting} message(s) kept in the Outbox. Set MAIL_DELIVERY=smtp and MAIL_SERVER to send.")
        return
    stopping = False

    def stop(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    if loop:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    while True:
        report = deliver_due(batch, should_stop=lambda: stopping)
        if report.claimed or not loop:
            line = f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
            if report.stopped_early:
                line += f" (stopped: {report.stopped_early})"
            click.echo(line)
        if not loop or stopping:
            return
        slept = 0.0
        while slept < interval and not stopping:
            time.sleep(0.2)
            slept += 0.2
        if stopping:
            return
