"""Moderation: reporting, the review queue, cases and appeals, sanctions, watched words, the staff action log."""
from flask import Blueprint

bp = Blueprint("moderation", __name__)

from app.moderation import routes  # noqa: E402,F401
