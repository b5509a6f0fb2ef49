from flask import Blueprint

bp = Blueprint("agenda", __name__)

from . import builder, exports_views, imports_views, manage, public, publishing  # noqa: E402,F401  (routes register on bp)
