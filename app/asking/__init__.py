"""Ask a volunteer: the form on every page, a member's own requests, and the volunteers' inbox."""
from flask import Blueprint

bp = Blueprint("asking", __name__)

from app.asking import routes  # noqa: E402,F401
