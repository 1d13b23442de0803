"""Wellbeing check-ins (/check-in): opt in, one question a page, every question skippable."""
from flask import Blueprint

bp = Blueprint("checkins", __name__, url_prefix="/check-in")

from app.checkins import routes  # noqa: E402,F401
