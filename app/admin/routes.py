"""Admin pages. Every route checks is_admin on the server."""
from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
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
            role = member.role.label.lower()
            if form.decision.data == "approve":
                flash(_("You approved %(name)s as %(role)s. We have emailed them.", name=member.display_name, role=role), "success")
            else:
                flash(_("You declined %(name)s as %(role)s. We have emailed them.", name=member.display_name, role=role), "success")
        return redirect(url_for("admin.index"))
    return render_template("admin/approval.html", form=form, member=member)
