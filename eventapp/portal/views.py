"""Routes of the personal pages; each audience has its own module."""
from . import attendee, feeds, me, profile, speaker, tasks  # noqa: F401  (routes register on bp)
