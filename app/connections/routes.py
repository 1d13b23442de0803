"""Routes for connections: the list, answering requests, and removing (with a confirmation page)."""
from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.connections import bp
from app.forms import flash_service_call
from app.profiles.forms import ConfirmForm
from app.services import connections
from app.services.errors import NotFound


def _connection_or_404(connection_id):
    try:
        return connections.get_for(current_user, connection_id)
    except NotFound:
        abort(404)


@bp.route("")
@login_required
def index():
    return render_template("connections/index.html", overview=connections.overview(current_user), form=ConfirmForm())


def _act(connection_id, action, done):
    connection = _connection_or_404(connection_id)
    other = connection.other(current_user)
    if ConfirmForm().validate_on_submit():
        flash_service_call(lambda: action(current_user, connection), str(done) % {"name": other.display_name})
    return redirect(url_for("connections.index"))


@bp.route("/<int:connection_id>/accept", methods=["POST"])
@login_required
def accept(connection_id):
    return _act(connection_id, connections.accept, _l("You are now connected with %(name)s."))


@bp.route("/<int:connection_id>/decline", methods=["POST"])
@login_required
def decline(connection_id):
    return _act(connection_id, connections.decline, _l("You said no to %(name)s. We have not told them."))


@bp.route("/<int:connection_id>/withdraw", methods=["POST"])
@login_required
def withdraw(connection_id):
    return _act(connection_id, connections.withdraw, _l("You took back your request to %(name)s."))


@bp.route("/<int:connection_id>/remove", methods=["GET", "POST"])
@login_required
def remove(connection_id):
    connection = _connection_or_404(connection_id)
    other = connection.other(current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        flash_service_call(lambda: connections.remove(current_user, connection), _("%(name)s is no longer one of your connections. We have not told them.", name=other.display_name))
        return redirect(url_for("connections.index"))
    return render_template("connections/remove.html", connection=connection, other=other, form=form)
