from flask import Blueprint

bp = Blueprint("agenda", __name__)

from . import builder, imports_views, manage, publishing  # noqa: E402,F401  (routes register on bp)
