"""Each forum post's rendered HTML (and each line of a category page), cached by what it is made of.

A thread page shows 20 posts, and rendering them (the author's name, two dates in words, the Listen
link, Reply, React and More with a screen reader's "(post N)", the text) was about 40% of a member's
thread page's CPU (issue 15). Each post's HTML is kept, so the next page that shows the same post
in the same way takes it from the cache. A category page's lines are kept the same way
(thread_row_key: the title and details of each thread, and its tags, the reader's own as
yes-or-no and a count).

The cache is **key-based**: the key is a digest of everything the fragment is made of, so nothing
ever has to be emptied. A change to a post gives it a new key at once, on every process, and the
old entry is simply never asked for again (it expires on its own). What the key holds, and why:

- the post's own fields that the fragment shows: its id and number, its thread (the Reply link),
  the author's id and name (a renamed member, or a removed one, "A former member"), when it was
  written and edited (`edited_at`: an edit), its status (held or hidden: the author's and
  moderators' note; approved, hidden and restored posts change it), the moderation note, the
  language the writer marked (`lang="cy"`), and the text itself (`body_html`, hashed with the rest:
  an edit that somehow kept `edited_at` still shows at once);
- the reaction counts under it (a reaction changes them);
- the page's language: a Welsh page never gets an English fragment, nor the other way round
  ("Post 3, Dydd Mercher...", "(post 3)", "Ymateb");
- what about the reader changes the fragment, reduced to yes-or-no, never the reader themself:
  signed in or not (React and More, or "See who reacted"), may reply in this thread (the Reply link:
  not in a locked thread), Listen shown (members can turn it off) and whether this site makes sound
  files, and whether the post is folded away because the reader blocked or muted its writer (so a
  folded copy is shared by everyone who blocked that writer, and never shown to anyone else);
- a version of the code that shapes it (FRAGMENT_VERSION below, plus the templates and the
  translations' .mo files, hashed when the app starts), so a deploy that changes a template or a
  word is not served yesterday's HTML from Redis.

- where the site is mounted (the request's script root, as a web server that serves Kindred under
  /kindred gives it): every link in a fragment starts with it.

Kept out of the fragment: whether the post is the reader's first unread one (the "New since your
last visit" marker and the article around it are written by forums/_thread_middle.html for each
reader).

Change anything a post's HTML reads outside those templates (app.formatting.time_tag, the reaction
sentences, the lang_attribute filter) and bump FRAGMENT_VERSION.

Where: in this process, in a small least-recently-used dict (FRAGMENT_CACHE_ITEMS entries), and
behind it in Redis when REDIS_URL is set, so a post one worker rendered is not rendered again by
the others. A key names its content, so copies in several processes can never disagree, and this
process's own copy costs no round trip: measured in-process on the 1M-post bench, the thread page
took about 0.5-1 ms less CPU than with Redis alone (which also unpickles every fragment). Flask-
Caching's SimpleCache was not used for the local copies: once full it sorts all its entries on
every write, and twenty writes come with a new page. Redis failing is not an error: what this
process lacks is rendered as before.

**A thread page's middle** (everything below the site's header: the title, the follow button, the
pages, the posts and the reply form) is kept too, whole, in this process only (THREAD_MIDDLES_KEPT
entries), by a digest of everything it is made of (thread_middle_parts): the thread's fields, the
page, what the page says about this reader (first unread post, following, their draft, whether
they wrote the thread) and every post's own key above. Making it was about a millisecond of a
member's thread page made afresh (issue 15), after the posts' own fragments. What belongs to one
request is a hole, filled at each view (with_holes): the CSRF token and the reply form's
submission key. Moderators' middles are never kept (they hold the thread's moderation buttons).
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
import threading
from collections.abc import Callable
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user
from markupsafe import Markup, escape

from app.permissions import can_moderate, can_reply, is_member
from app.services import listen

log = logging.getLogger(__name__)

# Bump when code outside the templates changes what a post's HTML says (see the module docstring).
FRAGMENT_VERSION = "1"
# Files whose content shapes a post's fragment: their digest is part of every key.
SHAPING_TEMPLATES = ("forums/_post.html", "forums/_thread_row.html", "_macros/listen.html",
                     "forums/_thread_middle.html", "forums/_writing_form.html", "_macros/forms.html", "_macros/pagination.html",
                     "_partials/site_header.html", "_partials/site_footer.html", "_macros/language.html",
                     "meetups/_macros.html")

# Code that writes words into fragments (dates and times in words, a series' rule, a cost, an
# audience's name): a deploy that changes how they read changes every key too, Redis's copies included.
SHAPING_CODE = ("formatting.py", "services/meetups/series.py", "models/meetups.py", "text.py")

redis_cache = Cache()


@dataclass(frozen=True)
class Reader:
    """What about the reader changes a post's HTML (everything else about them stays out)."""

    member: bool
    may_reply: bool
    listen: bool
    listen_available: bool


