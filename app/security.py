"""Cross-site request checks for every form: the Origin header first, then Flask-WTF's token.

Flask-WTF's strict https Referer check is off (WTF_CSRF_SSL_STRICT): browsers and privacy add-ons
that send no Referer could not sign in. Instead, a POST whose Origin names another site is refused
(browsers send Origin on every cross-site POST), and every other POST needs a valid token; the
session cookie is SameSite=Lax, so another site's form arrives without it anyway."""
import functools
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFError, generate_csrf
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


# Signed tokens remembered per process: one per session that saw a form here.
SIGNED_TOKENS = 4096


@functools.lru_cache(maxsize=SIGNED_TOKENS)
def _signed_for(_secret: str | bytes, _session_token: str) -> str:
    """The session's token signed once (the arguments are the key: generate_csrf signs this
    session's token with this secret, which is what they name)."""
    return generate_csrf()


def csrf_secret(app) -> str | bytes:
    """What Flask-WTF signs tokens with (as FlaskForm.Meta.csrf_secret gives it)."""
    return app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key


def csrf_token() -> str:
    """The form's CSRF token, as Flask-WTF's csrf_token (generate_csrf) gives it, but signed once
    per session rather than on every page (issue 15: a new serializer and an HMAC, 0.15 ms of a
    member's page made afresh). The signature holds the time it was made, which Flask-WTF reads
    only to enforce WTF_CSRF_TIME_LIMIT; with no time limit (config.py: people who need longer
    must not lose what they wrote) the token signed an hour ago is the very one it would accept
    now, so it is remembered, keyed by the secret and this session's own token: no session ever
    gets another's. With a time limit set, or a session without a token yet, Flask-WTF signs it
    afresh as before."""
    app = current_app
    if "csrf_token" in g or app.config.get("WTF_CSRF_TIME_LIMIT") is not None or app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") != "csrf_token":
        return generate_csrf()
    session_token = session.get("csrf_token")
    if not isinstance(session_token, str):
        return generate_csrf()  # makes the session's token
    g.csrf_token = token = _signed_for(csrf_secret(app), session_token)
    return token


def init_app(app: Flask) -> None:
    app.before_request(check_request)
