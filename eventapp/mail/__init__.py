"""Outgoing mail: the outbox table, rendering, the sending worker, the Outbox page."""
from flask import Blueprint

bp = Blueprint("mail", __name__)

from . import views  # noqa: E402,F401
