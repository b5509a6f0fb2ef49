"""Paginated, searchable, sortable lists for the manage area."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from .extensions import db

PER_PAGE = 25


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def page_number() -> int:
    """?page=N from the request; anything else is page 1."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def paginate(query: Select, page: int | None = None, per_page: int = PER_PAGE) -> Page:
    """Two queries: the count and the page. A page past the end shows the last page."""
    page = page or page_number()
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    last = max(1, math.ceil(total / per_page))
    page = min(page, last)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, total, page, per_page)


def sort_choice(allowed: dict[str, Any], default: str) -> tuple[str, bool, Any]:
    """?sort=name or ?sort=-name among `allowed` {key: column}; returns
    (key, descending, order_by clause)."""
    raw = request.args.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in allowed:
        key, descending = default.lstrip("-"), default.startswith("-")
    column = allowed[key]
    return key, descending, (column.desc() if descending else column.asc())


def search_term() -> str:
    return request.args.get("q", "").strip()[:100]


def like_pattern(term: str) -> str:
    """A case-insensitive LIKE pattern with the wildcards in `term` escaped."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
