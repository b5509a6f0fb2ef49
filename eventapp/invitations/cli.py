"""`flask --app eventapp invitations remind`: for a daily scheduled job."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..conferences.models import Conference
from ..extensions import db
from .services import remind_pending

invitations_cli = AppGroup("invitations", help="Invitations.")


@invitations_cli.command("remind")
@click.option("--conference", "slug", help="Only this conference (its address, e.g. konas-2019).")
def remind_command(slug: str | None) -> None:
    """Remind everyone who has not answered (at most once every two days per person)."""
    query = select(Conference).order_by(Conference.id)
    if slug:
        query = query.where(Conference.slug == slug)
    conferences = list(db.session.scalars(query))
    if slug and not conferences:
        raise click.ClickException(f"No conference with the address {slug!r}.")
    total = 0
    for conference in conferences:
        count = remind_pending(conference)
        db.session.commit()
        total += count
        if count or slug:
            click.echo(f"{conference.slug}: {count} reminder(s) queued")
    click.echo(f"{total} reminder(s) queued in all")
