"""Error pages in plain words, each with a way home; a stale form is offered again with its text kept."""
import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from app.extensions import db, limiter
from app.security import CROSS_SITE

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something went wrong with that request"), _l("We could not understand what your browser sent. Please go back and try again.")),
    403: (_l("You cannot see this page"), _l("This page is not available to you. If you think it should be, please ask for help.")),
    404: (_l("We cannot find that page"), _l("The page may have moved, or the address may be mistyped. Check the address, or go to the home page.")),
    405: (_l("That did not work"), _l("That page cannot be used in this way. Please go back and try again.")),
    413: (_l("That is too large to send"), _l("What you tried to send is too large. If it is a photo, please choose a smaller one (up to 5 megabytes).")),
    429: (_l("Please wait a little"), _l("There have been a lot of attempts in a short time. To keep accounts safe, please wait a few minutes and try again.")),
    500: (_l("Sorry, something went wrong on our side"), _l("It is not your fault. We have been told about it. Please try again in a few minutes.")),
}

# Fields never echoed back into a page.
SECRET_FIELDS = ("csrf_token", "password", "current_password", "new_password", "confirm_password")
MACHINE_FIELDS = ("submission_key", "client_id", "next")  # hidden fields a form fills in, not words people wrote


SIGN_IN_ENDPOINTS = {"auth.sign_in", "auth.sign_in_link", "auth.reset_password"}


def _minutes_until_reset() -> int:
    """When the allowance that ran out starts again, in whole minutes (at least 1)."""
    import time

    current = limiter.current_limit
    if current is None or not current.reset_at:
        return 15
    # Window ends are whole seconds a little after the true end: round to the nearest minute.
    return max(1, round((current.reset_at - time.time()) / 60))


def error_page(code: int):
    title, explanation = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=str(title), explanation=str(explanation)), code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda error, code=code: error_page(code))

    @app.errorhandler(429)
    def too_many(error):
        if request.endpoint not in SIGN_IN_ENDPOINTS:
            return error_page(429)
        return render_template("auth/too_many_attempts.html", minutes=_minutes_until_reset()), 429

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_page(500)

    @app.errorhandler(CSRFError)
    def stale_form(error):
        if error.description == CROSS_SITE:
            # Never offer another site's form back with a fresh token: that would do its work in one press.
            log.warning("Refused a cross-site %s to %s from %s", request.method, request.path, request.headers.get("Origin"))
            return render_template("errors/error.html", code=400, title=_("We did not do that"),
                                   explanation=_("That came from another website, not from a Kindred page, so we did not act on it. "
                                                 "If you meant to do it, go to the page on Kindred and try again there.")), 400
        # The token did not match: say why, then offer what was typed back with a fresh token.
        kept = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if not any(secret in name for secret in SECRET_FIELDS) and isinstance(value, str)
        ]
        # Shown back to the person: only what they typed, never the form's own hidden keys.
        written = [(name, value) for name, value in kept if value and name not in MACHINE_FIELDS]
        return render_template("errors/resubmit.html", action=request.path, kept=kept, written=written, why=_csrf_reason(error.description)), 400


def _csrf_reason(description: str) -> str:
    """What really happened, in plain words (Flask-WTF's reasons, see flask_wtf.csrf.validate_csrf)."""
    if "session token is missing" in description:
        return _("Your browser did not send back the cookie that keeps you on Kindred. Cookies may be switched off, "
                 "or they were cleared, or you signed out in another window.")
    if "expired" in description:
        return _("The page was open for a long time.")
    if "missing" in description:
        return _("The form arrived without the hidden code that shows it came from a Kindred page.")
    return _("The page was out of date: you may have signed in or out in another window since it opened.")
