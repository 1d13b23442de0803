"""Error pages in plain words, each with a way home; a stale form is offered again with its text kept."""
import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something went wrong with that request", "We could not understand what your browser sent. Please go back and try again."),
    403: ("You cannot see this page", "This page is not available to you. If you think it should be, please ask for help."),
    404: ("We cannot find that page", "The page may have moved, or the address may be mistyped. Check the address, or go to the home page."),
    405: ("That did not work", "That page cannot be used in this way. Please go back and try again."),
    413: ("That is too large to send", "What you tried to send is too large. If it is a photo, please choose a smaller one (up to 5 megabytes)."),
    429: ("Please wait a little", "There have been a lot of attempts in a short time. To keep accounts safe, please wait a few minutes and try again."),
    500: ("Sorry, something went wrong on our side", "It is not your fault. We have been told about it. Please try again in a few minutes."),
}

# Fields never echoed back into a page.
SECRET_FIELDS = ("csrf_token", "password", "current_password", "new_password", "confirm_password")
MACHINE_FIELDS = ("submission_key", "client_id", "next")  # hidden fields a form fills in, not words people wrote


def error_page(code: int):
    title, explanation = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, explanation=explanation), code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda error, code=code: error_page(code))

    @app.errorhandler(500)
    def internal_error(error):
        from app.extensions import db

        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_page(500)

    @app.errorhandler(CSRFError)
    def stale_form(error):
        # The form was open a long time (or cookies were cleared). Offer what was typed back
        # with a fresh token, instead of losing it.
        kept = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if not any(secret in name for secret in SECRET_FIELDS) and isinstance(value, str)
        ]
        # Shown back to the person: only what they typed, never the form's own hidden keys.
        written = [(name, value) for name, value in kept if value and name not in MACHINE_FIELDS]
        return render_template("errors/resubmit.html", action=request.path, kept=kept, written=written), 400
