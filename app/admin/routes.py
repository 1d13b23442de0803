"""Admin pages. Every route checks is_admin on the server."""
from functools import wraps

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.admin import bp
from app.admin.forms import ApprovalForm
from app.extensions import db
from app.forms import flash_service_call
from app.models import User
from app.permissions import is_admin
from app.services import accounts


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
        approve = form.decision.data == "approve"
        role = member.role.label.lower()
        flash_service_call(
            lambda: accounts.decide_approval(current_user, member, approve, form.reason.data or ""),
            _("You approved %(name)s as %(role)s. We have emailed them.", name=member.display_name, role=role) if approve
            else _("You declined %(name)s as %(role)s. We have emailed them.", name=member.display_name, role=role),
        )
        return redirect(url_for("admin.index"))
    return render_template("admin/approval.html", form=form, member=member)
