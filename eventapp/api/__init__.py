"""Read-only public JSON API (v1) over the latest published agenda release."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: F401  (routes register on bp)
