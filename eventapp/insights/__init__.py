"""Representation and inclusion: who speaks, who attends, who needs what."""
from flask import Blueprint

bp = Blueprint("insights", __name__)

from . import access, exports, public, views  # noqa: E402,F401  (routes register on bp)
