"""GET /healthz for load balancers and monitoring: is this app server able to
answer, and does its database answer `SELECT 1`?

200 {"status": "ok", "database": "ok"} or 503 {"status": "error", "database":
"unreachable"}. The reason goes to the log (without the database URL), never
into the answer. No session cookie, no caching, no rate limit.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from .extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@limiter.exempt
def check() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()  # give the connection back to the pool at once
    except Exception as error:  # any failure of the database means "not healthy"
        db.session.rollback()
        log.warning("health check: database unreachable (%s)", error.__class__.__name__)
        response = jsonify(status="error", database="unreachable")
        status = 503
    else:
        response = jsonify(status="ok", database="ok")
        status = 200
    response.headers["Cache-Control"] = "no-store"
    return response, status
