"""Forums: categories, threads, replies, reactions, following, saved posts and search."""
from flask import Blueprint

bp = Blueprint("forums", __name__)

from app.forums import routes  # noqa: E402,F401
