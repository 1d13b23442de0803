"""Routes for a member's settings. Display settings also work for visitors (kept in a cookie)."""
from flask import flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app import i18n
from app.urls import safe_next
from app.display import COOKIE_MAX_AGE, COOKIE_NAME, Display
from app.forms import add_service_error
from app.services import accounts
from app.services.errors import ServiceError
from app.auth.forms import ConfirmForm
from app.settings import bp
from app.settings.forms import ChangeEmailForm, ChangePasswordForm, DisplayForm, LanguageForm, ListeningForm


@bp.route("")
@login_required
def index():
    return render_template("settings/index.html", other_sessions=accounts.other_session_count(current_user), form=ConfirmForm())


@bp.route("/sign-out-everywhere-else", methods=["POST"])
@login_required
def sign_out_elsewhere():
    if ConfirmForm().validate_on_submit():
        ended = accounts.end_other_sessions(current_user)
        flash(_("You are signed out on every other computer, phone and tablet. You are still signed in here.")
              if ended else _("You were not signed in anywhere else. You are still signed in here."), "success")
    return redirect(url_for("settings.index"))


@bp.route("/display", methods=["GET", "POST"])
def display():
    form = DisplayForm(data={"text_size": g.display.text_size, "colour_scheme": g.display.colour_scheme})
    if form.validate_on_submit():
        chosen = Display(form.text_size.data, form.colour_scheme.data)
        if current_user.is_authenticated:
            accounts.update_display_settings(current_user, chosen.text_size, chosen.colour_scheme)
        flash(_("Your display settings are saved."), "success")
        response = make_response(redirect(url_for("settings.display")))
        # Visitors keep their choice in a cookie; members keep it on their account too,
        # so the page looks the same straight after signing out.
        response.set_cookie(COOKIE_NAME, chosen.cookie_value(), max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        return response
    return render_template("settings/display.html", form=form)


@bp.route("/language", methods=["GET", "POST"])
def language():
    """The language choice. A visitor's link (GET with ?to=cy) only sets a cookie, so it works on
    cached pages without a CSRF token; a member's choice is saved on their account by the form
    (POST) — following a link never writes (app/i18n.py)."""
    back = safe_next(request.values.get("next"), url_for("main.home"))
    chosen = i18n.valid(request.args.get("to"))
    if request.method == "GET" and chosen and not current_user.is_authenticated:
        return _with_language_cookie(redirect(back), chosen)
    form = LanguageForm(data={"language": chosen or i18n.current_language(), "next": back})
    if form.validate_on_submit():
        if current_user.is_authenticated:
            accounts.update_language(current_user, form.language.data)
        return _with_language_cookie(redirect(back), form.language.data)
    return render_template("settings/language.html", form=form)


def _with_language_cookie(response, language: str):
    # Members keep it in the cookie too, so the page stays in their language after signing out.
    response.set_cookie(i18n.COOKIE_NAME, language, max_age=i18n.COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


@bp.route("/listening", methods=["GET", "POST"])
@login_required
def listening():
    form = ListeningForm(obj=current_user)
    if form.validate_on_submit():
        accounts.update_listening_settings(current_user, form.speech_rate.data, form.show_listen.data, form.show_newcomer_badge.data)
        flash(_("Your listening settings are saved."), "success")
        return redirect(url_for("settings.listening"))
    return render_template("settings/listening.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@login_required
def email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            accounts.change_email(current_user, form.password.data, form.email.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(_("Your email address is changed. We have told both addresses."), "success")
            return redirect(url_for("settings.index"))
    return render_template("settings/email.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.new_password.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            # The epoch moved on: sign this session in again so only the others end.
            login_user(current_user._get_current_object(), remember=True)
            flash(_("Your new password is saved. You have been signed out everywhere else."), "success")
            return redirect(url_for("settings.index"))
    return render_template("settings/password.html", form=form)
