"""Invitations: speaker and delegate invitations, RSVP by personal link, dashboards."""
from flask import Blueprint

bp = Blueprint("invitations", __name__)

from . import manage, public  # noqa: E402,F401
from . import bulk_views  # noqa: E402,F401
