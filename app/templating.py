"""Jinja set-up: the navigation, date filters and permission helpers every template can use."""
import functools
import hashlib
from pathlib import Path

from flask import Flask, current_app, flash, has_request_context, request, url_for
from flask_login import current_user

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import formatting, permissions, text
from app.security import csrf_token
from app.services import fragments, help_requests, listen, safety
from app.services.places import ATTRIBUTION
from app.services.notifications import unread_count

# (label, endpoint). Items appear when their feature's blueprint is registered, so the
# navigation never links to a page that does not exist; order never changes.
NAVIGATION = [
    (_l("Home"), "main.home"),
    (_l("Forums"), "forums.index"),
    (_l("Meet-ups"), "meetups.index"),
    (_l("Chat"), "chat.index"),
    (_l("Help"), "main.help"),
]

# Pages that load the Socket.IO client (47 KB) for members: chat rooms only, which need it to chat
# (chat.js), and there the header's count is live too. Everywhere else the count is right on each
# page load. Issue 15 allows no page over 60 KB with its CSS and JS except chat rooms, and the start
# page, the notifications page and the chat list weighed 86-90 KB with the client for the count
# alone (tests/browser/test_html_valid.py weighs every page). No polling in its place: a count
# that changes and is announced while someone reads is an interruption (WCAG 2.2.4), and a calm
# page that changes only when the reader asks is easier to follow for someone whose memory is
# unreliable. Endpoints, or whole blueprints by name: chat.send shows the room again after a
# message that could not be sent (empty, too long, slow mode), and the room must stay live.
LIVE_PAGES = {"chat.room", "chat.send"}


