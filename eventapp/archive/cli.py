"""`flask --app eventapp archive export <slug>` and `flask archive import <file>`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from .services import export_conference, import_conference
from .views import archive_json

archive_cli = AppGroup("archive", help="Export a whole conference to JSON, or import one.")


@archive_cli.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file (default: standard output).")
def export_command(slug: str, output: Path | None) -> None:
    """Write the conference SLUG, with everything that belongs to it, as a JSON archive."""
    conference = db.session.scalar(select(Conference).where(Conference.slug == slug))
    if conference is None:
        raise click.ClickException(f"no conference {slug!r}")
    text = archive_json(export_conference(conference))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


@archive_cli.command("import")
@click.argument("file", type=click.File("rb"))
def import_command(file) -> None:
    """Recreate a conference from a JSON archive (nothing is written if it is refused)."""
    try:
        conference = import_conference(file.read())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Imported conference /manage/{conference.slug}/")
