"""The signed session cookie, renewed once a day instead of on every page.

A member's session is permanent (it lasts PERMANENT_SESSION_LIFETIME, weeks, so nobody with memory
difficulties is signed out mid-task), and Flask renews a permanent session's cookie on every
response (SESSION_REFRESH_EACH_REQUEST): the session signed again and a Set-Cookie header on every
page a member opens, though nothing in it changed (issue 15: one of the costs every member page
shares). Here the cookie is sent again when the session changed, as before, or when the cookie
the browser sent was signed more than SESSION_REFRESH_AFTER_SECONDS ago (a day by default). The
session still lasts its full lifetime after the last day a member came, give or take that day.

Reading the cookie is also remembered (issue 15): checking its signature and decoding it took about
0.09 ms of every member request, most of a kept page's own cost beyond a visitor's, though a member
sends the same cookie all day. So a cookie whose signature checked out is remembered, in this
process, with what it holds and when it was signed (VERIFIED_COOKIES of them, the least recently
used going first). Only a cookie byte for byte the same as one already checked is taken from
memory, so nothing unsigned is ever believed; its age is checked against the lifetime at every
request as itsdangerous does, so an old cookie still expires; each request gets its own copy of
what it holds, so changing one session (a flashed message) changes no other. The memory is per
secret key: rotating SECRET_KEY (or a test app with another) never finds a cookie signed by the old.
"""
from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

# Cookies remembered per process: one per member signed in through this worker, at a few hundred
# bytes each.
VERIFIED_COOKIES = 4096
_SCALARS = (str, int, float, bool, type(None))


class _VerifiedCookies:
    """Cookies whose signature checked out, with (what they hold, when signed), least recently used
    first; for one secret key and salt."""

    def __init__(self, size: int):
        self.size = size
        self._found: OrderedDict[str, tuple[dict, float]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threaded workers and Socket.IO share a process

    def get(self, value: str) -> tuple[dict, float] | None:
        with self._lock:
            found = self._found.get(value)
            if found is not None:
                self._found.move_to_end(value)
            return found

    def put(self, value: str, data: dict, signed_at: float) -> None:
        with self._lock:
            self._found[value] = (data, signed_at)
            if len(self._found) > self.size:
                self._found.popitem(last=False)


def _own_copy(data: dict) -> dict:
    """What a remembered cookie holds, for one request to change as it likes: a flat copy when
    every value is plain (a session usually is), else a deep one (flashed messages are a list)."""
    return dict(data) if all(isinstance(value, _SCALARS) for value in data.values()) else copy.deepcopy(data)


class DailyRenewedSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        # Per secret: its serializer (Flask makes a new one for every request) and its cookies.
        self._by_secret: dict[tuple, tuple[object, _VerifiedCookies]] = {}

    def _serializer_and_memory(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), self.salt)
        if keys not in self._by_secret:
            serializer = self.get_signing_serializer(app)
            if serializer is None:
                return None, None
            self._by_secret[keys] = (serializer, _VerifiedCookies(VERIFIED_COOKIES))
        return self._by_secret[keys]

    def open_session(self, app: Flask, request):
        serializer, verified = self._serializer_and_memory(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        found = verified.get(value)
        if found is None:
            try:
                data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            found = (data, signed.timestamp())
            verified.put(value, *found)
            data = _own_copy(data)
        else:
            if time.time() - found[1] > max_age:  # as itsdangerous's max_age: an old cookie expires
                return self.session_class()
            data = _own_copy(found[0])
        session = self.session_class(data)
        session.signed_at = found[1]  # not a key: never stored in the cookie
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
