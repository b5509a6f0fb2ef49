"""PostgreSQL: trigram indexes for "contains" searches (check-in desk, lists)

The desk and the organisers' lists find people by any part of a name, an
e-mail or a ticket code (LIKE '%…%'), which a b-tree index cannot serve: with
20,000 registrations every search read the whole table. pg_trgm's GIN indexes
answer those LIKEs (EXPLAIN: Bitmap Index Scan on trgm_…). pg_trgm is a
trusted extension (PostgreSQL 13+): the database owner may create it.
SQLite: nothing (its tables are small; LIKE scans them).

Revision ID: 5d1e0c2a9f31
Revises: b83cb2301b2c
Create Date: 2026-11-28 06:00:00
"""
from alembic import op

revision = "5d1e0c2a9f31"
down_revision = "b83cb2301b2c"
branch_labels = None
depends_on = None

INDEXES = {
    "trgm_registration_full_name": "registration USING gin (lower(full_name) gin_trgm_ops)",
    "trgm_registration_email": "registration USING gin (lower(email) gin_trgm_ops)",
    "trgm_registration_organisation": "registration USING gin (lower(organisation) gin_trgm_ops)",
    "trgm_registration_ticket_code": "registration USING gin (ticket_code gin_trgm_ops)",
    "trgm_invitation_full_name": "invitation USING gin (lower(full_name) gin_trgm_ops)",
    "trgm_invitation_email": "invitation USING gin (lower(email) gin_trgm_ops)",
    "trgm_invitation_organisation": "invitation USING gin (lower(organisation) gin_trgm_ops)",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
