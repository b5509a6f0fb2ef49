"""The invitee's pages, reached by personal link (no account needed)."""
from __future__ import annotations

from flask import abort

from . import bp
from .services import find_by_token


@bp.route("/i/<token>", methods=["GET", "POST"])
def respond(token: str):
    invitation = find_by_token(token)
    if invitation is None:
        abort(404)
    return "placeholder"
