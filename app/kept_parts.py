"""The part of a forum page that is the same for every reader, kept between requests (issue 15): on
a thread page the thread with its category and the page's published posts with their writers'
names; on a category page the category.

A thread page a member has not seen yet (the first view of each page of a thread they read through,
or any page after a reply) is made afresh, and most of its cost was three statements: the thread,
the member's own state on the page, and the posts. Two of them are the same for every reader: the
thread row, and the page's published posts, which are exactly what a visitor sees and what a member
sees besides their own posts that wait for approval or that moderators hid. So those two are kept,
shared by every reader and worker, and a member's page made afresh runs one statement (their own
state) where it ran three. A category page's own row is kept the same way (its list of threads,
with the member's read markers in it, is not): one statement where it ran two.

Why a kept part is never out of date, or shown to someone it should not be:

- **Kept with the page's versions** (app/page_cache.py): the forums section's and the thread's own,
  which move after any stored change to the thread, its posts or their reactions, a writer's new
  name, or a category's; a category page's part, the forums section's and the lists' (which its
  counters move). The versions are read with the part, before the database is asked (in the round
  trip that reads the member's row when their pages are not kept, else in one of its own on a page
  not served kept), so rows read just before a change are kept under the old versions, which no
  longer match once they have moved.
- **Only published posts are kept**, by the visitor's rule (visibility.post_visibility_for): a
  post that waits for approval or that moderators hid never enters the shared part. A member who
  has such a post of their own on the page (the page's state says so, in the same statement) gets
  the page's posts from the database as before; moderators, who see every post, always do.
- **Permissions are checked on the kept thread as on a loaded one** (reading.get_thread): a
  private category, a hidden or deleted thread, every request.
- **Only for reading**: used on GET and HEAD of a thread or category page; anything that writes
  loads what it changes.
- **A part from another release is never read**: the key holds a digest of the columns kept.
- **What the versions cannot see**: changes that skip the database session's events (psql, a data
  migration); `flask forget-kept-pages` leaves every kept part behind at once, as it does pages.
"""
from __future__ import annotations

import functools
import hashlib
from collections import namedtuple

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.orm.attributes import set_committed_value

from app import page_cache
from app.kept_rows import READING_METHODS, column_values, restored
from app.models import Category, Thread


@functools.cache
def _columns(model) -> tuple[str, ...]:
    return tuple(attribute.key for attribute in sa.inspect(model).column_attrs)


@functools.cache
def _shape() -> str:
    from app.services.forums.reading import POST_LINE_FIELDS

    shape = [(model.__tablename__, _columns(model)) for model in (Thread, Category)] + [("posts", POST_LINE_FIELDS)]
    return hashlib.blake2b(repr(shape).encode(), digest_size=8).hexdigest()


def key_for_this_request() -> str | None:
    """Where this request's part is kept, or None when none may be used: only a GET of a thread
    page (by the thread and the page asked for, as the route reads ?page=) or of a category page
    (by its address: the category is the same on every page of its list)."""
    environ = request.environ  # worked out once for each request: it is asked for several times
    if _KEY_OF_THIS_REQUEST not in environ:
        environ[_KEY_OF_THIS_REQUEST] = _key_for(current_app, request)
    return environ[_KEY_OF_THIS_REQUEST]


_KEY_OF_THIS_REQUEST = "kindred.kept_part_key"


def _key_for(app, request) -> str | None:
    if (request.method not in READING_METHODS or request.endpoint not in ("forums.thread", "forums.category")
            or not page_cache.enabled(app) or not app.config.get("KEEP_SHARED_PARTS", True)):
        return None
    arguments = request.view_args or {}
    if request.endpoint == "forums.category":
        return f"category-part:{_shape()}:{arguments.get('slug')}"
    page = request.args.get("page", 1, type=int) or 1
    return f"thread-part:{_shape()}:{arguments.get('thread_id')}:{page}"


def _this_requests() -> tuple | None:
    """(key, versions, kept part or None) for this request's page, reading them now if no earlier
    round trip did; None when nothing may be kept or used (not such a page, or versions unknown)."""
    key = key_for_this_request()
    found = page_cache.part_and_versions(key) if key is not None else None
    if found is None:
        return None
    versions, kept = found
    return key, versions, page_cache.kept_under(kept, versions)


def _kept_part() -> dict | None:
    found = _this_requests()
    return found[2] if found is not None else None


def kept_thread(thread_id: int) -> Thread | None:
    """The thread (with its category) kept for this request's thread page, or None."""
    part = _kept_part()
    if not part or "thread" not in part or part["thread"].get("id") != thread_id:
        return None
    category = restored(Category, part["category"])
    thread = restored(Thread, part["thread"])
    set_committed_value(thread, "category", category)
    return thread


def kept_posts(thread_id: int, page: int) -> list | None:
    """The published posts of this page of the thread, kept (POST_LINE_FIELDS rows), or None."""
    part = _kept_part()
    if not part or "posts" not in part or part["thread"].get("id") != thread_id or part["page"] != page:
        return None
    line = post_line()
    return [line._make(row) for row in part["posts"]]


def keep(thread: Thread, page: int, posts: list) -> None:
    """Keep the thread and this page's published posts under the versions read before they were."""
    if request.endpoint != "forums.thread" or (request.view_args or {}).get("thread_id") != thread.id or thread.category is None:
        return
    _keep({"thread": column_values(thread, _columns(Thread)), "category": column_values(thread.category, _columns(Category)),
           "page": page, "posts": [tuple(row) for row in posts]})


def kept_category(slug: str) -> Category | None:
    """The category kept for this request's category page, or None."""
    part = _kept_part()
    if not part or "thread" in part or part["category"].get("slug") != slug:
        return None
    return restored(Category, part["category"])


def keep_category(category: Category) -> None:
    if request.endpoint != "forums.category" or (request.view_args or {}).get("slug") != category.slug:
        return
    _keep({"category": column_values(category, _columns(Category))})


def _keep(part: dict) -> None:
    found = _this_requests()
    if found is None:
        return
    key, versions, _kept = found
    page_cache.keep_under(key, versions, part, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    page_cache.remember_part(key, versions, (versions, part))


@functools.cache
def post_line():
    from app.services.forums.reading import POST_LINE_FIELDS

    return namedtuple("PostLine", POST_LINE_FIELDS)
