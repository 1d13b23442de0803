"""The home page and the help, accessibility, privacy and guidelines pages."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import routes  # noqa: E402,F401
