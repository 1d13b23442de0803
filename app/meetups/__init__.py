"""Meet-ups, partner organisations and calendar feeds."""
from flask import Blueprint

bp = Blueprint("meetups", __name__)

from app.meetups import routes  # noqa: E402,F401