class _LocalFragments:
    """In-process: the most recently used entries (fragments' strings, or a middle's marks and HTML;
    no pickling)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, *keys: str) -> list[str | None]:
        with self.lock:
            found = []
            for key in keys:
                value = self.items.get(key)
                if value is not None:
                    self.items.move_to_end(key)
                found.append(value)
            return found

    def set_many(self, mapping: dict[str, str]) -> None:
        with self.lock:
            self.items.update(mapping)
            for key in mapping:
                self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


def init_app(app: Flask) -> None:
    app.config.setdefault("FRAGMENT_CACHE", True)
    app.config.setdefault("FRAGMENT_CACHE_SECONDS", 3600)
    app.config.setdefault("FRAGMENT_CACHE_ITEMS", 10_000)
    app.config.setdefault("THREAD_MIDDLES_KEPT", 300)  # about 20 KB each
    app.config.setdefault("SHELLS_KEPT", 2000)  # about 2 KB each
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        redis_cache.init_app(app, config={
            "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url,
            "CACHE_DEFAULT_TIMEOUT": app.config["FRAGMENT_CACHE_SECONDS"],
            "CACHE_KEY_PREFIX": app.config.get("FRAGMENT_CACHE_PREFIX", "kindred-fragment:"),
        })
    app.extensions["kindred_fragments"] = {
        "local": _LocalFragments(app.config["FRAGMENT_CACHE_ITEMS"]), "redis": bool(redis_url), "version": _code_version(app),
        "middles": _LocalFragments(app.config["THREAD_MIDDLES_KEPT"]),
        # Each page's header and footer (templating.site_header): a header for each member in
        # each part of the site, about 2 KB each, in a store of their own so they never push
        # thread middles out.
        "shells": _LocalFragments(app.config["SHELLS_KEPT"]),
    }
    app.jinja_env.globals.update(post_fragments=post_fragments, thread_row_fragments=thread_row_fragments,
                                 meetup_card_fragments=meetup_card_fragments)


def _code_version(app: Flask) -> str:
    digest = hashlib.blake2b(FRAGMENT_VERSION.encode(), digest_size=8)
    templates = Path(app.root_path, app.template_folder or "templates")
    files = [templates / name for name in SHAPING_TEMPLATES]
    files += [Path(app.root_path, name) for name in SHAPING_CODE]
    files += sorted(Path(app.root_path, "translations").glob("*/LC_MESSAGES/messages.mo"))
    for path in files:
        digest.update(str(path.name).encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def _key(parts: tuple[str, ...]) -> str:
    """A cache key naming exactly these parts (a separator no text holds between them)."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def reader_for(thread) -> Reader:
    person = current_user
    return Reader(
        member=is_member(person),
        may_reply=can_reply(person, thread),
        listen=listen.shows_listen(person),
        listen_available=listen.available(),
    )


