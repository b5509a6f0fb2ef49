import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from .services import create_organiser

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-organiser")
@click.argument("email")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="EVENTAPP_PASSWORD",
    help="Password (asked for when not given; or set EVENTAPP_PASSWORD).",
)
@click.option(
    "--conference",
    "slugs",
    multiple=True,
    help="Slug of a conference this person organises (repeatable). Default: every conference.",
)
def create_organiser_command(email: str, password: str, slugs: tuple[str, ...]) -> None:
    """Create an organiser account, or update its password and conferences."""
    if slugs:
        conferences = list(db.session.scalars(select(Conference).where(Conference.slug.in_(slugs))))
        missing = sorted(set(slugs) - {c.slug for c in conferences})
        if missing:
            raise click.ClickException(f"no conference with slug: {', '.join(missing)}")
    else:
        conferences = list(db.session.scalars(select(Conference).order_by(Conference.id)))
    try:
        user = create_organiser(email, password, conferences)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    names = ", ".join(c.slug for c in conferences) or "no conference yet"
    click.echo(f"Organiser {user.email} can manage: {names}")
