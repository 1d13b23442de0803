"""Search across forum thread titles and posts the reader may see: FTS5 on SQLite, tsvector + GIN on
PostgreSQL (each post's and each title's tsvector stored in forum_search_vector columns, migrations
0017 and 0018)."""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import joinedload, load_only

from app.extensions import db
from app.models import Category, Post, Thread, User
from app.services.forums import readable_category_ids
from app.text import MARK_END, MARK_START, highlighted_excerpt

RESULTS_PER_PAGE = 10
# Counting every match of a common word in a million posts is slow and helps nobody.
MAX_COUNTED = 1000
MAX_QUERY_CHARACTERS = 200
# PostgreSQL: how many of the newest matches are ranked, and how many matching titles are looked at.
RANKED = 200
TITLE_WINDOW = 100


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
# thread page. (A narrower rule than services.forums.visibility.visible_posts, on purpose.)
_SQLITE_MATCHES = """
    FROM forum_search
    JOIN forum_posts p ON p.id = forum_search.rowid
    JOIN forum_threads t ON t.id = p.thread_id
    WHERE forum_search MATCH :match
      AND p.status = 'VISIBLE' AND t.is_deleted = 0 AND t.is_hidden = 0
      AND t.category_id IN :categories
"""

# PostgreSQL ranks only a window: the newest MAX_COUNTED + 1 matching posts the reader may see,
# from the post bodies and the thread titles (a title counts as its first post). For a rare word
# the planner collects them from the GIN indexes; for a word in half the posts it walks back from
# the newest post and stops after the window is full, so a common word costs about as much as a
# rare one instead of ranking hundreds of thousands of rows. Each post's and each title's tsvector
# is stored (forum_search_vector, generated columns: migrations 0017 and 0018), so checking a post
# or a thread on that walk is cheap: computing to_tsvector(body) for each was what made a common
# word slow (1.4 s p95 under load), and to_tsvector(title) for the 2,000 newest threads was still
# 7 ms of the 16 ms a common word took in PostgreSQL. The window's size is the count ("more than
# 1,000"). Only the newest RANKED of them are ranked (best first), and only those are joined to
# their posts and threads for it; after them come the rest, newest first (rank 0, as before).
# Titles: the newest TITLE_WINDOW matching threads. Only the page of results gets an excerpt.
_POSTGRES_WINDOW = """
    WITH body_hits AS MATERIALIZED (
        SELECT p.id FROM forum_posts p
        WHERE p.forum_search_vector @@ websearch_to_tsquery('english', :query) AND p.status = 'VISIBLE'
          -- A scalar subquery looks up each match's thread by its key; as a join, the planner
          -- read all 50,000 threads for a rare word.
          AND (SELECT t.is_deleted = false AND t.is_hidden = false AND t.category_id IN :categories
               FROM forum_threads t WHERE t.id = p.thread_id)
        ORDER BY p.id DESC LIMIT :window
    ), title_hits AS MATERIALIZED (
        SELECT p.id FROM forum_threads t JOIN forum_posts p ON p.thread_id = t.id AND p.number = 1
        WHERE t.forum_search_vector @@ websearch_to_tsquery('english', :query)
          AND p.status = 'VISIBLE' AND t.is_deleted = false AND t.is_hidden = false AND t.category_id IN :categories
        ORDER BY t.id DESC LIMIT :title_window
    ), found AS MATERIALIZED (
        SELECT id, row_number() OVER (ORDER BY id DESC) AS newest
        FROM (SELECT id FROM body_hits UNION SELECT id FROM title_hits) both_kinds ORDER BY id DESC LIMIT :window
    ), ranked AS MATERIALIZED (
        SELECT p.id, greatest(ts_rank(p.forum_search_vector, websearch_to_tsquery('english', :query)),
                              CASE WHEN p.number = 1 THEN 2 * ts_rank(t.forum_search_vector, websearch_to_tsquery('english', :query)) ELSE 0 END) AS rank
        FROM found JOIN forum_posts p ON p.id = found.id JOIN forum_threads t ON t.id = p.thread_id
        WHERE found.newest <= :rank_window
        UNION ALL
        SELECT id, 0 FROM found WHERE newest > :rank_window
    )
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
        params.update(query=query, window=MAX_COUNTED + 1, rank_window=RANKED, title_window=TITLE_WINDOW)
        # One statement: the window's size, and one page of it, best first; ts_headline is slow,
        # so it runs only on that page.
        page_sql = _POSTGRES_WINDOW + f"""
            SELECT best.id, ts_headline('english', p.body, websearch_to_tsquery('english', :query),
                   'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS excerpt,
                   (SELECT count(*) FROM found) AS total
            FROM (SELECT id, rank FROM ranked ORDER BY rank DESC, id DESC LIMIT :limit OFFSET :offset) best
            JOIN forum_posts p ON p.id = best.id
            ORDER BY best.rank DESC, best.id DESC
        """
        count_sql = None
    expanding = sa.bindparam("categories", expanding=True)
    if dialect == "postgresql":
        # A safety net only (the window keeps common words fast): never hold a worker for long.
        # And a plan made for these very words: psycopg prepares a statement run five times on a
        # connection, and PostgreSQL may then plan it once for any words, a plan that suits a rare
        # word and holds a common one to the timeout (seen at 1M posts once reading requests ended
        # with COMMIT and kept prepared statements: extensions.end_reading_with_commit). Both end
        # with the transaction (set_config's third argument), in one statement.
        db.session.execute(sa.text("SELECT set_config('statement_timeout', :timeout, true), set_config('plan_cache_mode', 'force_custom_plan', true)"),
                           {"timeout": str(int(SEARCH_TIMEOUT_MS))})
    try:
        return _run(query, dialect, count_sql, page_sql, params, expanding, page)
    except sa.exc.OperationalError as error:
        if "statement timeout" not in str(error).lower() and "canceling statement" not in str(error).lower():
            raise
        db.session.rollback()
        return SearchResults(query, [], 1, 1, 0, too_broad=True)


def _run(query, dialect, count_sql, page_sql, params, expanding, page) -> SearchResults:
    page = max(page, 1)
    if count_sql is not None:
        total = db.session.execute(sa.text(count_sql).bindparams(expanding), params).scalar_one()
        page = min(page, _pages_of(total))
        rows = _page_rows(page_sql, params, expanding, page)
    else:  # the count comes with the page
        rows = _page_rows(page_sql, params, expanding, page)
        total = rows[0][2] if rows else 0
        if not rows and page > 1:  # past the end: show the last page, as thread pages do
            first = _page_rows(page_sql, params, expanding, 1)
            total = first[0][2] if first else 0
            page = _pages_of(total)
            rows = first if page == 1 else _page_rows(page_sql, params, expanding, page)
    posts = {
        post.id: post
        for post in db.session.scalars(_results_statement(), {"ids": [row[0] for row in rows] or [0]}).unique()
    }
    results = [SearchResult(posts[row[0]], highlighted_excerpt(row[1])) for row in rows if row[0] in posts]
    # The search's statement_timeout and plan_cache_mode end with the request's transaction: not set back
    # here, a round trip fewer (nothing after a search runs long).
    return SearchResults(query, results, page, _pages_of(total), min(total, MAX_COUNTED), total > MAX_COUNTED)


@functools.cache
def _results_statement():
    """The page's posts with only what a result shows: the thread's title and category, the post's
    place, date and language, its writer's name (not ten members' whole records). Built once per
    process: its three joinedload options cost more CPU to put together than the statement takes."""
    return (
        sa.select(Post)
        .options(
            load_only(Post.id, Post.thread_id, Post.number, Post.author_id, Post.created_at, Post.language, Post.status),
            joinedload(Post.thread).load_only(Thread.id, Thread.title, Thread.category_id)
            .joinedload(Thread.category).load_only(Category.id, Category.name, Category.slug),
            joinedload(Post.author).load_only(User.id, User.display_name),
        )
        .where(Post.id.in_(sa.bindparam("ids", expanding=True)))
    )


def _pages_of(total: int) -> int:
    return max(1, math.ceil(min(total, MAX_COUNTED) / RESULTS_PER_PAGE))


def _page_rows(page_sql, params, expanding, page: int) -> list:
    params.update(limit=RESULTS_PER_PAGE, offset=(page - 1) * RESULTS_PER_PAGE)
    return db.session.execute(sa.text(page_sql).bindparams(expanding), params).all()
