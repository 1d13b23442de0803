"""Home (a welcome for visitors, a start page for members) and the plain-English information pages."""
from flask import redirect, render_template, url_for
from flask_login import current_user

from app.main import bp
from app.services import today as today_service


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return _today_page()
    return render_template("main/welcome.html")


@bp.route("/today")
def today():
    """The same start page at an address a member can bookmark; visitors get the public home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return _today_page()


def _today_page():
    return render_template("main/start.html", today=today_service.for_member(current_user))


@bp.route("/help")
def help():
    return render_template("main/help.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/guidelines")
def guidelines():
    return render_template("main/guidelines.html")
