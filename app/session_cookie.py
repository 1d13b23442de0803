"""The signed session cookie, renewed once a day instead of on every page.

A member's session is permanent (it lasts PERMANENT_SESSION_LIFETIME, weeks, so nobody with memory
difficulties is signed out mid-task), and Flask renews a permanent session's cookie on every
response (SESSION_REFRESH_EACH_REQUEST): the session signed again and a Set-Cookie header on every
page a member opens, though nothing in it changed (issue 15: one of the costs every member page
shares). Here the cookie is sent again when the session changed, as before, or when the cookie
the browser sent was signed more than SESSION_REFRESH_AFTER_SECONDS ago (a day by default). The
session still lasts its full lifetime after the last day a member came, give or take that day.
"""
from __future__ import annotations

import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature


class DailyRenewedSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at.timestamp()  # not a key: never stored in the cookie
        return session

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or time.time() - signed_at >= app.config.get("SESSION_REFRESH_AFTER_SECONDS", 24 * 3600)


def init_app(app: Flask) -> None:
    app.session_interface = DailyRenewedSessionInterface()
