"""Whole-conference JSON archives: export, import, and the organisers' download."""
from flask import Blueprint

bp = Blueprint("archive", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
