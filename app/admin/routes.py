"""Admin pages. Every route checks is_admin on the server."""
from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.admin import bp
from app.admin.forms import ApprovalForm
from app.extensions import db
from app.models import User
from app.permissions import is_admin
from app.services import accounts
from app.services.errors import ServiceError


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_admin(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("")
@admin_required
def index():
    return render_template("admin/index.html", pending=accounts.pending_approvals())


@bp.route("/approvals/<int:user_id>", methods=["GET", "POST"])
@admin_required
def approval(user_id):
    member = db.session.get(User, user_id) or abort(404)
    form = ApprovalForm()
    if form.validate_on_submit():
        try:
            accounts.decide_approval(current_user, member, form.decision.data == "approve", form.reason.data or "")
        except ServiceError as error:
            flash(error.message, "error")
        else:
            verb = "approved" if form.decision.data == "approve" else "declined"
            flash(f"You {verb} {member.display_name} as {member.role.label.lower()}. We have emailed them.", "success")
        return redirect(url_for("admin.index"))
    return render_template("admin/approval.html", form=form, member=member)
