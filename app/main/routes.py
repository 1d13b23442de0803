"""Home (a welcome for visitors, a start page for members) and the plain-English information pages."""
from flask import current_app, render_template, send_from_directory
from flask_login import current_user

from app.main import bp
from app.services import checkins, outcomes


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return render_template(
            "main/start.html", checkin_due=checkins.is_due(current_user), sees_outcomes=outcomes.can_see_outcomes(current_user)
        )
    return render_template("main/welcome.html")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site; answer with the icon rather than a 404."""
    return send_from_directory(current_app.static_folder + "/img", "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


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
