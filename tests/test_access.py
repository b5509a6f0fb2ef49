"""The public routes for every kind of visitor, and the check that every
route of the app is in some area's access matrix (see tests/access.py)."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from .access import ROLES, check_access

MATRIX = [
    ("GET", "/", (200, 200, 200, 200, 200), None),
    ("GET", "/c/terbit", (200, 200, 200, 200, 200), None),
    ("GET", "/c/draf", (404, 404, 404, 404, 200), None),
    ("GET", "/c/tidak-ada", (404, 404, 404, 404, 404), None),
    ("GET", "/login", (200, 302, 302, 302, 302), None),
    ("POST", "/login", (422, 302, 302, 302, 302), {}),
    ("POST", "/logout", (302, 303, 303, 303, 303), {}),
    ("POST", "/language", (303, 303, 303, 303, 303), {"lang": "en"}),
    ("GET", "/static/css/app.css", (200, 200, 200, 200, 200), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)


def _all_matrices() -> list[tuple]:
    rows = []
    root = Path(__file__).parent
    for path in sorted(root.rglob("test_access*.py")):
        module = ".".join(("tests", *path.relative_to(root).with_suffix("").parts))
        rows += getattr(importlib.import_module(module), "MATRIX", [])
    return rows


def _as_pattern(rule: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"<(?:[^:>]+:)?[^>]+>", r"[^/]+", rule) + "$")


def test_every_route_is_in_a_matrix(app):
    urls = [(m, u.replace("{", "").replace("}", "")) for m, u, *_ in _all_matrices()]
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        pattern = _as_pattern(rule.rule)
        methods = rule.methods - {"HEAD", "OPTIONS"}
        for method in methods:
            if not any(m == method and pattern.match(u) for m, u in urls):
                missing.append(f"{method} {rule.rule}")
    assert missing == []