def init_app(app: Flask) -> None:
    # post_html is the one place member-written HTML is marked safe: it was made by app.text.render.
    app.jinja_env.filters.update(
        post_html=text.as_markup,
        full_date=formatting.full_date,
        full_date_time=formatting.full_date_time,
        time_range=formatting.time_range,
        time_tag=formatting.time_tag,
        lang_attribute=lang_attribute,
        numberformat=formatting.number,  # Flask-Babel's, remembered for whole numbers
    )
    app.jinja_env.globals.update(permissions.ALL)
    app.jinja_env.globals["field_aria"] = field_aria
    app.jinja_env.globals["page_numbers"] = page_numbers
    app.jinja_env.globals.update(
        shows_listen=listen.shows_listen,
        listen_available=listen.available,
        browser_rate=lambda person: listen.BROWSER_RATES[listen.speed_for(person)],
        is_newcomer=help_requests.is_newcomer,
    )
    app.jinja_env.globals.update(support_lines=safety.SUPPORT_LINES, support_intro=safety.SUPPORT_INTRO)
    # The Open Government Licence asks for this line wherever the postcode data is used or described.
    app.jinja_env.globals["places_attribution"] = ATTRIBUTION
    app.jinja_env.globals["url_for"] = _remembering_url_for(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    _version_static_files(app)

    @app.context_processor
    def navigation():
        if not has_request_context():  # emails rendered by commands and background jobs
            return {"site_name": app.config["SITE_NAME"]}
        live = request.blueprint in LIVE_PAGES or request.endpoint in LIVE_PAGES
        # The navigation itself is the header's (site_header, navigation_items).
        return {"site_name": app.config["SITE_NAME"], "unread_notifications": _unread_notifications(), "live_updates": live}

    app.jinja_env.globals.update(site_header=site_header, site_footer=site_footer, back_address=_back)


def site_header() -> Markup:
    """The header of every page (_partials/site_header.html): who is signed in, their unread count,
    the language choice and the main navigation. A member's is kept in this process
    (fragments.with_holes), about a tenth of a member's page made afresh (0.28 ms in-process for the
    whole shell, 2.4 ms the page). The partial reads only what it is given here, so the parts
    below are all it shows: the member's name and unread count, never their id or their session;
    the session's CSRF token and the address to come back to are holes, filled at each view. A
    visitor's is made each time (visitors' pages are kept whole by the page cache), so its links
    carry the address as url_for writes it."""
    person = current_user
    signed_in = bool(getattr(person, "is_authenticated", False))
    endpoint, blueprint = request.endpoint or "", request.blueprint or ""
    values = {
        "site_name": current_app.config["SITE_NAME"], "signed_in": signed_in,
        "name": person.display_name if signed_in else "", "unread": _unread_notifications() if signed_in else 0,
        "navigation": navigation_items(), "asking": endpoint == "asking.ask",
        "in_account": blueprint == "settings" and endpoint != "settings.display", "signing_in": endpoint == "auth.sign_in",
    }
    parts = None
    if signed_in and not current_app.debug and current_app.config.get("FRAGMENT_CACHE", True):
        language, version = fragments.language_and_version()
        parts = ("site-header", version, language, "c" if current_app.config.get("WTF_CSRF_ENABLED", True) else "-",
                 values["site_name"], values["name"], str(values["unread"]),
                 "".join("y" if item["current"] else "-" for item in values["navigation"]),
                 # ("signing_in" marks the Sign in link, which a member's header does not have)
                 "y" if values["asking"] else "-", "y" if values["in_account"] else "-")
    template = current_app.jinja_env.get_template("_partials/site_header.html")
    return fragments.with_holes(parts, lambda holes: template.render(values, holes=holes),
                                {"csrf": csrf_token, "back": _back}, store="shells")


def site_footer() -> Markup:
    """The footer of every page, the same for everyone in a language: kept in this process."""
    template = current_app.jinja_env.get_template("_partials/site_footer.html")
    parts = None
    if not current_app.debug and current_app.config.get("FRAGMENT_CACHE", True):
        parts = ("site-footer", *fragments.language_and_version())
    return fragments.with_holes(parts, lambda _holes: template.render(), {}, store="shells")


def _back() -> str:
    """This page's address, to come back to after choosing a language."""
    return request.full_path if request.query_string else request.path


def navigation_items() -> list[dict]:
    """The main navigation for this request: each item's words, address and whether it is the
    section the page is in."""
    return [
        {"label": label, "url": url_for(endpoint), "current": request.endpoint == endpoint or _in_section(endpoint)}
        for label, endpoint in NAVIGATION
    ]


# A year: a versioned address never changes what it names, so browsers keep the file without asking.
STATIC_MAX_AGE = 365 * 24 * 3600


def _version_static_files(app: Flask) -> None:
    """Every url_for('static', ...) carries ?v=<the file's content hash>, and such a request is
    answered "keep this for a year, it will not change" (immutable). A new version of a file gets a
    new address, so nobody keeps an old stylesheet; until then the browser asks for none of the
    page's CSS and JS again (before, every page revalidated each of them: 4-6 round trips)."""
    versions: dict[str, str] = {}
    static_folder = Path(app.static_folder)

    def version(filename: str) -> str:
        if filename not in versions or app.debug:
            try:
                versions[filename] = hashlib.sha256((static_folder / filename).read_bytes()).hexdigest()[:12]
            except OSError:  # a missing file: the static route answers 404 as before
                versions[filename] = "0"
        return versions[filename]

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = version(values["filename"])

    @app.after_request
    def _keep_versioned_files(response):
        if request.endpoint == "static" and "v" in request.args and response.status_code in (200, 304):
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
        return response


# Addresses remembered per process: enough for every fixed link (navigation, footer, forms) and the
# hot pages' own (a thread's pages, its category), a few hundred kilobytes at most.
REMEMBERED_ADDRESSES = 4096
# Values an address may be remembered for: the same value of these always builds the same address.
_PLAIN_VALUES = (str, int, type(None))


def _remembering_url_for(app: Flask):
    """Templates' url_for, remembering what it built. A page calls it 30-40 times and building an
    address is about 8 µs each (werkzeug's routing, the url_defaults), so a member's page spent a
    quarter of a millisecond rebuilding the same footer and navigation links (issue 15).

    An address depends only on the endpoint, the values and where the app is mounted (the request's
    script root, which ProxyFix may take from X-Forwarded-Prefix), so those are the key. Anything
    else goes the whole way: outside a request, relative endpoints (".name", which depend on the
    blueprint), the options (_external, _anchor, _method, _scheme), values that are not plain
    strings or numbers (a list of values), and in debug mode (a static file's version changes as
    it is edited). The value's type is in the key, so True and 1 are not taken for each other."""

    @functools.lru_cache(maxsize=REMEMBERED_ADDRESSES)
    def remembered(script_root: str, endpoint: str, values: tuple) -> str:
        return app.url_for(endpoint, **{name: value for name, _kind, value in values})

    def url_for_in_templates(endpoint: str, **values) -> str:
        if (app.debug or not has_request_context() or endpoint.startswith(".")
                or any(name.startswith("_") or not isinstance(value, _PLAIN_VALUES) for name, value in values.items())):
            return app.url_for(endpoint, **values)
        key = tuple(sorted((name, type(value).__name__, value) for name, value in values.items()))
        return remembered(request.script_root, endpoint, key)

    url_for_in_templates.cache_clear = remembered.cache_clear
    return url_for_in_templates


def _unread_notifications() -> int:
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return unread_count(current_user)


def _in_section(endpoint: str) -> bool:
    # "Forums" stays marked while reading a thread inside the forums blueprint.
    section = endpoint.split(".")[0]
    return endpoint != "main.home" and endpoint != "main.help" and (request.blueprint or "") == section


def flash_support() -> None:
    """After words of crisis: the support lines at the top of the next page, focused and announced."""
    flash("support", "support")


def page_numbers(current: int, total: int) -> list[int]:
    """The pages the pagination links to: the first, the last, and two either side of this one
    (without walking all of a 5,000-post thread's 250 pages, twice a page, to find them)."""
    near = range(max(1, current - 2), min(total, current + 2) + 1)
    return sorted({1, total, *near} if total >= 1 else set())


def field_aria(described_by: str, errors) -> dict:
    """aria-describedby and aria-invalid for a form control, only when they have something to say."""
    attributes = {}
    if described_by:
        attributes["aria-describedby"] = described_by
    if errors:
        attributes["aria-invalid"] = "true"
    return attributes


def lang_attribute(language: str | None) -> Markup:
    """` lang="cy"` for member text whose writer marked its language; nothing otherwise (we only
    say what the writer told us)."""
    return Markup(' lang="{}"').format(language) if language else Markup("")
