"""Outcomes for partners and commissioners (/outcomes): counts that never expose a member."""
from flask import Blueprint

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")

from app.outcomes import routes  # noqa: E402,F401
