"""The circle of support (/circle): invitations, agreeing, ending, and the on-behalf record."""
from flask import Blueprint

bp = Blueprint("circle", __name__, url_prefix="/circle")

from app.circle import routes  # noqa: E402,F401
