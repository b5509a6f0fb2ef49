import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..conferences.models import Conference
from ..errors import DomainError
from ..extensions import db
from .models import MembershipRole
from .services import create_organiser, grant_role

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
@click.option(
    "--role",
    type=click.Choice([role.value for role in MembershipRole]),
    default=MembershipRole.ORGANISER.value,
    show_default=True,
    help="organiser: runs the conference; checkin: check-in staff, who use the check-in desk only; "
    "viewer: sees the organiser pages but changes nothing.",
)
def create_organiser_command(email: str, password: str, slugs: tuple[str, ...], role: str) -> None:
    """Create an organiser (or check-in staff, or viewer) account, or update its password and conferences."""
    if slugs:
        conferences = list(db.session.scalars(select(Conference).where(Conference.slug.in_(slugs))))
        missing = sorted(set(slugs) - {c.slug for c in conferences})
        if missing:
            raise click.ClickException(f"no conference with slug: {', '.join(missing)}")
    else:
        conferences = list(db.session.scalars(select(Conference).order_by(Conference.id)))
    membership_role = MembershipRole(role)
    staff = membership_role is not MembershipRole.ORGANISER
    try:
        # Check-in staff and viewers: the same account rules, then their role instead of organiser.
        user = create_organiser(email, password, [] if staff else conferences)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if staff:
        for conference in conferences:
            grant_role(user, conference, membership_role)
    db.session.commit()
    names = ", ".join(c.slug for c in conferences) or "no conference yet"
    if membership_role is MembershipRole.CHECKIN:
        click.echo(f"Check-in staff {user.email} can use the check-in desk of: {names}")
    elif membership_role is MembershipRole.VIEWER:
        click.echo(f"Viewer {user.email} can see (not change) the organiser pages of: {names}")
    else:
        click.echo(f"Organiser {user.email} can manage: {names}")
