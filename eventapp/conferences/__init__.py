from flask import Blueprint

bp = Blueprint("conferences", __name__)

from . import manage, views  # noqa: E402,F401  (routes register on bp)
