"""The notifications page: newest first, keyset-paged, with "Mark all as read"."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.notifications import bp
from app.profiles.forms import ConfirmForm
from app.services import notifications


@bp.route("")
@login_required
def index():
    before = request.args.get("before", type=int)
    rows, older = notifications.page_for(current_user, before_id=before)
    older_url = url_for("notifications.index", before=older) if older else None
    newer_url = url_for("notifications.index") if before else None
    return render_template("notifications/index.html", rows=rows, older_url=older_url, newer_url=newer_url, form=ConfirmForm())


@bp.route("/read", methods=["POST"])
@login_required
def mark_all_read():
    if ConfirmForm().validate_on_submit():
        notifications.mark_all_read(current_user)
        flash("All your notifications are marked as read.", "success")
    return redirect(url_for("notifications.index"))
