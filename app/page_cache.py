"""A whole-page cache for visitors' GET pages (forums, meet-up listings, help pages).

Visitors are most of the readers of a public forum, and their pages are the same for everyone
with the same display settings, so each such page is rendered once and then served from the
cache (Redis when REDIS_URL is set, so every server process shares it and sees the same
invalidation; in-process otherwise, which is right for `make run`'s single process).

Correctness, in order of importance:

- **Nothing that belongs to one session is ever stored.** Only people who are not signed in are
  served or stored ("Signed in as", the unread count, drafts and moderator buttons are on members'
  pages only). A request that brings flashed messages is neither served from the cache nor
  stored, so a message is shown once, to the person it was meant for. A page whose rendering
  made a CSRF token (`csrf_token` in `g`: Flask-WTF puts it there the first time a form asks)
  is not stored, nor one that sets a cookie or changed the session: visitors' public pages have
  no POST forms, and this rule keeps it so if one is added later.
- **Display settings and language still apply**: the key includes the visitor's text size and
  colours (from their cookie) and the page's language (their cookie, else their browser's), so
  each combination has its own copy.
- **Changes show at once.** Each page belongs to a section ("forums", "meetups", "pages"), and
  the key includes that section's version number. After any commit that changed something a
  visitor can see in a section (a post, an edit, a hide or an approval, a reaction count, a
  category, a thread's pin or lock, a meet-up or a place on it, an author's name) the section's
  version moves on, so every cached page of that section is left behind at once and expires on
  its own. This is done on the database session, so no feature can forget to do it. Members'
  private records (read markers, drafts, follows, saved posts) do not move it.
- A time limit (PAGE_CACHE_SECONDS) bounds anything that changes with the clock alone
  (a meet-up that has started leaves "upcoming" within that time).
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, request, session
from flask_caching import Cache
from flask_login import current_user
from flask_sqlalchemy.session import Session

from app import i18n
from app.display import COOKIE_NAME, parse_cookie

cache = Cache()

# endpoint -> section. Only pages that look the same for every visitor.
CACHED_ENDPOINTS = {
    "forums.index": "forums",
    "forums.category": "forums",
    "forums.thread": "forums",
    "meetups.index": "meetups",
    "meetups.archive": "meetups",
    "meetups.show": "meetups",
    "main.home": "pages",
    "main.help": "pages",
    "main.accessibility": "pages",
    "main.privacy": "pages",
    "main.guidelines": "pages",
}

# Table -> section whose pages show it. Tables not listed (read markers, drafts, follows, saved
# posts, sessions...) never invalidate visitors' pages.
SECTION_OF_TABLE = {
    "forum_categories": "forums",
    "forum_threads": "forums",
    "forum_posts": "forums",
    "forum_reactions": "forums",
    "meetups": "meetups",
    "meetup_series": "meetups",
    "meetup_rsvps": "meetups",
    "organisations": "meetups",
}
# A member's name is shown on their posts and threads: only a change of name (or the member
# going away) touches visitors' pages, not signing in.
USER_COLUMNS_SHOWN = ("display_name",)


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    config = {
        "CACHE_DEFAULT_TIMEOUT": app.config.get("PAGE_CACHE_SECONDS", 300),
        "CACHE_KEY_PREFIX": app.config.get("PAGE_CACHE_PREFIX", "kindred-page:"),
    }
    if redis_url:
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
    else:
        config.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=app.config.get("PAGE_CACHE_THRESHOLD", 2000))
    cache.init_app(app, config=config)
    # Section versions: in Redis beside the pages, so every process sees a change; in this
    # process otherwise (a dict, so they are never pruned like cached pages can be).
    app.extensions["page_cache_versions"] = None if redis_url else {}


def enabled(app: Flask) -> bool:
    return app.config.get("PAGE_CACHE", True)


# Session keys that never change what a visitor's page shows (the CSRF secret is not rendered in a
# cached page: a page that made a token is not stored, see store_in_cache).
HARMLESS_SESSION_KEYS = {"csrf_token", "_permanent", "_fresh", "_id"}


def _section() -> str | None:
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return None
    # Before touching current_user (which may load a member): a request with flashed messages
    # is for one person only.
    if session.get("_flashes"):
        return None
    # Anything else a visitor's session holds may change the page for them alone (the meet-up
    # filters they used last, for one): such a request is neither served nor stored.
    if any(key not in HARMLESS_SESSION_KEYS for key in session.keys()):
        return None
    if current_user.is_authenticated:
        return None
    return CACHED_ENDPOINTS[request.endpoint]


def _key(section: str, version: int) -> str:
    display = parse_cookie(request.cookies.get(COOKIE_NAME)).cookie_value()
    return f"{section}:{version}:{display}:{i18n.cache_key_part()}:{request.full_path}"


def _version(section: str) -> int:
    local = current_app.extensions["page_cache_versions"]
    if local is not None:
        return local.get(section, 0)
    return cache.get(f"version:{section}") or 0


def serve_from_cache():
    """before_request, run right after the signed-in member (if any) is known."""
    section = _section()
    if section is None:
        return None
    g.page_cache_key = _key(section, _version(section))
    stored = cache.get(g.page_cache_key)
    if stored is None:
        return None
    body, mimetype = stored
    g.page_cache_hit = True
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["X-Page-Cache"] = "hit"
    return response


def store_in_cache(response):
    """after_request: keep a visitor's freshly rendered page (runs before compression)."""
    # Popped, not read: tests run requests inside one app context, so `g` outlives a request.
    key, hit = g.pop("page_cache_key", None), g.pop("page_cache_hit", False)
    if key is None or hit or response.status_code != 200 or response.direct_passthrough:
        return response
    if "csrf_token" in g or session.modified or response.headers.get("Set-Cookie") or session.get("_flashes"):
        return response  # something here belongs to this one visitor
    cache.set(key, (response.get_data(), response.mimetype))
    response.headers["X-Page-Cache"] = "miss"
    return response


def bump(section: str) -> None:
    """Leave every cached page of this section behind (they expire on their own)."""
    # The clock in nanoseconds: always larger than before, so never back to a version whose
    # pages may still be stored, even if the version itself were lost.
    version = time.time_ns()
    local = current_app.extensions["page_cache_versions"]
    if local is not None:
        local[section] = version
    else:
        cache.set(f"version:{section}", version, timeout=0)


def _sections_touched(session_) -> set[str]:
    touched = set()
    for instance in (*session_.new, *session_.dirty, *session_.deleted):
        table = getattr(instance, "__tablename__", None)
        if table == "users":
            if instance in session_.deleted or any(
                sa.inspect(instance).attrs[column].history.has_changes() for column in USER_COLUMNS_SHOWN
            ):
                touched.add("forums")
        elif table in SECTION_OF_TABLE:
            touched.add(SECTION_OF_TABLE[table])
    return touched


@sa.event.listens_for(Session, "before_flush")
def _note_sections(session_, _context, _instances):
    session_.info.setdefault("page_sections", set()).update(_sections_touched(session_))


@sa.event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state):
    # UPDATE and DELETE statements run through the session (counters, for one) skip the flush.
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        section = SECTION_OF_TABLE.get(getattr(table, "name", None))
        if section:
            state.session.info.setdefault("page_sections", set()).add(section)


@sa.event.listens_for(Session, "after_commit")
def _bump_sections(session_):
    sections = session_.info.pop("page_sections", None)
    if sections and has_app_context() and "page_cache_versions" in current_app.extensions:
        for section in sections:
            bump(section)


@sa.event.listens_for(Session, "after_rollback")
def _forget_sections(session_):
    session_.info.pop("page_sections", None)
