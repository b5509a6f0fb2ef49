"""The ceiling for `make bench`: the smallest WSGI app gunicorn can serve,
answering every request with the agenda page's bytes (read once from the
file named by CEILING_BODY). Nothing eventapp does can be faster."""
from __future__ import annotations

import os
from pathlib import Path

BODY = Path(os.environ["CEILING_BODY"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
