"""The Outbox page."""
from . import bp  # noqa: F401
