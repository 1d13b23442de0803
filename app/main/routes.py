"""Home (a welcome for visitors, a start page for members) and the plain-English information pages."""
from flask import abort, current_app, redirect, render_template, send_file, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import i18n
from app.main import bp
from app.services import checkins, outcomes
from app.services import listen as listen_service
from app.services import today as today_service
from app.services.errors import NotFound


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
    return render_template(
        "main/start.html", today=today_service.for_member(current_user),
        checkin_due=checkins.is_due(current_user), sees_outcomes=outcomes.can_see_outcomes(current_user),
    )


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


@bp.route("/listen/<kind>/<item>.wav")
def listen(kind, item):
    """The spoken version of something this person may read (404 exactly where its page is)."""
    try:
        text, language = listen_service.text_and_language(current_user, kind, item, i18n.current_language())
        spoken = listen_service.speak(text, listen_service.speed_for(current_user), language)
    except NotFound:
        abort(404)
    except listen_service.NotAvailable as error:
        return render_template("errors/error.html", title=_("Listening is not available"), explanation=str(error)), 503
    response = send_file(spoken.path, mimetype="audio/wav", conditional=True, max_age=0,
                         download_name=f"kindred-{kind}-{item}.wav")
    # The words may be private: only this person's browser may keep the file.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
