"""A member's connections and requests to connect (/connections)."""
from flask import Blueprint

bp = Blueprint("connections", __name__, url_prefix="/connections")

from app.connections import routes  # noqa: E402,F401
