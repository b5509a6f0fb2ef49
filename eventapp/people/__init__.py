from flask import Blueprint

bp = Blueprint("people", __name__)

from . import manage, photos  # noqa: E402,F401  (routes register on bp)