def post_key(view, thread, reader: Reader, language: str, version: str) -> str:
    """The cache key of one post's fragment: a digest of all it is made of (module docstring)."""
    counts = ",".join(f"{kind.value}={count}" for kind, count in sorted(view.counts.items(), key=lambda item: item[0].value))
    return _key((
        version, language,
        "m" if reader.member else "v", "r" if reader.may_reply else "-", "l" if reader.listen else "-",
        "a" if reader.listen_available else "-", "c" if view.collapsed else "-",
        str(thread.id), counts, _post_digest(view.post, view.author_name),
    ))


def _post_digest(post, author_name: str | None) -> str:
    """A digest of the post's own fields that its fragment shows. A thread page's post is a plain
    row (reading.POST_LINE_COLUMNS), which holds every one of them: the same row gives the same
    digest, so it is remembered (_remembered_post_digest) rather than made again for each of the
    page's 20 posts at every view (a tenth of the middle's cost: the text hashed, two dates written)."""
    if isinstance(post, tuple):
        return _remembered_post_digest(post, author_name)
    return _made_post_digest(post, author_name)


def _made_post_digest(post, author_name: str | None) -> str:
    return _key((
        str(post.id), str(post.number),
        str(post.author_id) if author_name is not None else "", author_name if author_name is not None else "",
        post.created_at.isoformat() if post.created_at else "", post.edited_at.isoformat() if post.edited_at else "",
        post.status.value, post.moderation_note or "", post.language or "",
        post.body_html or "",
    ))


# Rows remembered with their digest: a few pages of the busiest threads (each row holds its text).
@functools.lru_cache(maxsize=2048)
def _remembered_post_digest(row: tuple, author_name: str | None) -> str:
    return _made_post_digest(row, author_name)


def post_fragments(views, thread, render) -> list[tuple[object, Markup]]:
    """[(view, HTML)] for a thread page's posts: from the cache, rendering (with the template's
    `render(view, thread, reader)` macro) and keeping only the ones it lacks."""
    views = list(views)
    reader = reader_for(thread)
    made = _kept_each(views, lambda view, language, version: post_key(view, thread, reader, language, version),
                      lambda view: render(view, thread, reader))
    return list(zip(views, made))


def _kept_each(items: list, key_of: Callable, make: Callable) -> list:
    """The HTML of each item, kept under `key_of(item, language, version)` and made by
    `make(item)` only where no process keeps it (_cached); made each time with the cache off."""
    if not items or not current_app.config.get("FRAGMENT_CACHE", True):
        return [make(item) for item in items]
    language, version = _language(), _state()["version"]
    keys = [key_of(item, language, version) for item in items]
    return [Markup(html) for html in _cached(keys, lambda index: str(make(items[index])))]


def thread_row_key(row, signed_in: bool, language: str, version: str) -> str:
    """A category page's line for one thread: the title and its link, who started it, how many
    replies, when the latest was and by whom, its tags (pinned, locked, and the reader's own: New,
    3 new replies, Following, as yes-or-no and a count, never who they are), in the page's language."""
    thread, author, last = row.thread, row.author_name, row.last_poster_name
    parts = (
        version, language, "thread-row", str(thread.id), thread.title or "",
        str(thread.author_id) if author is not None else "", author if author is not None else "",
        str(thread.reply_count), thread.last_post_at.isoformat() if thread.last_post_at else "",
        str(thread.last_poster_id) if last is not None else "", last if last is not None else "",
        "p" if thread.is_pinned else "-", "k" if thread.is_locked else "-",
        "n" if signed_in and row.is_new else "-", str(row.new_replies), "f" if row.following else "-",
    )
    return _key(parts)


def thread_row_fragments(rows, render, signed_in: bool) -> list[Markup]:
    """The HTML of each of a category page's lines (thread_row_key): `render(row, signed_in)`
    makes one that is kept nowhere. The reader's tags are in the key, so the template writes
    nothing around them (writing the tags for each of 20 lines was most of the list's cost)."""
    return _kept_each(list(rows), lambda row, language, version: thread_row_key(row, signed_in, language, version),
                      lambda row: render(row, signed_in))


