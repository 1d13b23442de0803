"""Registering, signing in and out, emailed sign-in links and password resets."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import routes  # noqa: E402,F401
