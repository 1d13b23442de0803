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
  each page is kept with that section's version number, and served only while that is still the
  current one (kept_under: the versions and the page come in one round trip). After any commit
  that changed something a visitor can see in a section (a post, an edit, a hide or an approval, a
  reaction count, a category, a thread's pin or lock, a meet-up or a place on it, an author's name)
  the section's version moves on, so every kept page of that section is left behind at once (and
  is replaced when next made, or expires). This is done on the database session, so no feature
  can forget to do it. Members' private records (read markers, drafts, follows, saved posts) do
  not move it. The forums section has finer versions too (FORUM_LISTS, _thread_version_name): a
  reply moves its own thread's version and the lists' (forum index and categories), not the
  version of every other thread page.
- **Served as the browser takes it**: a visitor's page is kept with copies compressed once
  (brotli, gzip: _compressed_copies), so a view costs no compression; Flask-Compress still
  compresses what is made afresh and members' kept pages, whose holes are filled at each view.
- A time limit (PAGE_CACHE_SECONDS) bounds anything that changes with the clock alone
  (a meet-up that has started leaves "upcoming" within that time).

Members' forum pages (the forum index, categories and threads: what members read most) are kept
too, each for one member in one browser (issue 15: without it a member's page costs twenty times a
visitor's):

- **Only that browser gets it back.** The key holds a digest of the browser's signed session
  cookie (which holds the member's login id, with its sign-in secret, and the session's CSRF
  secret): "Signed in as", the unread count and the sign-out form's CSRF token on the page were
  made for that session and are shown to nobody else. Flashed messages never reach the cache
  (a request that brings them is neither served nor stored).
- **Any change that concerns the member shows at once.** Besides the forums section's version,
  the page is kept with the member's own version and one for all members. The member's version
  moves on after any change to a row that names them, found from the tables' foreign keys to
  `users` (their own row, read markers, follows, drafts, saved posts, blocks and mutes either
  way, notifications, pauses, sign-in sessions...), so a new feature cannot forget it; a bulk statement whose rows
  cannot be tied to named members moves every member's version. A member's own rows about one
  thread (read marker, follow, draft: MEMBER_THREAD_TABLES) move finer versions instead: theirs for
  that thread, which its page holds, and (not for a draft) theirs for the lists, which the forum
  index and category pages hold, so reading one thread leaves their other kept thread pages kept.
  Notifications show on those pages only as the header's count, which is a hole filled at each
  view (MEMBER_UNREAD_TABLES), so a notification leaves the member's kept pages kept too.
- **A hit touches no database**, so it must not outlive the sign-in: signing out ends a session
  row, a password change moves the member's session epoch, a suspension adds a sanction, and each
  of those moves a version, so the next request goes the whole way and is refused as before.
- A page is stored only by a request that changed nothing (the first view of a thread moves the
  read marker, so the second view is kept), and never for moderators and administrators (their
  pages count work waiting, which other people's reports change) or a member under a pause (it ends
  with the clock). PAGE_CACHE_MEMBER_SECONDS bounds the rest of what the clock changes.
"""
from __future__ import annotations

import hashlib
import os
import re
import struct
import threading
import time
import zlib
from typing import NamedTuple

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_caching import Cache
# Flask-Compress's own compressor (brotli, gzip... with its COMPRESS_* settings), so a kept copy is
# the very bytes it would send; the version is pinned in requirements.txt, and
# tests/test_compression.py reads each copy back.
from flask_compress.flask_compress import _compress_data
from redis.exceptions import RedisError
from flask_login import current_user
from flask_sqlalchemy.session import Session

from app import i18n
from app.extensions import compress
from app.display import COOKIE_NAME, parse_cookie
from app.models.forums import Post
from app.models.types import utcnow
from app.models.users import parse_login_id

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

# Members' pages kept per member and browser (see the module docstring); all in "forums".
MEMBER_CACHED_ENDPOINTS = frozenset({"forums.index", "forums.category", "forums.thread"})

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

# The forums section's finer versions. A reply in one thread must not make all 50,000 thread pages
# again: each thread page holds, besides the section's version, its thread's own; the forum index
# and the category pages, which show every thread's counts and latest post, hold one version for
# the lists. A change is tied to what it shows on: a post, a reaction or a thread to its thread
# (and a post or a thread to the lists); a category's counters to the lists. What cannot be tied
# to a thread here (a category renamed, a member's new name, a statement over many posts) moves
# the section's own version, as before, and so every forum page.
FORUM_LISTS = "forums:lists"
# The counters every reply updates: shown on the forum index and category pages, not on threads.
CATEGORY_COUNTER_COLUMNS = frozenset({"thread_count", "post_count", "last_post_at", "last_thread_id"})


def _thread_version_name(thread_id) -> str:
    return f"forums:thread:{thread_id}"


def _page_versions(section: str) -> tuple[str, ...]:
    """The versions this request's page holds: its section's, and for forum pages the finer one."""
    if section != "forums":
        return (section,)
    if request.endpoint == "forums.thread":
        return (section, _thread_version_name((request.view_args or {}).get("thread_id")))
    return (section, FORUM_LISTS)


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
    # process otherwise (see LocalVersions).
    app.extensions["page_cache_versions"] = (
        None if redis_url else LocalVersions(app.config.get("PAGE_CACHE_VERSIONS_HELD", 50_000), forgotten_marker(app))
    )


def forgotten_marker(app: Flask) -> str:
    """Without Redis: the file `flask forget-kept-pages` touches (LocalVersions.catch_up)."""
    return app.config.get("PAGE_CACHE_FORGOTTEN_FILE") or os.path.join(app.instance_path, "kept-pages-forgotten")


class LocalVersions:
    """The versions for one process without Redis (`make run`). There is one per thread page and
    one per member and thread read, so they cannot all be held for ever; past `limit` the older
    half is let go. A name let go must never come back to a number it held before (a page kept
    under that number would be served again, stale), so every name not held reads as `floor`:
    the clock when names were last let go. That is later than any number a let-go name held, and
    every later bump (the clock again) is later still, so each name's number only ever grows.
    Letting go costs the pages kept under those names one miss each, never a stale page."""

    def __init__(self, limit: int, forgotten_marker: str | None = None):
        self.limit = limit
        self.floor = 0
        self._held: dict[str, int] = {}
        # `make run` serves with threads: a bump in one while another lets the older half go must
        # not be lost in the dict being replaced (its name would go back to an older number).
        self._lock = threading.Lock()
        self._marker = forgotten_marker
        self._marker_seen = self._marker_time()
        self.moved = False

    def _marker_time(self) -> tuple:
        """The marker as last written: each touch writes a new file in its place, so its inode
        and its time both change, even where the file system's clock ticks by whole seconds."""
        try:
            found = os.stat(self._marker) if self._marker else None
        except OSError:
            return ()
        return () if found is None else (found.st_ino, found.st_mtime_ns, found.st_size)

    def catch_up(self) -> None:
        """Let every name go if `flask forget-kept-pages` touched the marker file since the last
        look (the command runs in a process of its own, out of reach of this one's memory): as when
        the older half is let go, every name then reads as a floor later than any number it held.
        One stat a look, for `make run`'s single process only (with Redis the versions are there)."""
        touched = self._marker_time()
        if touched != self._marker_seen:  # any new time: a clock set back must not hide a touch
            with self._lock:
                self._marker_seen = touched
                # Later than any number a name held, whatever the clock says.
                self.floor = max(time.time_ns(), self.floor + 1, *(version + 1 for version in self._held.values()))
                self._held = {}

    def get(self, name: str) -> int:
        with self._lock:
            return self._held.get(name, self.floor)

    def set(self, name: str, version: int) -> None:
        with self._lock:
            self.moved = True  # (read by a command: tell_the_server_what_moved)
            self._held[name] = version
            if len(self._held) > self.limit:
                newest_first = sorted(self._held.items(), key=lambda item: item[1], reverse=True)
                self.floor = time.time_ns()
                self._held = dict(newest_first[: self.limit // 2])

    def __len__(self) -> int:
        return len(self._held)


def enabled(app: Flask) -> bool:
    return app.config.get("PAGE_CACHE", True)


# Session keys that never change what a visitor's page shows (the CSRF secret is not rendered in a
# cached page: a page that made a token is not stored, see store_in_cache).
HARMLESS_SESSION_KEYS = {"csrf_token", "_permanent", "_fresh", "_id"}

ALL_MEMBERS = "members"  # the version every member's kept pages hold besides their own


def _member_version_name(user_id: int) -> str:
    return f"member:{user_id}"


# A member's own rows about one thread (their read marker, their follow, their draft of a reply)
# show on that thread's page (first unread, "You are following", the draft) and on the lists (New,
# 3 new replies, Following), nowhere else that is kept. A change to one moves the member's version
# for that thread and for the lists, not their whole version: before, reading thread A (a new read
# marker) left every kept page of theirs behind, thread B's included. A row whose thread is not
# known (a draft of a new thread, a statement over several threads) moves their whole version.
MEMBER_THREAD_TABLES = frozenset({"forum_thread_reads", "forum_thread_follows", "forum_drafts"})
# Of those, the ones the lists show (New, 3 new replies, Following); a draft shows on its thread's
# page only, so drafts.js saving one as the member types leaves their kept lists kept.
MEMBER_LIST_TABLES = frozenset({"forum_thread_reads", "forum_thread_follows"})
# How long these versions are held: there is one per member and thread read, so unlike the others
# they must not be held for ever. One that has gone is started afresh and nothing is served under
# it (_trusted_versions), so this only bounds how long a kept page can be found again.
MEMBER_THREAD_VERSION_SECONDS = 24 * 3600


# The header's unread count is the one thing from notifications a kept page shows, so it is a hole
# in the kept page, filled at each view from a count kept beside the pages (unread:{id}, with the
# versions it was read under); changes to notifications move only the member's unread versions,
# and a notification no longer makes every kept page of theirs again. With the count not known
# under the current versions, the kept page asks the database for the count alone (one statement)
# and keeps it for the next.
MEMBER_UNREAD_TABLES = frozenset({"notifications"})
ALL_MEMBERS_UNREAD = "members-unread"  # moved by a statement on notifications that does not say whose


def _member_unread_version_name(user_id: int) -> str:
    return f"member-unread:{user_id}"


def _unread_key(user_id: int) -> str:
    return f"unread:{user_id}"


_MEMBER_THREAD_NAME = re.compile(r"member:\d+:(thread:|lists$)")


def _member_thread_version_name(user_id: int, thread_id) -> str:
    return f"member:{user_id}:thread:{thread_id}"


def _member_lists_version_name(user_id: int) -> str:
    return f"member:{user_id}:lists"


def _member_page_versions(user_id: int) -> tuple[str, ...]:
    """The member's finer version this request's page holds: its thread's, or the lists'."""
    if request.endpoint == "forums.thread":
        return (_member_thread_version_name(user_id, (request.view_args or {}).get("thread_id")),)
    return (_member_lists_version_name(user_id),)


# A member's kept row (app/kept_members.py) is read from their own row and their sign-in sessions
# only, so it holds versions of its own that only changes to those two tables move: reading a new
# thread (a read marker) or a new notification leaves it kept, as it does not their kept pages.
MEMBER_ROW_TABLES = frozenset({"users", "sign_in_sessions"})
ALL_MEMBER_ROWS = "member-rows"  # moved by a statement on those tables that does not say whose rows


def _member_row_version_name(user_id: int) -> str:
    return f"member-row:{user_id}"


def member_row_and_versions(member_id: int, row_key: str) -> tuple | None:
    """What is kept under row_key (app/kept_members.py), with the two versions a member's kept row
    must hold to be used (every member's, and their own), read once a request in one round trip;
    None when the versions cannot be trusted (Redis down, or a version it let go). On a thread or
    category page the kept part and its versions come in the same round trip (app/kept_parts.py)."""
    remembered = getattr(request, "_kindred_member_row", None)
    if remembered is not None and remembered[0] == row_key:
        return remembered[1]
    part_key = _part_key_unread()
    part_names = _page_versions("forums") if part_key else ()
    found = _trusted_versions(*part_names, ALL_MEMBER_ROWS, _member_row_version_name(member_id),
                              also=(row_key,) + ((part_key,) if part_key else ()))
    if part_key:
        # found: the part's versions, the row's, then the row and the part
        _remember_part_read(part_key, None if found is None else [*found[:len(part_names)], found[-1]])
        found = None if found is None else found[len(part_names):-1]
    _remember_member_row(row_key, found)
    return request._kindred_member_row[1]


def _part_key_unread() -> str | None:
    """This request's kept part's key (app/kept_parts.py), if no round trip read it yet."""
    from app.kept_parts import key_for_this_request

    key = key_for_this_request()
    remembered = getattr(request, "_kindred_part", None)
    return None if key is None or (remembered is not None and remembered[0] == key) else key


def remember_part(key: str, versions: tuple | None, kept) -> None:
    """What one round trip read for this request's kept part: its versions (None: not to be
    trusted, so nothing is used or kept) and what is kept under its key."""
    request._kindred_part = (key, versions, kept)


def _remember_part_read(key: str, found: list | None) -> None:
    """found: the part's versions, then what is kept under its key (from _trusted_versions)."""
    remember_part(key, None if found is None else tuple(found[:-1]), None if found is None else found[-1])


def part_and_versions(key: str) -> tuple | None:
    """(versions, what is kept) for this request's kept part, from the round trip that read the
    member's row, or from one of its own; None when the versions cannot be trusted."""
    remembered = getattr(request, "_kindred_part", None)
    if remembered is None or remembered[0] != key:
        _remember_part_read(key, _trusted_versions(*_page_versions("forums"), also=(key,)))
        remembered = request._kindred_part
    _key, versions, kept = remembered
    return None if versions is None else (versions, kept)


def _remember_member_row(row_key: str, found: list | None) -> None:
    """found: the row's two versions, then what is kept under row_key (from _trusted_versions)."""
    request._kindred_member_row = (row_key, None if found is None else (found[2], tuple(found[:2])))


def kept_under(kept, versions: tuple):
    """What was kept as (versions, what) with exactly these versions, else None. Each kept thing
    (a page, a member's row, their unread count) holds the versions it was made under, and its key
    does not: one round trip reads the versions and the thing together, and a newer copy takes the
    older one's place instead of lying beside it until it expires."""
    if type(kept) is not tuple or len(kept) != 2 or kept[0] != tuple(versions):
        return None
    return kept[1]


def keep_under(key: str, versions: tuple, what, timeout: int | None = None) -> None:
    cache_set(key, (tuple(versions), what), timeout=timeout)


def _signed_in_member_id() -> int | None:
    """The member this browser's session signs in, read from the signed cookie alone (no query):
    Flask-Login keeps the login id "<user id>:<epoch>:<secret>" (User.get_id) in the session."""
    parsed = parse_login_id(session.get("_user_id"))
    return parsed[0] if parsed is not None else None


def _visitor_section() -> str | None:
    # Anything else a visitor's session holds may change the page for them alone (the meet-up
    # filters they used last, for one): such a request is neither served nor stored.
    if any(key not in HARMLESS_SESSION_KEYS for key in session.keys()):
        return None
    if current_user.is_authenticated:  # a remember-me cookie signed them in
        return None
    return CACHED_ENDPOINTS[request.endpoint]


def _display_cookie() -> str:
    return parse_cookie(request.cookies.get(COOKIE_NAME)).cookie_value()


def _visitor_key(section: str) -> str:
    # The script root too: every link on the page starts with where the site is mounted. The page's
    # versions are kept with it, not in its key (kept_under).
    # "visitor-page": a visitor's kept page holds its compressed copies too (_compressed_copies); a
    # release that kept (body, mimetype) under "page:" is not read by this one, nor this by it.
    return f"visitor-page:{section}:{_display_cookie()}:{i18n.cache_key_part()}:{request.script_root}{request.full_path}"


def _member_key(user_id: int) -> str:
    # The session cookie as the browser sent it: the same cookie means the same session contents
    # (login id, CSRF secret); a re-signed cookie only makes a new key. The member's own language
    # and display settings are on their row, which moves their version; the browser's language and
    # display cookies are here.
    cookie = request.cookies.get(current_app.config["SESSION_COOKIE_NAME"], "")
    browser = hashlib.blake2b(cookie.encode(), digest_size=16).hexdigest()
    # "member-pieces": kept cut at its holes, with a gzip copy of each piece (_pieces); a release
    # that kept (body, mimetype) under "member-page:" is not read by this one, nor this by it.
    return (f"member-pieces:{user_id}:{browser}:{_display_cookie()}:"
            f"{i18n.browser_key_part()}:{request.script_root}{request.full_path}")


def _unless_redis_is_down(call, *args, failed=None, **kwargs):
    """The page cache is only a saving: with Redis unreachable, pages are made as if nothing was kept."""
    try:
        return call(*args, **kwargs)
    except (RedisError, OSError):
        current_app.logger.warning("page cache: Redis did not answer; making the page instead", exc_info=True)
        return failed


def cache_get(key: str):
    """What is kept under this key, or None (also with Redis down)."""
    return _unless_redis_is_down(cache.get, key)


def cache_set(key: str, value, timeout: int) -> None:
    _unless_redis_is_down(cache.set, key, value, timeout=timeout)


def _versions(*names: str, also: tuple[str, ...] = ()) -> list | None:
    """These versions, then what is kept under each key of `also`, in one round trip (MGET)."""
    local = current_app.extensions["page_cache_versions"]
    if local is not None:
        local.catch_up()
        return [local.get(name) for name in names] + [cache_get(key) for key in also]
    keys = [f"version:{name}" for name in names] + list(also)
    return _unless_redis_is_down(cache.get_many, *keys, failed=None)


def _trusted_versions(*names: str, also: tuple[str, ...] = ()) -> list | None:
    """These versions, or None when they cannot be trusted: Redis down, or a version it does not
    hold (never set, or let go under memory pressure: there is one per thread page). A lost version
    is started afresh, and this request neither serves nor keeps anything under it: what was kept
    under an older number may still be there, and one kept now would be under no number at all.
    With `also`, what is kept under those keys comes after them (read in the same round trip)."""
    found = _versions(*names, also=also)
    if found is None:
        return None
    versions, kept = found[:len(names)], found[len(names):]
    trusted = _trusted_versions_from(names, versions)
    return None if trusted is None else [*trusted, *kept]


def _trusted_versions_from(names, versions) -> list[int] | None:
    lost = [name for name, version in zip(names, versions) if version is None]
    for name in lost:
        bump(name)
    return None if lost else versions


def serve_from_cache():
    """before_request, first after `g` is cleared: a kept page skips every other hook and the view."""
    # Popped: tests run requests inside one app context, so `g` outlives a request.
    for name in ("page_cache_key", "page_cache_versions", "page_cache_hit", "page_cache_member", "page_cache_wrote",
                 "page_cache_unread_versions"):
        g.pop(name, None)
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return None
    # Before touching current_user (which may load a member): a request with flashed messages
    # is for one person only.
    if session.get("_flashes"):
        return None
    member_id = _signed_in_member_id()
    if member_id is None:
        section = _visitor_section()
        if section is None:
            return None
        key = _visitor_key(section)
        # Not the page's kept part (app/kept_parts.py), which a miss reads next in a round trip of its
        # own: read beside every kept page, it cost a visitor's kept thread page 5-7% of its rate.
        found = _trusted_versions(*_page_versions(section), also=(key,))
        if found is None:
            return None
        g.page_cache_key, g.page_cache_versions, stored = key, tuple(found[:-1]), found[-1]
    else:
        if request.endpoint not in MEMBER_CACHED_ENDPOINTS or not current_app.config["PAGE_CACHE_MEMBERS"]:
            return None
        from app.kept_members import row_key_of_this_session

        section = CACHED_ENDPOINTS[request.endpoint]
        # One round trip for everything: the page's versions and the page, the unread count's, and
        # the kept row's (on a miss, the page's user loader, app/kept_members.py, needs it next).
        page_names = (ALL_MEMBERS, _member_version_name(member_id), *_member_page_versions(member_id), *_page_versions(section))
        row_names = (ALL_MEMBER_ROWS, _member_row_version_name(member_id))
        unread_names = (ALL_MEMBERS_UNREAD, _member_unread_version_name(member_id))
        key, row_key = _member_key(member_id), row_key_of_this_session(member_id)
        found = _trusted_versions(*page_names, *row_names, *unread_names,
                                  also=(key, _unread_key(member_id)) + ((row_key,) if row_key else ()))
        if found is None:
            return None
        # found: the page's versions, the row's, the count's, then the page, the count and the row
        pages = len(page_names)
        rows = pages + len(row_names)
        unread = rows + len(unread_names)
        stored, kept_unread, *kept_row = found[unread:]
        if row_key:
            _remember_member_row(row_key, [*found[pages:rows], *kept_row])
        g.page_cache_member = member_id
        g.page_cache_unread_versions = tuple(found[rows:unread])
        g.page_cache_key, g.page_cache_versions = key, tuple(found[:pages])
    stored = kept_under(stored, g.page_cache_versions)
    if stored is None:
        return None
    encoding = None
    if member_id is None:  # a visitor's page, kept with its compressed copies
        body, mimetype, copies = stored
        encoding = request.accept_encodings.best_match(list(copies))
        body = copies.get(encoding, body)
    else:
        pieces, mimetype = stored
        count = kept_under(kept_unread, g.page_cache_unread_versions)
        if count is None:
            # Their notifications changed since: one statement for the count, not the whole page,
            # and without a transaction where reading pages runs so (no BEGIN, no ROLLBACK).
            from app.extensions import read_without_a_transaction
            from app.services.notifications import count_unread_of

            read_without_a_transaction()
            count = count_unread_of(member_id)
            _keep_unread_count_as(member_id, g.page_cache_unread_versions, count)
        encoding = "gzip" if pieces.gzipped is not None and request.accept_encodings.best_match(["gzip"]) else None
        body = _filled_pieces(pieces, count, gzipped=encoding is not None)
    g.page_cache_hit = True
    response = current_app.response_class(body, mimetype=mimetype)
    if encoding is not None:
        # Flask-Compress leaves a response that already says how it is encoded as it is, and adds
        # "Vary: Accept-Encoding" to it as to every response.
        response.headers["Content-Encoding"] = encoding
    response.headers["X-Page-Cache"] = "hit"
    return response


# Compression is most of what a kept page costs to serve, when it is done at each view: a visitor's
# kept thread page took 0.65-0.9 ms of CPU asked for plainly, 1.1-1.35 ms asked for as every browser
# asks (Accept-Encoding: br), Flask-Compress compressing the same bytes again each time. A
# visitor's page is the same bytes at every view, so it is kept with its copies compressed once,
# by Flask-Compress's own compressor and settings, and each view picks the one its browser takes
# best. A member's kept page is not the same bytes twice (its submission keys and unread count are
# filled in at each view): it is kept cut at those holes with each piece compressed once (Pieces).
def _compressed_copies(body: bytes, mimetype: str) -> dict[str, bytes]:
    """The page compressed in each way Flask-Compress would send it (its COMPRESS_ALGORITHM, in its
    order of preference), or nothing where it would send it as it is (behind nginx,
    COMPRESS_RESPONSES=false; a type it leaves alone; a body under COMPRESS_MIN_SIZE)."""
    if not _compresses(body, mimetype):
        return {}
    return {algorithm: _compress_data(current_app, body, algorithm) for algorithm in compress.enabled_algorithms}


def _compresses(body: bytes, mimetype: str) -> bool:
    """Whether Flask-Compress would compress this response at all (not behind nginx, a type it
    compresses, not too small)."""
    app = current_app
    return (app.config["COMPRESS_REGISTER"] and mimetype in compress.compress_mimetypes_set
            and len(body) >= app.config["COMPRESS_MIN_SIZE"])


# A member's kept page has holes filled at each view, and is kept cut at them (_pieces):
# - the reply form's submission key (app/forums/forms.py): pressing "Post" twice sends the same key
#   and finds the first post, so each view of the form needs its own: two tabs showing one kept page
#   must not share one, or the second tab's different reply would be taken for the first;
# - the header's unread count (templates/base.html): its words come with the page, in its language,
#   as data-words-new="(%(count)s new)"; the text inside is " (3 new)", or nothing with none.
_SUBMISSION_KEY = rb'(?P<key><input[^>]*\bname="submission_key"[^>]*\bvalue=")[^"]*"'
_UNREAD_COUNT = rb'(?P<count><span class="count" data-notifications-count data-words-new="(?P<words>[^"]*)"[^>]*>)[^<]*</span>'
_HOLES = re.compile(_SUBMISSION_KEY + rb"|" + _UNREAD_COUNT)


class Pieces(NamedTuple):
    """A member's page cut at its holes: `plain` alternates the page's own bytes with holes, each
    ("key",) or ("count", words); `gzipped`, when responses are compressed, has each of those bytes
    compressed on its own (raw deflate, flushed to a byte's end), so that a view sends gzip by
    compressing only what it fills in: the pieces of a deflate stream may be made apart and put
    end to end (RFC 1951, 3.2.3; zlib's gzjoin does the same). A browser that takes brotli also
    takes gzip; the gzip copy is a fifth larger than brotli's and saves compressing the whole page,
    about half of what a kept page costs to serve."""
    plain: tuple
    gzipped: tuple | None


def _pieces(body: bytes, mimetype: str) -> Pieces | None:
    """The page cut at its holes (None when it has no unread count's hole: a page without it would
    show a count that never moves)."""
    plain, position, counts = [], 0, 0
    for found in _HOLES.finditer(body):
        if found.group("count") is not None:
            if counts:
                continue  # only the header's
            counts += 1
            head, hole, tail = found.group("count"), ("count", found.group("words")), b"</span>"
        else:
            head, hole, tail = found.group("key"), ("key",), b'"'
        plain += [body[position:found.start()] + head, hole]
        position = found.end() - len(tail)
    if not counts:
        return None
    plain.append(body[position:])
    gzipped = None
    if "gzip" in compress.enabled_algorithms and _compresses(body, mimetype):
        gzipped = tuple(_deflated(piece) if isinstance(piece, bytes) else None for piece in plain)
    return Pieces(tuple(plain), gzipped)


def _deflated(data: bytes) -> bytes:
    """data as raw deflate, on its own and ended on a byte's boundary (not the stream's end)."""
    compressor = zlib.compressobj(current_app.config["COMPRESS_LEVEL"], zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, any system (RFC 1952)
_DEFLATE_END = b"\x03\x00"  # an empty last block: the stream ends


def _filled_pieces(pieces: Pieces, count: int, gzipped: bool) -> bytes:
    """The page with fresh submission keys and this unread count, as gzip when `gzipped`."""
    from app.forums.forms import new_submission_key

    plain, compressed = [], []
    for index, piece in enumerate(pieces.plain):
        if isinstance(piece, bytes):
            plain.append(piece)
            if gzipped:
                compressed.append(pieces.gzipped[index])
            continue
        if piece[0] == "key":
            filled = new_submission_key().encode()
        else:
            filled = b" " + piece[1].replace(b"%(count)s", str(count).encode()) if count else b""
        plain.append(filled)
        if gzipped:
            compressed.append(_deflated(filled))
    body = b"".join(plain)
    if not gzipped:
        return body
    trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return b"".join((_GZIP_HEADER, *compressed, _DEFLATE_END, trailer))


def _keep_unread_count(member_id: int) -> None:
    """After a member's forum page: the count this request read from the database (the page's own
    statement, notifications.remember_unread_count), kept under the versions read before it."""
    versions = g.get("page_cache_unread_versions")
    known = getattr(request, "_kindred_unread", None)
    if versions is None or known is None or known[0] != member_id:
        return
    _keep_unread_count_as(member_id, versions, known[1])


def _keep_unread_count_as(member_id: int, versions: tuple, count: int) -> None:
    """Keep this count, read after these versions (so a later move of them leaves it behind)."""
    keep_under(_unread_key(member_id), versions, count, timeout=current_app.config["PAGE_CACHE_MEMBER_SECONDS"])


def served_a_members_page() -> bool:
    """True when this request's page is a member's own kept page (for headers that must not load
    the member just to learn the page is personal)."""
    return bool(g.get("page_cache_hit") and g.get("page_cache_member"))


def _may_keep_for_member(member_id: int) -> bool:
    from app.permissions import can_moderate

    if g.get("page_cache_wrote"):
        return False  # this request changed something (a read marker): the next view is kept
    user = current_user
    if not user.is_authenticated or user.id != member_id or can_moderate(user):
        return False
    restricted_until = user.restricted_until
    return restricted_until is None or restricted_until <= utcnow()


def store_in_cache(response):
    """after_request: keep a freshly rendered page (runs before compression)."""
    key, hit, member_id = g.get("page_cache_key"), g.get("page_cache_hit"), g.get("page_cache_member")
    if key is None or hit or response.status_code != 200 or response.direct_passthrough:
        return response
    if session.get("_flashes") or session.modified or response.headers.get("Set-Cookie"):
        return response  # something here belongs to this one request
    if member_id is None:
        if "csrf_token" in g:
            return response  # the token belongs to this one visitor
        body = response.get_data()
        keep_under(key, g.page_cache_versions, (body, response.mimetype, _compressed_copies(body, response.mimetype)))
    else:
        # The CSRF token is allowed here: the key is this browser's own session.
        _keep_unread_count(member_id)
        if not _may_keep_for_member(member_id):
            return response
        pieces = _pieces(response.get_data(), response.mimetype)
        if pieces is None:
            return response  # (a page without the count's hole would show a count that never moves)
        keep_under(key, g.page_cache_versions, (pieces, response.mimetype), timeout=current_app.config["PAGE_CACHE_MEMBER_SECONDS"])
    response.headers["X-Page-Cache"] = "miss"
    return response


def bump(name: str) -> None:
    """Leave every cached page of this section (or member) behind (they expire on their own)."""
    # The clock in nanoseconds: always larger than before, so never back to a version whose
    # pages may still be stored, even if the version itself were lost.
    version = time.time_ns()
    local = current_app.extensions["page_cache_versions"]
    if local is not None:
        local.set(name, version)
    else:
        # Should Redis be down, the pages it holds are out of reach too; when it is back, any page
        # this change should have left behind has at most its time limit left.
        timeout = MEMBER_THREAD_VERSION_SECONDS if _MEMBER_THREAD_NAME.match(name) else 0  # 0: for ever
        _unless_redis_is_down(cache.set, f"version:{name}", version, timeout=timeout)


EVERYTHING_KEPT = (*sorted(set(CACHED_ENDPOINTS.values())), FORUM_LISTS, ALL_MEMBERS, ALL_MEMBER_ROWS, ALL_MEMBERS_UNREAD)


def forget_everything_kept() -> bool:
    """Leave every kept page, member's row and unread count behind at once (`flask
    forget-kept-pages`): after the database was changed where the session's events cannot see it
    (psql, a data migration, a connection's own statements), which is otherwise seen only as
    kept things expire. Every thread page holds its section's version, and every member's thing
    one of the ALL_ versions, so these few names reach them all. False when it could not: Redis
    did not answer. Without Redis the versions live in the server's own memory: the marker file
    is touched, and the server lets them all go at its next look (LocalVersions.catch_up)."""
    if current_app.extensions["page_cache_versions"] is not None:
        _touch(forgotten_marker(current_app))
        return True
    version = time.time_ns()
    written = _unless_redis_is_down(cache.set_many, {f"version:{name}": version for name in EVERYTHING_KEPT},
                                    timeout=0, failed=[])
    return len(written) == len(EVERYTHING_KEPT)


def _touch(marker: str) -> None:
    """Write the marker afresh: a new file put in the old one's place (LocalVersions._marker_time)."""
    os.makedirs(os.path.dirname(marker), exist_ok=True)
    written = f"{marker}.{os.getpid()}.new"
    with open(written, "w", encoding="utf-8") as file:
        file.write(f"{time.time_ns()}\n")
    os.replace(written, marker)


def tell_the_server_what_moved() -> None:
    """After a command (app/cli.py): without Redis, the versions it moved are its own process's,
    out of the running server's reach, so the server is told to let all of its versions go (a
    command that changed what pages show is rare: erasing accounts, a reminder's notification)."""
    local = current_app.extensions.get("page_cache_versions")
    if local is not None and local.moved:
        forget_everything_kept()
        local.moved = False


def _sections_touched(session_) -> set[str]:
    """The versions (sections, and the forums' finer ones) that this flush's rows show on."""
    touched = set()
    for instance in (*session_.new, *session_.dirty, *session_.deleted):
        table = getattr(instance, "__tablename__", None)
        if table == "users":
            if instance in session_.deleted or any(
                sa.inspect(instance).attrs[column].history.has_changes() for column in USER_COLUMNS_SHOWN
            ):
                touched.add("forums")
        elif SECTION_OF_TABLE.get(table) == "forums":
            touched |= _forum_versions_of(session_, instance, table)
        elif table in SECTION_OF_TABLE:
            touched.add(SECTION_OF_TABLE[table])
    return touched


def _loaded_values(instance, key: str) -> list:
    """An attribute's value now and any it had before, without loading anything ([] if unloaded)."""
    state = sa.inspect(instance)
    values = list(state.attrs[key].history.deleted)
    if key in state.dict:
        values.append(state.dict[key])
    return [value for value in values if value is not None]


def _loaded_related(instance, key: str):
    """A relationship's object if it is loaded (None otherwise): nothing is loaded for it."""
    value = sa.inspect(instance).attrs[key].loaded_value
    return None if value is sa.orm.base.NO_VALUE else value


def _threads_of_post(post) -> list:
    """The threads a post was in and is in, from what is loaded ([] when nothing says)."""
    thread_ids = _loaded_values(post, "thread_id")
    thread = _loaded_related(post, "thread")
    if thread is not None and thread.id is not None:
        thread_ids.append(thread.id)  # set through the relationship: the flush fills in thread_id
    return thread_ids


def _forum_versions_of(session_, instance, table: str) -> set[str]:
    if table == "forum_threads":
        thread_ids = _loaded_values(instance, "id")
        if instance in session_.new:
            return {FORUM_LISTS}  # a new thread: no page of it can be kept yet
        return {FORUM_LISTS, *map(_thread_version_name, thread_ids)} if thread_ids else {"forums"}
    if table == "forum_posts":
        thread_ids = _threads_of_post(instance)
        if not thread_ids and instance not in session_.new:
            return {"forums"}  # changed while its columns were expired: which thread is not known here
        # A new thread's first post has no thread id yet, and no page of that thread is kept.
        return {FORUM_LISTS, *map(_thread_version_name, thread_ids)}
    if table == "forum_reactions":
        post = None
        if instance.post_id is not None:
            with session_.no_autoflush:  # usually in the session already: the reaction's page loaded it
                post = session_.get(Post, instance.post_id)
        thread_ids = _threads_of_post(post) if post is not None else []
        return set(map(_thread_version_name, thread_ids)) if thread_ids else {"forums"}
    if table == "forum_categories" and instance not in session_.new and instance not in session_.deleted:
        changed = {attr.key for attr in sa.inspect(instance).attrs if attr.history.has_changes()}
        if changed <= CATEGORY_COUNTER_COLUMNS:
            return {FORUM_LISTS}
    return {"forums"}


def _forum_versions_of_statement(statement, table_name: str) -> set[str]:
    """An UPDATE or DELETE on a forums table, run through the session: its thread when its WHERE
    names one, else the whole section."""
    changed = set(_values_of(statement))
    if table_name == "forum_categories" and changed and changed <= CATEGORY_COUNTER_COLUMNS:
        return {FORUM_LISTS}
    column = {"forum_threads": "id", "forum_posts": "thread_id"}.get(table_name)
    if column is not None:
        thread_ids = _equal_values(statement.whereclause, (column,), table_name).get(column)
        if thread_ids:
            return {FORUM_LISTS, *map(_thread_version_name, thread_ids)}
    return {"forums"}


@sa.event.listens_for(Session, "before_flush")
def _note_sections(session_, _context, _instances):
    session_.info.setdefault("page_sections", set()).update(_sections_touched(session_))


_CHANGES_DATA = re.compile(r"\s*(with\b.*\b)?(update|delete|insert|merge|truncate)\b", re.IGNORECASE | re.DOTALL)


@sa.event.listens_for(Session, "do_orm_execute")
def _note_statement(state):
    # Statements run through the session (counters, read markers, marking notifications read)
    # skip the flush: the sections and the members they concern are noted here.
    if isinstance(state.statement, sa.sql.elements.TextClause):
        if _CHANGES_DATA.match(state.statement.text):
            # Plain SQL that changes data: what it touches is not known here, so everything moves.
            state.session.info.setdefault("page_sections", set()).update(SECTION_OF_TABLE.values())
            _note_members(state.session, {ALL_MEMBERS})
            _note_member_rows(state.session, {ALL_MEMBERS})
            _note_member_unread(state.session, {ALL_MEMBERS})
        return
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if state.is_update or state.is_delete:
        table_name = getattr(getattr(state.statement, "table", None), "name", None)
        section = SECTION_OF_TABLE.get(table_name)
        versions = {section} if section else set()
        if section == "forums" and state.is_update:
            versions = _forum_versions_of_statement(state.statement, table_name)
        if table_name == "users" and (state.is_delete or set(USER_COLUMNS_SHOWN) & set(_values_of(state.statement))):
            versions = {"forums"}  # a member's name, shown on their posts, changed in one statement
        if versions:
            state.session.info.setdefault("page_sections", set()).update(versions)
    named = _members_named_in_statement(state)
    table_name = getattr(getattr(state.statement, "table", None), "name", None)
    threads = _threads_in_statement(state) if table_name in MEMBER_THREAD_TABLES and ALL_MEMBERS not in named else None
    if threads and named:
        _note_member_threads(state.session, {(member, thread, table_name in MEMBER_LIST_TABLES)
                                             for member in named for thread in threads})
    elif table_name in MEMBER_UNREAD_TABLES:
        _note_member_unread(state.session, named)
    else:
        _note_members(state.session, named)
    if table_name in MEMBER_ROW_TABLES:
        _note_member_rows(state.session, named)


# Versions move when the outer transaction ends, not a SAVEPOINT: only the outer commit stores
# anything (a page made in between would be kept under the new version with the old rows), and a
# SAVEPOINT rolled back leaves what the outer transaction changed still to count.
@sa.event.listens_for(Session, "after_commit")
def _bump_after_commit(session_):
    if session_.in_nested_transaction():
        return
    sections = session_.info.pop("page_sections", None)
    if sections and has_app_context() and "page_cache_versions" in current_app.extensions:
        for section in sections:
            bump(section)
    bump_members_noted(session_)


@sa.event.listens_for(Session, "after_rollback")
def _after_rollback(session_):
    if session_.in_nested_transaction():
        return
    session_.info.pop("page_sections", None)
    # Members' versions move after a rollback too: a statement run in autocommit (a reading page's
    # read marker) is stored at once and no rollback undoes it; a version moved for nothing only
    # costs a page rendered again. Requests end with bump_after_request for the same reason.
    bump_members_noted(session_)


# ---- Members' versions: who a change concerns, from the tables' foreign keys to users --------

_COLUMNS_NAMING_MEMBERS: dict[str, tuple[str, ...]] = {}
# Tables whose rows name some members only for the record: only the member in these columns
# sees the row on their pages (a notification names its actor so that erasing the actor's account
# can erase the sentence; the actor never sees it). Every other table: every column naming a member.
SEEN_ONLY_BY = {"notifications": ("user_id",)}
# The forums' own tables name members publicly (who wrote a post, who wrote last in a thread, who
# reacted): a change to them moves the forums' versions (_forum_versions_of), which every member's
# kept page holds too, so it need not move any member's own. (Counted as naming members, the
# thread row's new last writer made every reply leave every member's kept pages behind.)
NAMED_IN_PUBLIC = frozenset(table for table, section in SECTION_OF_TABLE.items() if section == "forums")


def _columns_naming_members(table) -> tuple[str, ...]:
    """The columns of this table that hold a member's id (the users table's own id included)."""
    name = getattr(table, "name", None)
    if name is None:
        return ()
    if name not in _COLUMNS_NAMING_MEMBERS:
        columns = [column.name for column in getattr(table, "columns", ())
                   if any(key.column.table.name == "users" for key in column.foreign_keys)]
        if name in SEEN_ONLY_BY:
            columns = [column for column in columns if column in SEEN_ONLY_BY[name]]
        if name in NAMED_IN_PUBLIC:
            columns = []
        if name == "users":
            columns.insert(0, "id")
        _COLUMNS_NAMING_MEMBERS[name] = tuple(columns)
    return _COLUMNS_NAMING_MEMBERS[name]


def _members_named_by(instance, is_new: bool) -> set:
    """The members a new, changed or deleted row names, before and after the change;
    {ALL_MEMBERS} when a column that would say is not loaded."""
    state = sa.inspect(instance)
    named = set()
    for table in state.mapper.tables:
        for column_name in _columns_naming_members(table):
            key = state.mapper.get_property_by_column(table.c[column_name]).key
            # The value now (the flush fills in ids set through relationships without a history)
            # and any value it had before; neither loads anything.
            history = state.attrs[key].history
            if not is_new and history.added and not history.deleted:
                # Handed to another member while its old value was not loaded (expired after a
                # commit): who it left is not known, and their pages must not keep showing it.
                return {ALL_MEMBERS}
            values = list(history.deleted)
            if key in state.dict:
                values.append(state.dict[key])
            elif not is_new:
                return {ALL_MEMBERS}
            named.update(value for value in values if value is not None)
    return named


def _equal_values(clause, columns: tuple[str, ...], table_name: str) -> dict[str, set]:
    """From a WHERE clause, the values each of these columns must equal in every row it picks
    (top-level `column = value` and `column IN (values)` joined by AND; anything else says nothing)."""
    from sqlalchemy.sql import operators
    from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList

    if clause is None:
        return {}
    conditions = list(clause.clauses) if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_ else [clause]
    found: dict[str, set] = {}
    for condition in conditions:
        if not isinstance(condition, BinaryExpression) or not isinstance(condition.right, BindParameter):
            continue
        left = condition.left
        if getattr(left, "name", None) not in columns or getattr(getattr(left, "table", None), "name", None) != table_name:
            continue
        value = condition.right.effective_value
        if value is None:
            continue  # given only when the statement runs (bindparam): says nothing here
        if condition.operator is operators.eq and not isinstance(value, (list, tuple)):
            found.setdefault(left.name, set()).add(value)
        elif condition.operator is operators.in_op and isinstance(value, (list, tuple)):
            found.setdefault(left.name, set()).update(value)
    return found


def _values_of(statement) -> dict:
    """An INSERT's or UPDATE's `.values(...)`, by column name."""
    values = {}
    for target, value in (getattr(statement, "_values", None) or {}).items():
        name = target if isinstance(target, str) else getattr(target, "key", None) or getattr(target, "name", None)
        values[name] = getattr(value, "effective_value", value)
    return values


def _members_named_in_statement(state) -> set:
    """The members an UPDATE, DELETE or INSERT run through the session concerns."""
    statement = state.statement
    table = getattr(statement, "table", None)
    columns = _columns_naming_members(table)
    if not columns:
        return set()
    if state.is_insert:
        if getattr(statement, "_multi_values", None) or getattr(statement, "select", None) is not None:
            return {ALL_MEMBERS}  # many rows, or rows from a SELECT: who they name is not known here
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
        values = _values_of(statement)
        named = set()
        for row in rows:
            for column in columns:
                value = row.get(column, values.get(column))
                if isinstance(value, sa.sql.ClauseElement):
                    return {ALL_MEMBERS}  # a subquery or other SQL: not known until it runs
                if value is not None:
                    named.add(value)
        return named
    if any(column in columns for column in _values_of(statement)):
        return {ALL_MEMBERS}  # moves rows from one member to another
    found = _equal_values(statement.whereclause, columns, table.name)
    if set(found) != set(columns):
        return {ALL_MEMBERS}  # some rows may name members the statement does not say
    return {value for values in found.values() for value in values if value is not None}


def _note_member_rows(session_, members: set) -> None:
    if members:
        session_.info.setdefault("page_member_rows", set()).update(members)


def _note_members(session_, members: set, wrote: bool = True) -> None:
    if members:
        session_.info.setdefault("page_members", set()).update(members)
    if wrote and has_request_context():
        g.page_cache_wrote = True


@sa.event.listens_for(Session, "after_flush")
def _note_members_in_flush(session_, _context):
    # After the flush, so that a new row's member ids (set from relationships) are filled in.
    named, rows_named = set(), set()
    changed = [(instance, True) for instance in session_.new]
    changed += [(instance, False) for instance in (*session_.dirty, *session_.deleted)
                if instance in session_.deleted or session_.is_modified(instance, include_collections=False)]
    pairs, unread = set(), set()
    for instance, is_new in changed:
        members = _members_named_by(instance, is_new=is_new)
        table_name = getattr(instance, "__tablename__", None)
        threads = _threads_of_row(instance, is_new) if table_name in MEMBER_THREAD_TABLES and ALL_MEMBERS not in members else None
        if threads and members:
            pairs |= {(member, thread, table_name in MEMBER_LIST_TABLES) for member in members for thread in threads}
        elif table_name in MEMBER_UNREAD_TABLES:
            unread |= members
        else:
            named |= members
        if table_name in MEMBER_ROW_TABLES:
            rows_named |= members
    _note_members(session_, named, wrote=bool(session_.new or session_.dirty or session_.deleted))
    _note_member_threads(session_, pairs)
    _note_member_unread(session_, unread)
    _note_member_rows(session_, rows_named)


def _threads_of_row(instance, is_new: bool) -> set | None:
    """The threads a member's own row about a thread is about, before and after the change; None
    when that is not known (a draft of a new thread, a thread_id not loaded)."""
    state = sa.inspect(instance)  # a row of MEMBER_THREAD_TABLES: each has a thread_id column
    history = state.attrs.thread_id.history
    if not is_new and history.added and not history.deleted:
        return None  # moved to another thread while its old one was not loaded: which it left is not known
    values = set(history.deleted) | ({state.dict["thread_id"]} if "thread_id" in state.dict else set())
    if (not is_new and "thread_id" not in state.dict) or not values or None in values:
        return None
    return values


def _threads_in_statement(state) -> set | None:
    """The threads an INSERT, UPDATE or DELETE on a member's own rows about threads is about, when
    the statement says (a single row's values, or `thread_id = X` in its WHERE); None otherwise."""
    statement = state.statement
    if state.is_insert:
        if getattr(statement, "_multi_values", None) or getattr(statement, "select", None) is not None:
            return None
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
        values = {row.get("thread_id", _values_of(statement).get("thread_id")) for row in rows}
        return None if not values or None in values or any(isinstance(value, sa.sql.ClauseElement) for value in values) else values
    if "thread_id" in _values_of(statement):
        return None  # moves rows from one thread to another
    return _equal_values(statement.whereclause, ("thread_id",), statement.table.name).get("thread_id") or None


def _note_member_unread(session_, members: set) -> None:
    if members:
        session_.info.setdefault("page_member_unread", set()).update(members)
        _note_members(session_, set())  # a write all the same: this request's page is not kept


def _note_member_threads(session_, pairs: set) -> None:
    if pairs:
        session_.info.setdefault("page_member_threads", set()).update(pairs)
        _note_members(session_, set())  # a write all the same: this request's page is not kept


def bump_members_noted(session_) -> None:
    """Move on the version of every member this session's writes concerned."""
    members = session_.info.pop("page_members", None)
    rows = session_.info.pop("page_member_rows", None)
    pairs = session_.info.pop("page_member_threads", None)
    unread = session_.info.pop("page_member_unread", None)
    if not (members or rows or pairs or unread) or not has_app_context() or "page_cache_versions" not in current_app.extensions:
        return
    for member in unread or ():
        bump(ALL_MEMBERS_UNREAD if member == ALL_MEMBERS else _member_unread_version_name(member))
    for member in members or ():
        bump(ALL_MEMBERS if member == ALL_MEMBERS else _member_version_name(member))
    for member in rows or ():
        bump(ALL_MEMBER_ROWS if member == ALL_MEMBERS else _member_row_version_name(member))
    for member in {member for member, _thread, on_lists in pairs or () if on_lists}:
        bump(_member_lists_version_name(member))
    for member, thread in {(member, thread) for member, thread, _on_lists in pairs or ()}:
        bump(_member_thread_version_name(member, thread))


def bump_after_request(_error=None) -> None:
    """teardown_request: writes stored without a commit (autocommit) still move versions."""
    from app.extensions import db

    if db.session.registry.has():
        bump_members_noted(db.session())
