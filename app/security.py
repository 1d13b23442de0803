"""Cross-site request checks for every form: the Origin header first, then Flask-WTF's token.

Flask-WTF's strict https Referer check is off (WTF_CSRF_SSL_STRICT): browsers and privacy add-ons
that send no Referer could not sign in. Instead, a POST whose Origin names another site is refused
(browsers send Origin on every cross-site POST), and every other POST needs a valid token; the
session cookie is SameSite=Lax, so another site's form arrives without it anyway."""
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFError
from app.extensions import csrf

CROSS_SITE = "The request came from another website."


def _same_site(origin: str) -> bool:
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.scheme, request.host) or origin in current_app.config.get(
        "SOCKETIO_ALLOWED_ORIGINS", []
    )


def check_request() -> None:
    if not current_app.config.get("WTF_CSRF_ENABLED", True) or request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    if not request.endpoint or csrf._is_exempt():  # noqa: SLF001 - the one-click unsubscribe (mail programs post it)
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null" and not _same_site(origin):
        raise CSRFError(CROSS_SITE)
    csrf.protect()


def init_app(app: Flask) -> None:
    app.before_request(check_request)
