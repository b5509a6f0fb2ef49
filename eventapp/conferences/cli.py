import click
from flask.cli import AppGroup

from ..accounts.models import MembershipRole
from ..accounts.services import find_user, grant_role
from ..errors import DomainError
from ..extensions import db
from .services import create_conference

conferences_cli = AppGroup("conferences", help="Manage conferences.")


@conferences_cli.command("create")
@click.argument("slug")
@click.option("--title", required=True, help="Title in Indonesian.")
@click.option("--title-en", default="", help="Title in English.")
@click.option("--starts", "starts_on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day, YYYY-MM-DD.")
@click.option("--ends", "ends_on", type=click.DateTime(["%Y-%m-%d"]), help="Last day (default: the first).")
@click.option("--timezone", default="Asia/Jakarta", show_default=True, help="IANA time zone.")
@click.option("--organiser", "organisers", multiple=True, help="E-mail of an existing account to make organiser (repeatable).")
def create_command(slug, title, title_en, starts_on, ends_on, timezone, organisers) -> None:
    """Create an empty draft conference; organisers then build it in the browser."""
    users = []
    for email in organisers:
        user = find_user(email)
        if user is None:
            raise click.ClickException(f"no account {email}: create it with `users create-organiser`")
        users.append(user)
    try:
        conference = create_conference(
            slug=slug, title_id=title, title_en=title_en, starts_on=starts_on.date(),
            ends_on=(ends_on or starts_on).date(), timezone=timezone,
        )
    except DomainError as error:
        raise click.ClickException(f"{error.field or 'conference'}: {error.message}") from None
    for user in users:
        grant_role(user, conference, MembershipRole.ORGANISER)
    db.session.commit()
    click.echo(f"Created draft conference /manage/{conference.slug}/")
