"""Organiser view of the audit log: who changed what and when, newest first."""
from __future__ import annotations

from flask import render_template, request
from flask_login import login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..pagination import paginate
from . import bp
from .models import AuditEntry

PER_PAGE = 50
SYSTEM = "system"  # the ?user= value for entries without a user (CLI, demo, workers)


@bp.get("/manage/<slug>/audit")
@login_required
def manage_log(slug: str):
    # Imported here: conferences.services writes the audit log, so importing it
    # at module level would be circular (audit/__init__ loads these views).
    from ..accounts.models import User
    from ..conferences.services import get_conference_or_404

    conference = get_conference_or_404(slug, manage=True)
    in_conference = AuditEntry.conference_id == conference.id

    # The filter choices come from the log itself: action prefixes
    # ("session", "import"…) and the users who appear in it.
    actions = db.session.scalars(select(AuditEntry.action).where(in_conference).distinct()).all()
    prefixes = sorted({action.split(".", 1)[0] for action in actions})
    users = db.session.scalars(
        select(User)
        .where(User.id.in_(select(AuditEntry.user_id).where(in_conference)))
        .order_by(User.email)
    ).all()

    query = select(AuditEntry).where(in_conference)
    prefix = request.args.get("action", "").strip()
    if prefix in prefixes:
        query = query.where(
            or_(AuditEntry.action == prefix,
                AuditEntry.action.startswith(prefix + ".", autoescape=True))
        )
    else:
        prefix = ""
    user_arg = request.args.get("user", "").strip()
    if user_arg == SYSTEM:
        query = query.where(AuditEntry.user_id.is_(None))
    elif user_arg.isdigit() and any(user.id == int(user_arg) for user in users):
        query = query.where(AuditEntry.user_id == int(user_arg))
    else:
        user_arg = ""
    page = paginate(
        query.options(selectinload(AuditEntry.user))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        per_page=PER_PAGE,
    )
    return render_template(
        "audit/manage/log.html",
        conference=conference,
        active="audit",
        page=page,
        prefixes=prefixes,
        users=users,
        prefix=prefix,
        user_arg=user_arg,
        system=SYSTEM,
        filtered=bool(prefix or user_arg),
    )
