from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import team_views, views  # noqa: E402,F401  (routes register on bp)
