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
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup, escape

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
    # Flask-Babel's domain, with this request's translations found in one look-up (below).
    babel.__dict__["domain_instance"] = _QuickDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    _install_quick_template_gettext(app)
    app.jinja_env.globals.update(
        languages=LANGUAGES,
        current_language=current_language,
        language_offered=language_offered,
    )


class _QuickDomain(Domain):
    """Flask-Babel's Domain, remembering the translations it found for this request.

    Flask-Babel looks the request's locale and translations up again for every word: about 11 µs
    a `_()`, and a member's thread page had more than 200 of them (issue 15: a fifth of the page's
    CPU). Kept beside the locale Flask-Babel keeps in `g`, and used only while that locale is the
    very same object, so force_locale (emails in the reader's language), refresh() and
    forget_for_request() (sign-in, sign-out) still change the language at once."""

    def get_translations(self):
        # The app context's `g` without the LocalProxy (a microsecond a word on its own).
        context = _cv_app.get(None)
        if context is not None:
            known = context.g.__dict__.get("_flask_babel")
            kept = known.__dict__.get("kindred_translations") if known is not None else None
            if kept is not None and kept[0] is known.__dict__.get("babel_locale"):
                return kept[1]
        translations = super().get_translations()
        known = context.g.__dict__.get("_flask_babel") if context is not None else None
        locale = known.__dict__.get("babel_locale") if known is not None else None
        if locale is not None:
            known.kindred_translations = (locale, translations)
        return translations


def _translations():
    return babel.domain_instance.get_translations()


# The templates' _(), gettext, ngettext, pgettext and npgettext: what Jinja's i18n extension does
# with Flask-Babel's functions ("newstyle": the words escaped, then %-formatted), in one call
# instead of three. The extension's own go through Jinja's Context.call three times a word (an
# alias, its wrapper, then Flask-Babel), which cost more than finding the words. Words without
# variables or a "%" are not %-formatted (the result would be the same). Positional-only, as in
# Jinja's: a template may pass num=... or context=... as a variable.
def _format(eval_context, words: str, variables: dict):
    """`Markup(words) % variables`, as Jinja does when escaping: each value escaped (numbers kept
    numbers, for %d), then the words filled in. Done directly, it takes half the time of Markup's
    own % (a thread page fills in forty or more)."""
    if not eval_context.autoescape:
        return words % variables
    return Markup(words % {name: value if isinstance(value, (int, float)) else escape(value) for name, value in variables.items()})


@pass_eval_context
def _template_gettext(eval_context, string, /, **variables):
    words = _translations().ugettext(string)
    if not variables and "%" not in words:  # what `words % {}` would give, without formatting
        return Markup(words) if eval_context.autoescape else words
    return _format(eval_context, words, variables)


@pass_eval_context
def _template_ngettext(eval_context, singular, plural, num, /, **variables):
    variables.setdefault("num", num)
    return _format(eval_context, _translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def _template_pgettext(eval_context, context, string, /, **variables):
    variables.setdefault("context", context)
    return _format(eval_context, _translations().upgettext(context, string), variables)


@pass_eval_context
def _template_npgettext(eval_context, context, singular, plural, num, /, **variables):
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _format(eval_context, _translations().unpgettext(context, singular, plural, num), variables)


def _install_quick_template_gettext(app: Flask) -> None:
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext,
        pgettext=_template_pgettext, npgettext=_template_npgettext,
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


def browser_key_part() -> str:
    """What a member's cached page depends on from the browser alone (app/page_cache.py): the
    language cookie and the browser's own language. Their own choice is on their row, which the
    key covers in another way; reading it here would load the member."""
    return f"{valid(request.cookies.get(COOKIE_NAME))}+{_browser_choice()}"


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
