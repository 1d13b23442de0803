"""Print a signed session cookie for one filler member, so wrk can load pages as a signed-in member.

Made the way Flask-Login would after signing in (the bench members have no usable password).
Usage: DATABASE_URL=... .venv/bin/python bench/member_cookie.py [user id, default 2]
"""
import sys

from flask import session
from flask_login import login_user

from app import create_app
from app.extensions import db
from app.models import User
from app.services import accounts

app = create_app()
with app.test_request_context("/"):
    member = db.session.get(User, int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    accounts.begin_session(member)  # sign-out ends sessions on the server: the cookie names a live one
    login_user(member)
    value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    print(f"{app.config['SESSION_COOKIE_NAME']}={value}")
