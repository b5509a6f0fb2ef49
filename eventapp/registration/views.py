"""Public registration pages (placeholder: the form and the manage page come next)."""
from __future__ import annotations

from flask import abort

from . import bp
from .services import find_by_manage_token


@bp.route("/r/<token>", methods=["GET", "POST"])
def manage(token: str):
    registration = find_by_manage_token(token)
    if registration is None:
        abort(404)
    return "placeholder"
