"""Print a signed session cookie for one filler member, so wrk can load pages as a signed-in member.

Made the way Flask-Login would after signing in (the bench members have no usable password), and as
the browser holds it after its first page: permanent (as sign-in makes it), with the session's CSRF
secret (the first page with a form adds it) and not "fresh" (Flask-Login's basic session protection
marks it so on the first request from another address or browser). wrk sends the same cookie every
time, so a cookie without these made every response change the session and send a new cookie, which
a real member's browser does only once.
Usage: DATABASE_URL=... .venv/bin/python bench/member_cookie.py [user id, default 2]
"""
import sys

from flask import session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from app import create_app
from app.extensions import db
from app.models import User
from app.services import accounts

app = create_app()
with app.test_request_context("/"):
    member = db.session.get(User, int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    accounts.begin_session(member)  # sign-out ends sessions on the server: the cookie names a live one
    login_user(member)
    session.permanent = True
    session["_fresh"] = False
    generate_csrf()
    value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    print(f"{app.config['SESSION_COOKIE_NAME']}={value}")
