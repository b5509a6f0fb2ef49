"""Redirect targets we accept from the request."""
from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, default_endpoint: str = "conferences.home") -> str:
    """Only a path on this site: no scheme, no host, no '//' or '\\' tricks."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith(("//", "/\\"))
            and "\\" not in target
        ):
            return target
    return url_for(default_endpoint)
