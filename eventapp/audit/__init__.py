"""Who changed what and when, per conference."""
from flask import Blueprint

bp = Blueprint("audit", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
