"""The public routes for every kind of visitor, and the checks that every
route of the app is in some area's access matrix and that every matrix row
answers for every role (see tests/access.py)."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from .access import ROLES, check_access

MATRIX = [
    ("GET", "/", (200, 200, 200, 200, 200, 200), None),
    ("GET", "/c/terbit", (200, 200, 200, 200, 200, 200), None),
    ("GET", "/c/draf", (404, 404, 404, 404, 404, 200), None),
    ("GET", "/c/tidak-ada", (404, 404, 404, 404, 404, 404), None),
    ("GET", "/login", (200, 302, 302, 302, 302, 302), None),
    ("POST", "/login", (422, 302, 302, 302, 302, 302), {}),
    ("POST", "/logout", (302, 303, 303, 303, 303, 303), {}),
    ("POST", "/language", (303, 303, 303, 303, 303, 303), {"lang": "en"}),
    ("GET", "/language/en?next=/c/terbit", (303, 303, 303, 303, 303, 303), None),
    ("GET", "/language/fr", (404, 404, 404, 404, 404, 404), None),
    ("GET", "/static/css/app.css", (200, 200, 200, 200, 200, 200), None),
    # The sub-theme colours (eventapp/security.py): whoever may see the conference.
    ("GET", "/c/terbit/themes.css", (200, 200, 200, 200, 200, 200), None),
    ("GET", "/c/draf/themes.css", (404, 404, 404, 404, 404, 200), None),
    ("GET", "/c/tidak-ada/themes.css", (404, 404, 404, 404, 404, 404), None),
]


@pytest.mark.parametrize(("method", "url", "expected", "data"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_access(client, sign_in_as, world, role, method, url, expected, data):
    check_access(client, sign_in_as, world, role, method, url, expected, data)


def _matrices() -> dict[str, list[tuple]]:
    """Every area's MATRIX, by module name."""
    matrices = {}
    root = Path(__file__).parent
    for path in sorted(root.rglob("test_access*.py")):
        module = ".".join(("tests", *path.relative_to(root).with_suffix("").parts))
        matrices[module] = getattr(importlib.import_module(module), "MATRIX", [])
    return matrices


def _all_matrices() -> list[tuple]:
    return [row for rows in _matrices().values() for row in rows]


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


def _malformed(row: tuple) -> str | None:
    """Why a matrix row is not (method, url, one status per role, data), or None."""
    if len(row) != 4:
        return f"{len(row)} fields, expected 4 (method, url, expected, data)"
    expected = row[2]
    if not isinstance(expected, tuple):
        return f"expected {expected!r} is not a tuple of statuses"
    if len(expected) != len(ROLES):
        return f"{len(expected)} statuses, expected one per role in {ROLES}"
    if not all(isinstance(status, int) and 100 <= status < 600 for status in expected):
        return f"expected {expected!r} holds something else than HTTP statuses"
    return None


def test_every_matrix_row_has_one_status_per_role():
    """A role added to ROLES must be decided in every row: a row written for the
    old ROLES would otherwise be read shifted (roles judged by their neighbour's
    status) and end in an IndexError, or a surplus status go unnoticed."""
    wrong = [
        f"{module}: {row[0]} {row[1]}: {problem}"
        for module, rows in _matrices().items()
        for row in rows
        if (problem := _malformed(row))
    ]
    assert _all_matrices(), "no matrix found"
    assert wrong == []
