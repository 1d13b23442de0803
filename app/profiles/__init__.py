"""Member profiles and the members directory (/members), with photos, blocking and asking to connect."""
from flask import Blueprint

bp = Blueprint("profiles", __name__, url_prefix="/members")

from app.profiles import routes  # noqa: E402,F401
