"""Registrations: the record an accepted delegate invitation creates (and, next, the public form)."""
from flask import Blueprint

bp = Blueprint("registration", __name__)

from . import views  # noqa: E402,F401
from . import desk  # noqa: E402,F401
from . import manage  # noqa: E402,F401
