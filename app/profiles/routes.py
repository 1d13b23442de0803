"""Routes for profiles and the directory. Thin: parse, check, call a service, redirect."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import add_service_error, flash_service_call
from app.models import ConnectionStatus, User
from app.models.profiles import PRIVATE_FIELDS
from app.permissions import can_view_profile, is_member
from app.profiles import bp
from app.profiles.forms import ConfirmForm, DirectorySearchForm, EditProfileForm
from app.services import blocking, circle, connections, paging, photos, profiles
from app.templating import flash_support
from app.services.errors import ServiceError


def _member_or_404(user_id: int) -> User:
    member = db.session.get(User, user_id)
    if member is None or not can_view_profile(current_user, member):
        abort(404)
    return member


@bp.route("")
@login_required
def directory():
    form = DirectorySearchForm(request.args)
    query = form.q.data if form.validate() else ""
    result = profiles.directory(current_user, query or "", paging.Position.from_args(request.args, profiles.DIRECTORY_KEY))
    return render_template("profiles/directory.html", form=form, query=query or "", result=result)


@bp.route("/<int:user_id>")
def show(user_id):
    member = _member_or_404(user_id)
    context = {"member": member, "visibility_short": profiles.VISIBILITY_SHORT_TITLES}
    if is_member(current_user) and current_user.id != member.id:
        connection = connections.between(current_user, member)
        blocked_by_member = blocking.is_blocked(member, current_user)
        context.update(
            connection=connection,
            i_blocked=blocking.is_blocked(current_user, member),
            i_muted=blocking.is_muted(current_user, member),
            circle_link=circle.link_between(current_user, member),
            can_have_circle=circle.can_have_circle,
        )
        shown = profiles.view(
            current_user, member,
            connected=connection is not None and connection.status == ConnectionStatus.ACCEPTED,
            blocked_by_owner=blocked_by_member,
        )
    else:
        shown = profiles.view(current_user, member)
    return render_template("profiles/show.html", shown=shown, confirm_form=ConfirmForm(), **context)


@bp.route("/<int:user_id>/photo/<name>")
def photo(user_id, name):
    member = db.session.get(User, user_id) or abort(404)
    stored = profiles.photo_for(current_user, member, name)
    path = photos.path_of(stored) if stored else None
    if path is None:
        abort(404)
    return photos.image_response(path, "private, max-age=3600")


@bp.route("/me/edit", methods=["GET", "POST"])
@login_required
def edit():
    profile = profiles.profile_of(current_user)
    form = EditProfileForm(obj=profile)
    if request.method == "GET":
        for name in PRIVATE_FIELDS:
            getattr(form, f"{name}_visibility").data = profile.visibility_of(name).value
    if form.validate_on_submit():
        upload = form.photo.data
        has_upload = upload is not None and getattr(upload, "filename", "")
        try:
            saved = profiles.update(
                current_user,
                about=form.about.data, helps_me=form.helps_me.data, interests=form.interests.data, town=form.town.data,
                visibility={name: getattr(form, f"{name}_visibility").data for name in PRIVATE_FIELDS},
                photo=upload.stream if has_upload else None,
                remove_photo=bool(form.remove_photo.data),
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if saved.support:
                flash_support()
            if saved.held:
                flash(_("Your profile is saved. %(problem)s Until then, only you can see your words.", problem=saved.screened.tell()), "info")
            else:
                flash(_("Your profile is saved."), "success")
            return redirect(url_for("profiles.show", user_id=current_user.id))
    return render_template("profiles/edit.html", form=form, profile=profile)


@bp.route("/<int:user_id>/connect", methods=["POST"])
@login_required
def connect(user_id):
    member = _member_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            connection = connections.ask(current_user, member)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            if connection is not None and connection.status == ConnectionStatus.ACCEPTED:
                flash(_("You are now connected with %(name)s.", name=member.display_name), "success")
            else:
                # Worded the same whether or not the request can reach them.
                flash(_("We have asked %(name)s if they would like to connect. We will tell you if they say yes.", name=member.display_name), "success")
    return redirect(url_for("profiles.show", user_id=member.id))


@bp.route("/<int:user_id>/circle", methods=["POST"])
@login_required
def circle_request(user_id):
    member = _member_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if circle.can_have_circle(current_user):
                link = circle.invite(current_user, member)
                done = _("We have invited %(name)s into your circle of support. They need to agree.", name=member.display_name)
            else:
                link = circle.ask_to_join(current_user, member)
                done = _("We have asked %(name)s if you can join their circle of support. They need to agree.", name=member.display_name)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            if link is not None and link.status.value == "active":
                flash(_("You both agreed: the circle of support link has started."), "success")
            else:
                flash(done, "success")
    return redirect(url_for("profiles.show", user_id=member.id))


@bp.route("/<int:user_id>/block", methods=["GET", "POST"])
@login_required
def block(user_id):
    member = _member_or_404(user_id)
    if member.id == current_user.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        if flash_service_call(lambda: blocking.block(current_user, member),
                              _("You have blocked %(name)s. They have not been told.", name=member.display_name)):
            return redirect(url_for("settings.blocked"))
        return redirect(url_for("profiles.show", user_id=member.id))
    return render_template("profiles/block.html", member=member, form=form)


@bp.route("/<int:user_id>/mute", methods=["POST"])
@login_required
def mute(user_id):
    """Mute (or unmute) a member: no confirmation page, because it is gentle and undone in one press."""
    member = _member_or_404(user_id)
    if member.id == current_user.id or not ConfirmForm().validate_on_submit():
        return redirect(url_for("profiles.show", user_id=member.id))
    if request.form.get("mute") == "no":
        blocking.unmute(current_user, member)
        flash(_("You have unmuted %(name)s. Their posts show as usual again.", name=member.display_name), "success")
    else:
        blocking.mute(current_user, member)
        flash(_("You have muted %(name)s. Their posts are folded away for you and they cannot send you notifications. They have not been told.", name=member.display_name), "success")
    return redirect(url_for("profiles.show", user_id=member.id))
