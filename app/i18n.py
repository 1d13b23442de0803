"""Languages: Kindred in English and in Welsh (Cymraeg), with Flask-Babel.

Which language a page is in, in order:
1. a member's own choice, saved on their account (it also decides the language of their emails);
2. a visitor's choice, kept in a cookie (the "Cymraeg" / "English" links on every page);
3. what the browser asks for (Accept-Language), when it asks for a language we have;
4. English.

When the language came from the browser alone (3), the page also offers the choice at the top, in
both languages, so nobody is left in a language they did not choose.

The links on every page are plain links that only set the cookie: visitors' pages are cached and
must carry no CSRF token (app/page_cache.py), and a cookie is not stored state. A member's choice
is saved on their account by a form (POST), never by following a link (no GET writes).

To add a language, see README.md ("Adding a language").
"""
from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

# Each language named in its own words, as the choice shows it.
LANGUAGES = {"en": "English", "cy": "Cymraeg"}
DEFAULT_LANGUAGE = "en"
COOKIE_NAME = "kindred_language"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    babel.init_app(app, locale_selector=chosen_language)
    app.jinja_env.globals.update(
        languages=LANGUAGES,
        current_language=current_language,
        language_offered=language_offered,
    )


def valid(code: str | None) -> str | None:
    return code if code in LANGUAGES else None


def _saved_choice() -> str | None:
    if getattr(current_user, "is_authenticated", False):
        chosen = valid(getattr(current_user, "language", None))
        if chosen:
            return chosen
    return valid(request.cookies.get(COOKIE_NAME))


def _browser_choice() -> str | None:
    return request.accept_languages.best_match(list(LANGUAGES)) if request.accept_languages else None


def chosen_language() -> str:
    """Flask-Babel's locale selector (see the module docstring for the order)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return _saved_choice() or _browser_choice() or DEFAULT_LANGUAGE


def current_language() -> str:
    """The page's language code, for <html lang> and for choosing a voice."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def language_offered() -> bool:
    """True on a visit where nobody has chosen yet and the browser asked for a language other than
    English: the page is in that language and offers the choice, in both languages, at the top."""
    if not has_request_context() or _saved_choice():
        return False
    return (_browser_choice() or DEFAULT_LANGUAGE) != DEFAULT_LANGUAGE


def cache_key_part() -> str:
    """What about the language a cached visitor's page depends on (app/page_cache.py)."""
    return f"{chosen_language()}{'+offer' if language_offered() else ''}"


def forget_for_request() -> None:
    """A new request in an app context that is already pushed (tests), or the member changed
    (sign-in, sign-out): work the language out again. Flask-Babel keeps it in `g`."""
    g.pop("_flask_babel", None)


def language_of(user) -> str:
    """The language a member reads their emails and notifications in: the one they chose, else English."""
    return valid(getattr(user, "language", None)) or DEFAULT_LANGUAGE


def remembered_choice() -> str | None:
    """The language this browser chose (the cookie), to keep on an account at sign-in or sign-up."""
    return valid(request.cookies.get(COOKIE_NAME)) if has_request_context() else None
