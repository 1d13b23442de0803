"""Routes for accounts. Thin: parse the form, call the accounts service, redirect."""
import secrets

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app import i18n
from app.auth import bp
from app.auth.forms import ConfirmForm, EmailLinkForm, RegisterForm, ResetPasswordForm, SignInForm
from app.extensions import limiter
from app.forms import add_service_error
from app.services import accounts
from app.services.errors import NotConfirmed, ServiceError
from app.urls import safe_next

SAME_MESSAGE_LINK = _l("If that email address has a Kindred account, we have sent it a sign-in link. It works once, for 30 minutes.")
SAME_MESSAGE_RESET = _l("If that email address has a Kindred account, we have sent it a link to choose a new password.")


def _limit(setting):
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"])


def _failed(response) -> bool:
    """Only failed attempts count towards the sign-in limits: a wrong password, a spent link."""
    return bool(g.get("sign_in_failed")) or response.status_code == 410


def _account_key() -> str:
    # The address as typed, tidied (not validated: a bad address is not an account to protect).
    return "account:" + " ".join((request.form.get("email") or "").split()).lower()[:320]


def _failed_sign_in_limits(view):
    """Failed sign-ins, per account (someone with many addresses cannot keep guessing one member's
    password) and per address, with a higher allowance (a memory café shares one Wi-Fi)."""
    per_account = limiter.shared_limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], scope="sign-in-account",
                                       key_func=_account_key, methods=["POST"], deduct_when=_failed)
    return per_account(_failed_per_address(view))


def _failed_per_address(view):
    """Emailed links carry no account to count against: their failures count per address only."""
    return limiter.shared_limit(lambda: current_app.config["RATELIMIT_SIGN_IN_PER_ADDRESS"], scope="sign-in-address",
                                methods=["POST"], deduct_when=_failed)(view)


def _emailed_link_limits(view):
    """One shared allowance per person for every kind of emailed link, and one per address,
    so nobody can flood someone's inbox from many places."""
    per_sender = limiter.shared_limit(lambda: current_app.config["RATELIMIT_EMAIL_LINK"], scope="emailed-links", methods=["POST"])
    per_address = limiter.shared_limit(
        lambda: current_app.config["RATELIMIT_EMAIL_LINK"],
        scope="emailed-links-to-address",
        key_func=lambda: (request.form.get("email") or "").strip().lower(),
        methods=["POST"],
    )
    return per_sender(per_address(view))


def start_session(user) -> None:
    """Sign in with a brand-new session (no fixation), kept for weeks."""
    session.clear()
    accounts.begin_session(user, i18n.remembered_choice())  # a session row on the server that sign-out ends
    login_user(user, remember=True)
    i18n.forget_for_request()  # the rest of this request in the member's own language
    session.permanent = True
    session["sid"] = secrets.token_urlsafe(16)


@bp.route("/register", methods=["GET", "POST"])
@_limit("RATELIMIT_REGISTER")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register(form.display_name.data, form.email.data, form.password.data, form.role.data,
                              language=i18n.current_language())
        except ServiceError as error:
            add_service_error(form, error)
        else:
            # The same page whether or not the address already had an account, so the form
            # cannot be used to find out who is a member. The emailed link finishes the job.
            return render_template("auth/check_email.html", address=form.email.data, registered=True)
    return render_template("auth/register.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@_failed_sign_in_limits
def sign_in():
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, url_for("main.home")))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except NotConfirmed as error:
            return render_template("auth/not_confirmed.html", message=error.message, address=form.email.data)
        if user is not None:
            start_session(user)
            flash(_("You are signed in. Hello, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(form.next.data, url_for("main.home")))
        g.sign_in_failed = True
        form.password.errors = [_("That email address and password do not match. Check them and try again, or use a sign-in link instead.")]
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-in/email-link", methods=["GET", "POST"])
@_emailed_link_limits
def email_link():
    form = EmailLinkForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            accounts.send_sign_in_link(form.email.data, safe_next(form.next.data, "") or None)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return render_template("auth/check_email.html", address=form.email.data, message=str(SAME_MESSAGE_LINK))
    return render_template("auth/email_link.html", form=form)


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
@_failed_per_address
def sign_in_link(token):
    # Opening the link shows a button; only pressing it signs in. Email scanners that
    # fetch links must not spend the single-use token.
    form = ConfirmForm()
    if form.validate_on_submit():
        result = accounts.use_sign_in_token(token)
        if result is not None:
            user, next_url = result
            start_session(user)
            flash(_("You are signed in. Hello, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(next_url, url_for("main.home")))
    elif request.method == "GET" and accounts.sign_in_token_is_valid(token):
        return render_template("auth/sign_in_link.html", form=form)
    return render_template("auth/link_expired.html", again_url=url_for("auth.email_link"), again_text=_("Email me a new sign-in link")), 410


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    form = ConfirmForm()
    if not current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if form.validate_on_submit():
        accounts.end_session(current_user)  # saved or copied cookies stop working too
        # Clear first: logout_user() then leaves its note to delete the remember-me cookie.
        session.clear()
        logout_user()
        flash(_("You have signed out. Come back any time."), "success")
        return redirect(url_for("main.home"))
    return render_template("auth/sign_out.html", form=form)


@bp.route("/forgotten-password", methods=["GET", "POST"])
@_emailed_link_limits
def forgotten_password():
    form = EmailLinkForm()
    if form.validate_on_submit():
        try:
            accounts.send_password_reset(form.email.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return render_template("auth/check_email.html", address=form.email.data, message=str(SAME_MESSAGE_RESET))
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@_failed_per_address
def reset_password(token):
    if not accounts.reset_token_is_valid(token):
        return render_template("auth/link_expired.html", again_url=url_for("auth.forgotten_password"), again_text=_("Email me a new link")), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, form.password.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            start_session(user)
            flash(_("Your new password is saved and you are signed in."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/reset_password.html", form=form)
