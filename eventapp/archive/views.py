"""The organisers' download of their conference's archive."""
from __future__ import annotations

import json

from flask import Response
from flask_login import login_required

from ..conferences.services import get_conference_or_404
from . import bp
from .services import export_conference


def archive_json(data: dict) -> str:
    """Readable and diff-friendly: one field per line, non-ASCII kept as written."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


@bp.get("/manage/<slug>/archive.json")
@login_required
def manage_download(slug: str):
    """Organisers only (not viewers): the archive holds every attendee's personal data."""
    conference = get_conference_or_404(slug, manage=True, organisers_only=True)
    response = Response(archive_json(export_conference(conference)), mimetype="application/json")
    response.headers.set("Content-Disposition", "attachment", filename=f"{conference.slug}-archive.json")
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response