def meetup_card_key(meetup, distance: float | None, dates: int, with_heading: bool, language: str, version: str) -> str:
    """A card of the meet-ups listing (meetups/_macros.html, card): everything it shows. The
    series' rule makes its heading ("Every Tuesday, 2pm"); the distance as the card words it."""
    series, organisation = meetup.series, meetup.organisation
    miles = "" if distance is None else ("<1" if distance < 1 else "%.0f" % distance)
    return _key((
        version, language, "meetup-card", "h" if with_heading else "-", str(dates),
        str(meetup.id), meetup.title, meetup.status.value, meetup.starts_at.isoformat(), meetup.ends_at.isoformat(),
        str(meetup.series_id or ""), f"{series.repeat.value}:{series.nth}:{series.weekday}" if series is not None else "",
        "i" if meetup.in_person else "-", meetup.venue_name, meetup.town, miles, "o" if meetup.online else "-",
        meetup.audience.value, str(meetup.cost_pence),
        f"{organisation.id}:{'v' if organisation.is_verified else '-'}:{organisation.name}" if organisation is not None else "",
    ))


def meetup_card_fragments(listed, series_dates: dict, render, series_heading) -> list[Markup]:
    """The cards of a page of the meet-ups listing, [(meet-up, miles away or None)], each kept by
    all it shows (meetup_card_key): making 20 cards (their dates in words, the series' rule) was
    about a third of a member's listing page. `render(meetup, distance, dates, series_heading)`
    is the card macro."""
    cards = [(meetup, distance, series_dates.get(meetup.series_id, 0)) for meetup, distance in listed]
    return _kept_each(cards, lambda card, language, version: meetup_card_key(*card, bool(series_heading), language, version),
                      lambda card: render(*card, series_heading))


def language_and_version() -> tuple[str, str]:
    """What every kept piece's parts begin with: the page's language (with where the site is
    mounted) and the version of the templates and translations."""
    return _language(), _state()["version"]


def _state() -> dict:
    return current_app.extensions["kindred_fragments"]


def _language() -> str:
    """The page's language and where the site is mounted, as a part of every key: both change every
    fragment's words or links."""
    return f"{get_locale() or 'en'}@{request.script_root if has_request_context() else ''}"


def _cached(keys: list[str], make) -> list[str]:
    """The cached HTML for each key, making (make(index)) and keeping the ones found nowhere.
    This process's own copies first; then, for those it lacks, Redis (one round trip) when there
    is one, so a post one worker rendered is not rendered again by the others."""
    state = _state()
    local = state["local"]
    found = local.get_many(*keys)
    missing = [index for index, html in enumerate(found) if html is None]
    if not missing:
        return found
    from_redis = {}
    if state["redis"]:
        try:
            shared = redis_cache.get_many(*[keys[index] for index in missing])
        except Exception:  # noqa: BLE001 - Redis unreachable: render what this process lacks
            log.warning("fragments: Redis did not answer; rendering what this process lacks", exc_info=True)
            shared = [None] * len(missing)
        for index, html in zip(missing, shared):
            if html is not None:
                found[index] = from_redis[keys[index]] = html
    made = {}
    for index in missing:
        if found[index] is None:
            found[index] = made[keys[index]] = make(index)
    local.set_many({**from_redis, **made})
    if made and state["redis"]:
        try:
            redis_cache.set_many(made)
        except Exception:  # noqa: BLE001
            log.warning("fragments: could not keep the rendered ones in Redis", exc_info=True)
    return found


