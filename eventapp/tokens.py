"""Personal-link secrets (invitations, manage links, sign-in links): 256 bits from
the OS's CSPRNG, stored only as their SHA-256, and checked for shape before any
database lookup."""
from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str | None) -> bool:
    """A malformed token never reaches the database."""
    return bool(_SHAPE.match(token or ""))
