"""Personal pages: a speaker's sessions and profile, an attendee's agenda,
personal calendar feeds, and the e-mails that tell people what changed."""
from flask import Blueprint

bp = Blueprint("portal", __name__)

from . import views  # noqa: E402,F401  (routes register on bp)
