"""Ask a volunteer. Thin routes: read the form, check the permission for every request, call one
service, then flash and redirect. A request someone may not see answers 404."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.asking import bp
from app.asking.forms import AskForm, ConfirmForm, ReplyForm
from app.extensions import limiter
from app.forms import add_service_error, flash_service_call
from app.models import ReplyBy
from app.moderation.routes import moderator_required
from app.permissions import is_member
from app.services import help_requests, watched_words
from app.services.errors import NotFound, ServiceError


# The volunteers' inbox is for the same people as the review queue: one check serves both.
volunteer_required = moderator_required


def _request_or_404(request_id: int):
    try:
        return help_requests.get(current_user, request_id)
    except NotFound:
        abort(404)


@bp.route("/ask-a-volunteer", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_ASK"], methods=["POST"])
def ask():
    form = AskForm()
    if not is_member(current_user) and not form.is_submitted():
        form.reply_by.data = ReplyBy.EMAIL.value
    if form.validate_on_submit():
        try:
            asked = help_requests.ask(current_user, form.body.data, form.reply_by.data, email_address=form.email.data,
                                      phone=form.phone.data, call_time=form.call_time.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if asked.support:
                flash(watched_words.support_sentence(), "warning")
            flash(_("Thank you. A volunteer will read your message and reply as soon as they can, usually within a day."), "success")
            if is_member(current_user):
                return redirect(url_for("asking.mine_page", request_id=asked.request.id))
            return redirect(url_for("asking.thanks"))
    earlier = help_requests.mine(current_user) if is_member(current_user) else []
    return render_template("asking/ask.html", form=form, earlier=earlier)


@bp.route("/ask-a-volunteer/thank-you")
def thanks():
    return render_template("asking/thanks.html")


@bp.route("/ask-a-volunteer/<int:request_id>")
@login_required
def mine_page(request_id):
    """The member's own request and the replies to it (volunteers are sent to their own page)."""
    request = _request_or_404(request_id)
    if request.member_id != current_user.id:
        return redirect(url_for("asking.request_page", request_id=request.id))
    return render_template("asking/mine.html", request=request)


@bp.route("/volunteers/help")
@volunteer_required
def inbox():
    return render_template("asking/inbox.html", inbox=help_requests.inbox(current_user),
                           newcomers=help_requests.newcomers_waiting(current_user), form=ConfirmForm())


@bp.route("/volunteers/help/<int:request_id>")
@volunteer_required
def request_page(request_id):
    return render_template("asking/request.html", request=_request_or_404(request_id), reply_form=ReplyForm(), form=ConfirmForm())


@bp.route("/volunteers/help/<int:request_id>/claim", methods=["POST"], defaults={"change": "claim"}, endpoint="claim")
@bp.route("/volunteers/help/<int:request_id>/close", methods=["POST"], defaults={"change": "close"}, endpoint="close")
@bp.route("/volunteers/help/<int:request_id>/reopen", methods=["POST"], defaults={"change": "reopen"}, endpoint="reopen")
@volunteer_required
def change(request_id, change):
    request = _request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Something went wrong with that form. Please try again."), "error")
        return redirect(url_for("asking.request_page", request_id=request.id))
    flash_service_call(lambda: getattr(help_requests, change)(current_user, request),
                       {"claim": _("You are helping with this request now."), "close": _("The request is finished."),
                        "reopen": _("The request is open again.")}[change])
    return redirect(url_for("asking.request_page", request_id=request.id))


@bp.route("/volunteers/help/<int:request_id>/reply", methods=["POST"])
@volunteer_required
def reply(request_id):
    request = _request_or_404(request_id)
    reply_form = ReplyForm()
    if reply_form.validate_on_submit():
        try:
            help_requests.reply(current_user, request, reply_form.body.data)
        except ServiceError as error:
            add_service_error(reply_form, error)
        else:
            who = request.member.display_name if request.member else request.email
            flash(_("Your reply is sent to %(who)s.", who=who), "success")
            return redirect(url_for("asking.request_page", request_id=request.id))
    return render_template("asking/request.html", request=request, reply_form=reply_form, form=ConfirmForm()), 400
