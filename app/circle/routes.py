"""Routes for the circle of support. Ending a link always has a confirmation page."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.circle import bp
from app.circle.forms import InviteForm
from app.extensions import db
from app.forms import flash_service_call, options
from app.models import User
from app.profiles.forms import ConfirmForm
from app.services import circle, connections, meetups, notifications
from app.services.errors import NotFound, ServiceError


def _invite_form(overview) -> InviteForm | None:
    if not circle.can_have_circle(current_user):
        return None
    linked = {link.carer_id for link in overview["my_carers"] + overview["waiting_for_me"] + overview["waiting_for_them"]}
    candidates = [row.other(current_user) for row in connections.overview(current_user)["connected"]]
    form = InviteForm()
    form.carer.choices = options((member.id, member.display_name) for member in candidates if member.id not in linked)
    return form


@bp.route("")
@login_required
def index():
    overview = circle.overview(current_user)
    supporting = [
        (link, notifications.recent_for(link.person), meetups.my_meetups(link.person)) for link in overview["supporting"]
    ]
    return render_template(
        "circle/index.html", overview=overview, supporting=supporting, form=ConfirmForm(),
        invite_form=_invite_form(overview), record=circle.on_behalf_record(current_user),
        can_have_circle=circle.can_have_circle(current_user),
    )


@bp.route("/invite", methods=["POST"])
@login_required
def invite():
    overview = circle.overview(current_user)
    form = _invite_form(overview)
    if form is None:
        abort(404)
    if form.validate_on_submit():
        carer = db.session.get(User, form.carer.data)
        flash_service_call(lambda: circle.invite(current_user, carer), _("We have invited %(name)s into your circle of support. They need to agree.", name=carer.display_name))
        return redirect(url_for("circle.index"))
    supporting = [
        (link, notifications.recent_for(link.person), meetups.my_meetups(link.person)) for link in overview["supporting"]
    ]
    return render_template(
        "circle/index.html", overview=overview, supporting=supporting, form=ConfirmForm(), invite_form=form,
        record=circle.on_behalf_record(current_user), can_have_circle=True,
    )


def _link_or_404(link_id):
    try:
        return circle.get_for(current_user, link_id)
    except NotFound:
        abort(404)


@bp.route("/<int:link_id>/accept", methods=["POST"])
@login_required
def accept(link_id):
    link = _link_or_404(link_id)
    if ConfirmForm().validate_on_submit():
        flash_service_call(lambda: circle.accept(current_user, link), _("You both agreed: the circle of support link has started."))
    return redirect(url_for("circle.index"))


@bp.route("/<int:link_id>/decline", methods=["POST"])
@login_required
def decline(link_id):
    link = _link_or_404(link_id)
    other = link.other(current_user)
    if ConfirmForm().validate_on_submit():
        flash_service_call(lambda: circle.decline(current_user, link), _("You said no to %(name)s. We have not told them.", name=other.display_name))
    return redirect(url_for("circle.index"))


@bp.route("/<int:link_id>/reminders", methods=["POST"])
@login_required
def reminders(link_id):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            link = circle.get_for(current_user, link_id)
            wanted = request.form.get("wanted") == "yes"
            circle.set_reminder_copies(current_user, link, wanted)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            name = link.person.display_name
            flash(_("We will send you a copy of %(name)s's meet-up reminders.", name=name) if wanted
                  else _("We will stop sending you copies of %(name)s's meet-up reminders.", name=name), "success")
    return redirect(url_for("circle.index"))


@bp.route("/<int:link_id>/end", methods=["GET", "POST"])
@login_required
def end(link_id):
    link = _link_or_404(link_id)
    other = link.other(current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        circle.end(current_user, link)
        flash(_("The circle of support link with %(name)s has ended.", name=other.display_name), "success")
        return redirect(url_for("circle.index"))
    return render_template("circle/end.html", link=link, other=other, form=form)
