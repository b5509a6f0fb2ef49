"""Organiser views (to be written)."""
from . import bp  # noqa: F401
