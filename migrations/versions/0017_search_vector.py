"""search: a stored tsvector for post bodies on PostgreSQL (issue 15)

A search for a common word walks back from the newest post and checks each one for the words; with
only an expression index PostgreSQL recomputed to_tsvector(body) for every post it looked at
(about 2,500 of them to fill the window of 1,001 matches: over a second under load). A generated
column computes it once, when a post is written or edited, and its GIN index replaces the
expression index. The name starts with "forum_search" so autogenerate leaves it alone (it is not
in the models: SQLite keeps its own FTS5 table). Adding the column rewrites forum_posts (about a
minute for a million posts).

Revision ID: 0017_search_vector
Revises: 0016_language
Create Date: 2026-12-02 02:00:00

"""
from alembic import op


revision = '0017_search_vector'
down_revision = '0016_language'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE forum_posts ADD COLUMN forum_search_vector tsvector "
               "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED")
    op.execute("CREATE INDEX ix_forum_search_vector ON forum_posts USING gin (forum_search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_forum_search_posts")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX IF NOT EXISTS ix_forum_search_posts ON forum_posts USING gin (to_tsvector('english', body))")
    op.execute("ALTER TABLE forum_posts DROP COLUMN IF EXISTS forum_search_vector")  # drops its index too