def thread_middle_parts(view, thread) -> tuple[str, ...] | None:
    """What a thread page's middle (forums/_thread_middle.html) is made of, for this reader; None
    when it is not to be kept (moderators, the fragment cache turned off, debug mode's templates
    that change as they are edited). Anything that template reads must be here or be a hole."""
    app = current_app
    person = current_user
    if app.debug or not app.config.get("FRAGMENT_CACHE", True) or can_moderate(person):
        return None
    reader = reader_for(thread)
    language, version = _language(), _state()["version"]
    draft = view.draft
    category = thread.category
    signed_in = bool(person.is_authenticated)
    parts = [
        # A visitor's middle has the sign-in link, back to this very address; a member's does not,
        # and any other query string (?x=1) must not make them another copy.
        "thread-middle", version, language, request.full_path if not signed_in else "",
        "c" if app.config.get("WTF_CSRF_ENABLED", True) else "-",  # with the token's hole, or without
        # about the reader, as yes-or-no and their listening speed (never who they are)
        "s" if signed_in else "-", "m" if reader.member else "-", "r" if reader.may_reply else "-",
        "l" if reader.listen else "-", "a" if reader.listen_available else "-",
        str(listen.BROWSER_RATES[listen.speed_for(person)]) if reader.listen else "",
        "w" if signed_in and thread.author_id == person.id else "-",
        # the thread
        str(thread.id), thread.title or "", category.slug, category.name,
        "p" if thread.is_pinned else "-", "k" if thread.is_locked else "-", "h" if thread.is_hidden else "-",
        # what this page says to this reader
        str(view.page), str(view.total_pages), str(view.first_unread_number or ""), "f" if view.following else "-",
        draft.updated_at.isoformat() if draft is not None and draft.updated_at else "", draft.body if draft is not None else "",
    ]
    # Each post by its own key (everything its fragment is made of), and whether it is the first unread.
    parts += [post_key(post_view, thread, reader, language, version) + ("u" if post_view.is_first_unread else "")
              for post_view in view.posts]
    return tuple(parts)


def with_holes(parts: tuple[str, ...] | None, render: Callable[[dict[str, str]], str],
               fills: dict[str, Callable[[], str]], *, store: str = "middles") -> Markup:
    """HTML kept in this process under a digest of `parts`, rendered by `render(holes)` the first
    time, where `holes` maps each name in `fills` to a mark to write in its place. Each view then
    gets each hole filled by calling its fill (a CSRF token, a fresh submission key): what belongs
    to one request is never kept. With `parts` None, `render` gets the real values and nothing is
    kept. The marks are random for each kept copy (never sent to anyone, and so never guessed and
    written into a post to be filled in)."""
    if parts is None:
        return Markup(render(_Fills(fills)))
    middles = _state()[store]  # thread middles, or the page's header and footer ("shells")
    key = _key(parts)
    kept = middles.get_many(key)[0]
    if kept is None:
        marks = {name: f"hole{secrets.token_hex(12)}{name}" for name in fills}
        html = str(render(marks))
        marks = {name: mark for name, mark in marks.items() if mark in html}
        kept = (marks, re.compile("|".join(marks.values())) if marks else None, html)
        made = g.get("csrf_token")  # Flask-WTF's token for this session, if rendering made one
        if made and made in html:
            # Something wrote the real token rather than its hole (a macro imported without the
            # page's context sees Flask-WTF's csrf_token): never kept, or every reader would get it.
            log.error("a kept part wrote this session's CSRF token instead of its hole; not kept: %s", parts[0])
            return _filled(kept, fills)
        middles.set_many({key: kept})
    return _filled(kept, fills)


def _filled(kept: tuple, fills: dict[str, Callable[[], str]]) -> Markup:
    marks, pattern, html = kept
    if pattern is None:
        return Markup(html)
    # Only the holes this HTML has are filled: a visitor's page has no form, and making a CSRF
    # token for it would keep it out of the page cache (app/page_cache.py).
    values = {mark: str(escape(fills[name]())) for name, mark in marks.items()}
    return Markup(pattern.sub(lambda found: values[found.group(0)], html))


class _Fills(dict):
    """The real values for a page that is not kept, each made only if the page asks for it."""

    def __init__(self, fills: dict[str, Callable[[], str]]):
        super().__init__()
        self.fills = fills

    def __missing__(self, name: str) -> str:
        value = self[name] = self.fills[name]()
        return value


def clear() -> None:
    """Forget every fragment (tests; after a change to how posts look, if not deploying a new version)."""
    state = _state()
    state["local"].clear()
    state["middles"].clear()
    state["shells"].clear()
    if state["redis"]:
        redis_cache.clear()
