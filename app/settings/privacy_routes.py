"""Settings for privacy and data rights: blocked members, "Download my information", "Delete my account".

A member who asked to delete their account can still sign in during the 14 days, but every page
sends them to "Keep my account" until they choose (or sign out)."""
from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.extensions import db
from app.models import User
from app.profiles.forms import ConfirmForm
from app.services import blocking, my_data
from app.services.errors import ServiceError
from app.settings import bp
from app.settings.forms import DeleteAccountForm
from app.forms import add_service_error

# What a member with a pending deletion can still reach.
OPEN_WHILE_CLOSING = {"settings.keep_account", "auth.sign_out", "static", "main.help", "main.privacy", "main.accessibility", "settings.display"}


@bp.before_app_request
def _closing_accounts_only_see_keep_page():
    if getattr(current_user, "is_authenticated", False) and current_user.is_closing:
        if request.endpoint not in OPEN_WHILE_CLOSING:
            return redirect(url_for("settings.keep_account"))
    return None


@bp.route("/blocked")
@login_required
def blocked():
    return render_template(
        "settings/blocked.html", blocks=blocking.blocked_members(current_user), mutes=blocking.muted_members(current_user), form=ConfirmForm()
    )


@bp.route("/blocked/<int:user_id>/unblock", methods=["POST"])
@login_required
def unblock(user_id):
    member = db.session.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        blocking.unblock(current_user, member)
        flash(_("You have unblocked %(name)s.", name=member.display_name), "success")
    return redirect(url_for("settings.blocked"))


@bp.route("/muted/<int:user_id>/unmute", methods=["POST"])
@login_required
def unmute(user_id):
    member = db.session.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        blocking.unmute(current_user, member)
        flash(_("You have unmuted %(name)s.", name=member.display_name), "success")
    return redirect(url_for("settings.blocked"))


@bp.route("/my-data")
@login_required
def my_data_page():
    return render_template("settings/my_data.html", sections=[title for _name, title in my_data.section_titles()])


@bp.route("/my-data/download")
@login_required
def download_my_data():
    archive = my_data.export_zip(current_user)
    response = send_file(archive, mimetype="application/zip", as_attachment=True, download_name="my-kindred-information.zip")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/my-data/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            my_data.request_deletion(current_user, form.posts_choice.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            purge_after = current_user.purge_after
            logout_user()
            session.clear()
            return render_template("settings/deleted.html", purge_after=purge_after)
    return render_template("settings/delete_account.html", form=form, undo_days=my_data.UNDO_DAYS)


@bp.route("/my-data/keep", methods=["GET", "POST"])
@login_required
def keep_account():
    if not current_user.is_closing:
        return redirect(url_for("settings.my_data_page"))
    form = ConfirmForm()
    if form.validate_on_submit():
        my_data.keep_account(current_user)
        flash(_("Welcome back. Your account is open again and nothing has been deleted."), "success")
        return redirect(url_for("main.home"))
    return render_template("settings/keep_account.html", form=form)
