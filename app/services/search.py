"""Search across forum thread titles and posts the reader may see: FTS5 on SQLite, tsvector + GIN on PostgreSQL."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Post, Thread
from app.services.forums import readable_category_ids
from app.text import MARK_END, MARK_START, highlighted_excerpt

RESULTS_PER_PAGE = 10
# Counting every match of a common word in a million posts is slow and helps nobody.
MAX_COUNTED = 1000
MAX_QUERY_CHARACTERS = 200


@dataclass
class SearchResult:
    post: Post
    excerpt: Markup


@dataclass
class SearchResults:
    query: str
    results: list[SearchResult]
    page: int
    total_pages: int
    total: int
    more_than_counted: bool = False
    too_broad: bool = False  # the words matched so much that the search ran out of time


SEARCH_TIMEOUT_MS = 3000


def _fts5_query(query: str) -> str:
    """Each word quoted, so FTS5 operators typed by a member are treated as words."""
    words = re.findall(r"\w+", query)
    return " ".join(f'"{word}"' for word in words[:20])


# Search shows published posts in published threads only, to everyone, moderators included: held and
# hidden posts are found through the moderation queue, and an author's own held post is on its
# thread page. (A narrower rule than services.forums.visible_posts, on purpose.)
_SQLITE_MATCHES = """
    FROM forum_search
    JOIN forum_posts p ON p.id = forum_search.rowid
    JOIN forum_threads t ON t.id = p.thread_id
    WHERE forum_search MATCH :match
      AND p.status = 'VISIBLE' AND t.is_deleted = 0 AND t.is_hidden = 0
      AND t.category_id IN :categories
"""

# Matches are collected from the two GIN indexes first (MATERIALIZED keeps the planner from
# walking every post instead), carrying what the filters need, then joined to their threads.
_POSTGRES_HITS = """
    WITH hits AS MATERIALIZED (
        SELECT p.id AS post_id, p.thread_id, p.status,
               ts_rank(to_tsvector('english', p.body), websearch_to_tsquery('english', :query)) AS rank
        FROM forum_posts p
        WHERE to_tsvector('english', p.body) @@ websearch_to_tsquery('english', :query)
        UNION ALL
        SELECT p.id, p.thread_id, p.status, 2 * ts_rank(to_tsvector('english', t.title), websearch_to_tsquery('english', :query))
        FROM forum_threads t JOIN forum_posts p ON p.thread_id = t.id AND p.number = 1
        WHERE to_tsvector('english', t.title) @@ websearch_to_tsquery('english', :query)
    )
"""
_POSTGRES_MATCHES = """
    FROM hits JOIN forum_threads t ON t.id = hits.thread_id
    WHERE hits.status = 'VISIBLE' AND t.is_deleted = false AND t.is_hidden = false
      AND t.category_id IN :categories
"""


def search(viewer, query: str, page: int = 1) -> SearchResults:
    """One page of matching posts the viewer may read, best first, each with a highlighted excerpt."""
    query = " ".join((query or "").split())[:MAX_QUERY_CHARACTERS]
    categories = readable_category_ids(viewer)
    empty = SearchResults(query, [], 1, 1, 0)
    if not query or not categories:
        return empty
    dialect = db.engine.dialect.name
    params = {"categories": categories}
    if dialect == "sqlite":
        match = _fts5_query(query)
        if not match:
            return empty
        params["match"] = match
        count_sql = f"SELECT count(*) FROM (SELECT p.id {_SQLITE_MATCHES} LIMIT {MAX_COUNTED + 1})"
        page_sql = f"""
            SELECT p.id, snippet(forum_search, -1, '{MARK_START}', '{MARK_END}', ' … ', 24) AS excerpt
            {_SQLITE_MATCHES}
            ORDER BY bm25(forum_search, 2.0, 1.0), p.id DESC
            LIMIT :limit OFFSET :offset
        """
    else:
        params["query"] = query
        count_sql = _POSTGRES_HITS + f"SELECT count(*) FROM (SELECT DISTINCT hits.post_id {_POSTGRES_MATCHES} LIMIT {MAX_COUNTED + 1}) counted"
        # ts_headline is slow, so it runs only on the page of results, after LIMIT.
        page_sql = _POSTGRES_HITS + f"""
            SELECT best.id, ts_headline('english', p.body, websearch_to_tsquery('english', :query),
                   'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS excerpt
            FROM (
                SELECT hits.post_id AS id, max(hits.rank) AS rank
                {_POSTGRES_MATCHES}
                GROUP BY hits.post_id
                ORDER BY max(hits.rank) DESC, hits.post_id DESC
                LIMIT :limit OFFSET :offset
            ) best
            JOIN forum_posts p ON p.id = best.id
            ORDER BY best.rank DESC, best.id DESC
        """
    expanding = sa.bindparam("categories", expanding=True)
    if dialect == "postgresql":
        # A word found in most posts ("garden") would rank hundreds of thousands of rows; give up
        # after a few seconds and ask for another word rather than keep the person waiting.
        db.session.execute(sa.text(f"SET LOCAL statement_timeout = {int(SEARCH_TIMEOUT_MS)}"))
    try:
        return _run(query, dialect, count_sql, page_sql, params, expanding, page)
    except sa.exc.OperationalError as error:
        if "statement timeout" not in str(error).lower() and "canceling statement" not in str(error).lower():
            raise
        db.session.rollback()
        return SearchResults(query, [], 1, 1, 0, too_broad=True)


def _run(query, dialect, count_sql, page_sql, params, expanding, page) -> SearchResults:
    total = db.session.execute(sa.text(count_sql).bindparams(expanding), params).scalar_one()
    counted = min(total, MAX_COUNTED)
    total_pages = max(1, math.ceil(counted / RESULTS_PER_PAGE))
    page = min(max(page, 1), total_pages)
    params.update(limit=RESULTS_PER_PAGE, offset=(page - 1) * RESULTS_PER_PAGE)
    rows = db.session.execute(sa.text(page_sql).bindparams(expanding), params).all()
    posts = {
        post.id: post
        for post in db.session.scalars(
            sa.select(Post)
            .options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author))
            .where(Post.id.in_([row[0] for row in rows] or [0]))
        ).unique()
    }
    results = [SearchResult(posts[post_id], highlighted_excerpt(excerpt)) for post_id, excerpt in rows if post_id in posts]
    if dialect == "postgresql":
        db.session.execute(sa.text("SET LOCAL statement_timeout = 0"))
    return SearchResults(query, results, page, total_pages, counted, total > MAX_COUNTED)
