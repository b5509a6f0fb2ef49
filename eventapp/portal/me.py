"""The signed-in person's start page: every conference they speak at, attend or help run."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from . import bp
from .services import my_conferences


@bp.get("/me")
@login_required
def me():
    return render_template("portal/me.html", entries=my_conferences(current_user))
