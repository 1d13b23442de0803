"""The signed-in member's own row, kept between requests (issue 15).

Every member request starts by asking the database who the browser's login id signs in: the member
with their sign-in session still live and their password unchanged (accounts.user_for_login_id,
called through member_for_login_id by the app's user loader).
On the 1M-post bench that one query was most of what a member's bare request costs beyond a
visitor's (about 0.75 of 1.2 ms in-process), on every page of the site. So the row it finds is
kept, and the next request of the same session takes it from the cache.

Why a kept row is never out of date, or outliving the session it was checked for:

- **The row is kept with its versions** (app/page_cache.py, MEMBER_ROW_TABLES; read with the row in
  one round trip, and used only when they are still the current ones): every member's,
  and the member's own, which moves after any stored change to the two tables the row is read
  from: their own row (a new name, role, password or session epoch, display settings, a pause or
  suspension: restricted_until) and their sign-in sessions (signing out, "sign out everywhere
  else"); a statement on those tables that does not say whose rows moves every member's. The next
  request after such a change misses and asks the database, which says no to an ended session.
  Changes elsewhere that name the member (a read marker as they read a new thread, a
  notification) move their kept pages' version, not the row's.
  The versions are read before the database is asked, so a row read just before a change is kept
  with the old versions, which no longer match once they have moved.
- **The key holds a digest of the login id** (the member, their password's epoch and the sign-in
  session's secret), so the row was checked for exactly this session of this member, and another
  browser's cookie never finds it.
- **Secrets are not kept**: the password hash and the email address stay out of the cache (and of
  Redis). They are loaded from the database, by their own query, on the rare page that needs them.
- With the versions unknown (Redis down, or a version it let go), nothing is kept or served.
- **Only for reading.** A kept row is used for GET and HEAD requests only, and never kept for a
  moderator or an administrator; a POST always asks the database. So should a version fail to move
  (one Redis command lost just after a password change), an ended session could at most read for
  ROW_SECONDS, never write.
- **A row from another release is never read**: the key holds a digest of the row's columns and
  their enums' values (a rolling restart shares Redis between two releases), and a row that cannot
  be read back for any reason is a miss, not an error.
- **What the versions cannot see**: writes that skip the database session's events (a connection's
  own statements, `bulk_update_mappings`, `psql`, Alembic data migrations). Text statements run
  through the session that change data move every member's versions (app/page_cache.py). After a
  change by hand to members' rows or sessions, kept rows go within ROW_SECONDS, or at once with
  `flask forget-kept-pages`; a POST never uses one.

A kept row becomes an ordinary object of this request's database session, as if just loaded, so
anything it loads lazily comes from the database as before.
"""
from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, has_request_context, request, session

from app import page_cache
from app.kept_rows import READING_METHODS, column_values, restored
from app.models.users import User, parse_login_id

log = logging.getLogger(__name__)

# Never in the cache: loaded from the database when a page needs them.
KEPT_OUT = frozenset({"password_hash", "email"})
# A kept row is used only to read pages (kept_rows.READING_METHODS). Anything that changes something
# (a POST) asks the database who is signed in, so the one moment a version failed to move (a Redis
# command that timed out just after a password change) can never let an ended session write; nor
# are the rows of moderators and administrators kept, whose every page can act on other people.
# How long a kept row may be used at most, whatever the versions say: the bound on that moment.
ROW_SECONDS = 60


@functools.cache
def _kept_columns() -> tuple[str, ...]:
    return tuple(attribute.key for attribute in sa.inspect(User).column_attrs if attribute.key not in KEPT_OUT)


@functools.cache
def _shape() -> str:
    """A digest of what a kept row is made of (its columns, and the values of their enums): in the
    key, so that while one release of the code and the next share Redis (a rolling restart), neither
    reads a row the other kept."""
    columns = sa.inspect(User).columns
    shape = [(name, [member.value for member in getattr(columns[name].type, "enum_class", None) or ()])
             for name in _kept_columns()]
    return hashlib.blake2b(repr(shape).encode(), digest_size=8).hexdigest()


def _enabled() -> bool:
    app = current_app
    return (has_request_context() and request.method in READING_METHODS and page_cache.enabled(app)
            and app.config.get("KEEP_MEMBER_ROWS", True))


def member_for_login_id(login_id: str, load: Callable[[str], User | None]) -> User | None:
    """The member this login id signs in: kept, or else `load`ed (accounts.user_for_login_id,
    which checks the session is live) and kept for the next request."""
    parsed = parse_login_id(login_id)
    if parsed is None:
        return load(login_id)
    user_id, _epoch, secret = parsed
    key = _key_for(user_id, login_id)
    # The row's versions and the row itself, in one round trip (the page cache may have read them
    # already, with the page's own: page_cache.serve_from_cache).
    found = page_cache.member_row_and_versions(user_id, key) if key else None
    if found is None:
        return load(login_id)  # nothing may be kept or served
    kept, versions = found
    user = kept_member(key, kept, versions)
    if user is None:
        user = load(login_id)
        if user is not None:
            keep_member(key, versions, user)
    else:
        user.sign_in_key = secret  # as user_for_login_id does: signing out ends this session
    return user


def _key_for(user_id: int, login_id: str) -> str | None:
    """Where this session's row is kept, or None when nothing may be kept or served. The row's
    versions are kept with it (page_cache.kept_under), not in the key."""
    if not _enabled():
        return None
    # The login id holds the epoch and the session's secret: a digest of it, never the secret.
    session_digest = hashlib.blake2b(login_id.encode(), digest_size=16).hexdigest()
    return f"row:{_shape()}:{user_id}:{session_digest}"


def row_key_of_this_session(user_id: int) -> str | None:
    """For the page cache, which reads the row with the page: where this session's row is kept."""
    login_id = session.get("_user_id")
    return _key_for(user_id, login_id) if isinstance(login_id, str) else None


def kept_member(key: str, kept, versions: tuple) -> User | None:
    """The member kept with exactly these versions, attached to this request's database session;
    None if none."""
    try:
        return _restored(page_cache.kept_under(kept, versions))
    except Exception:  # noqa: BLE001 - a kept row is only a saving: whatever is wrong with it, ask the database
        log.warning("kept member row %s could not be read back; asking the database", key, exc_info=True)
        return None


def _restored(values: dict | None) -> User | None:
    return restored(User, values) if values else None


def keep_member(key: str, versions: tuple, user: User) -> None:
    """Keep the row under the versions read before it was loaded (so a change made meanwhile
    leaves it behind)."""
    if user.is_moderator or user.is_admin:
        return
    page_cache.keep_under(key, versions, column_values(user, _kept_columns()),
                          timeout=min(ROW_SECONDS, current_app.config["PAGE_CACHE_MEMBER_SECONDS"]))
