"""Chat pages. Each works as plain HTML forms; chat.js makes the room live on top of them."""
import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.chat import bp
from app.chat.forms import ConfirmForm, HideForm, MessageForm, MuteForm, PreferencesForm, SlowModeForm
from app.extensions import db
from app.forms import add_service_error, flash_service_call
from app.models import Meetup, Message, MessageStatus, RoomKind, User
from app.services import blocking, chat
from app.services.errors import Conflict, NotAllowed, NotFound, ServiceError
from app.templating import flash_support


def _room_or_abort(room_id: int):
    # chat.room_for answers "not found" for a room you may not see, so room numbers reveal
    # nothing about other people's private conversations.
    try:
        return chat.room_for(current_user, room_id)
    except NotFound:
        abort(404)


def _message_or_abort(room, message_id: int) -> Message:
    try:
        return chat.get_message(room, message_id)
    except NotFound:
        abort(404)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**62 else None


def _report_url(message: Message) -> str:
    """The "Report this" link for a message (moderation's one reporting route)."""
    return url_for("moderation.report", content_type="chat_message", content_id=message.id)


@bp.route("")
@login_required
def index():
    return render_template("chat/index.html", rooms=chat.rooms_for(current_user), title_of=chat.room_title)


def _render_room(room, form, status=200):
    before = _int_arg("before")
    messages, has_earlier = chat.history_before(current_user, room, before)
    deleted_id = _int_arg("deleted")
    undo_message = None
    if deleted_id:
        found = db.session.get(Message, deleted_id)
        if found is not None and found.room_id == room.id and chat.can_undo_delete(current_user, found):
            undo_message = found
    if not form.client_id.data:
        form.client_id.data = uuid.uuid4().hex
    other = chat.other_member(room, current_user) if room.kind == RoomKind.DIRECT else None  # for the Block button
    page = render_template(
        "chat/room.html",
        room=room,
        title=chat.room_title(room, current_user),
        messages=messages,
        earlier_url=url_for("chat.room", room_id=room.id, before=messages[0].id) if has_earlier and messages else None,
        viewing_earlier=bool(before),
        form=form,
        mute=chat.active_mute(current_user, room),
        slow_mode_text=chat.slow_mode_text(room),
        here=chat.who_is_here(room),
        can_post=permissions.can_post_in_room(current_user, room),
        post_problem=chat.posting_problem(current_user, room),
        undo_message=undo_message,
        report_url=_report_url,
        slow_mode_form=SlowModeForm(seconds=str(room.slow_mode_seconds)) if permissions.can_moderate(current_user) else None,
        other=other,
        other_blocked=other is not None and blocking.is_blocked(current_user, other),
        Status=MessageStatus,
    )
    if not before and messages:
        # After drawing the page: the commit would otherwise reload every message shown.
        chat.mark_read(current_user, room, messages[-1].id)
    return page, status


@bp.route("/<int:room_id>")
@login_required
def room(room_id: int):
    return _render_room(_room_or_abort(room_id), MessageForm())


@bp.route("/<int:room_id>/send", methods=["POST"])
@login_required
def send(room_id: int):
    room = _room_or_abort(room_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            sent = chat.send_message(current_user, room, form.body.data, form.client_id.data or None)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            message = sent.message
            if sent.support:
                flash_support()
                flash(_("Your message is sent.") if message.status != MessageStatus.HELD else sent.notice, "info")
            elif sent.notice:
                flash(sent.notice, "info")
            elif message.status == MessageStatus.HELD:
                flash(_("Your message is saved. It has a link, so a volunteer will check it soon before others see it."), "info")
            # With the support lines shown, no #message anchor: it would stop the browser focusing them.
            anchor = None if sent.support else f"message-{message.id}"
            return redirect(url_for("chat.room", room_id=room.id, _anchor=anchor))
    return _render_room(room, form, 400)


@bp.route("/<int:room_id>/messages/<int:message_id>/delete", methods=["GET", "POST"])
@login_required
def confirm_delete(room_id: int, message_id: int):
    room = _room_or_abort(room_id)
    message = _message_or_abort(room, message_id)
    if message.author_id != current_user.id:
        abort(403)
    form = ConfirmForm()
    back = url_for("chat.room", room_id=room.id, _anchor=f"message-{message.id}")
    if message.status not in (MessageStatus.VISIBLE, MessageStatus.HELD):
        flash(_("This message has already been removed."), "info")
        return redirect(url_for("chat.room", room_id=room.id))
    if form.validate_on_submit():
        chat.delete_message(current_user, message)
        return redirect(url_for("chat.room", room_id=room.id, deleted=message.id, _anchor="undo"))
    return render_template("chat/confirm_delete.html", room=room, message=message, form=form, back=back, title=chat.room_title(room, current_user))


@bp.route("/<int:room_id>/messages/<int:message_id>/undo", methods=["POST"])
@login_required
def undo_delete(room_id: int, message_id: int):
    room = _room_or_abort(room_id)
    message = _message_or_abort(room, message_id)
    if ConfirmForm().validate_on_submit():
        try:
            chat.undo_delete(current_user, message)
        except (Conflict, NotAllowed) as error:
            flash(error.message, "error")
        else:
            flash(_("Your message is back."), "success")
            return redirect(url_for("chat.room", room_id=room.id, _anchor=f"message-{message.id}"))
    return redirect(url_for("chat.room", room_id=room.id))


@bp.route("/<int:room_id>/messages/<int:message_id>/hide", methods=["GET", "POST"])
@login_required
def confirm_hide(room_id: int, message_id: int):
    if not permissions.can_moderate(current_user):
        abort(403)
    room = _room_or_abort(room_id)
    message = _message_or_abort(room, message_id)
    if message.status not in (MessageStatus.VISIBLE, MessageStatus.HELD):
        flash(_("This message has already been removed."), "info")
        return redirect(url_for("chat.room", room_id=room.id))
    form = HideForm()
    if form.validate_on_submit():
        chat.hide_message(current_user, message, form.reason.data or "")
        flash(_("The message from %(name)s is hidden. Nobody sees it in the room now.", name=message.author.display_name), "success")
        return redirect(url_for("chat.room", room_id=room.id))
    back = url_for("chat.room", room_id=room.id, _anchor=f"message-{message.id}")
    return render_template("chat/confirm_hide.html", room=room, message=message, form=form, back=back, title=chat.room_title(room, current_user))


@bp.route("/<int:room_id>/messages/<int:message_id>/release", methods=["POST"])
@login_required
def release(room_id: int, message_id: int):
    if not permissions.can_moderate(current_user):
        abort(403)
    room = _room_or_abort(room_id)
    message = _message_or_abort(room, message_id)
    if ConfirmForm().validate_on_submit():
        flash_service_call(lambda: chat.release_message(current_user, message), _("Everyone in the room can see the message from %(name)s now.", name=message.author.display_name))
    return redirect(url_for("chat.room", room_id=room.id, _anchor=f"message-{message.id}"))


@bp.route("/<int:room_id>/members/<int:user_id>/pause", methods=["GET", "POST"])
@login_required
def mute(room_id: int, user_id: int):
    if not permissions.can_moderate(current_user):
        abort(403)
    room = _room_or_abort(room_id)
    member = db.session.get(User, user_id)
    if member is None:
        abort(404)
    form = MuteForm()
    if form.validate_on_submit():
        try:
            chat.mute_member(current_user, room, member, int(form.minutes.data), form.reason.data or "")
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(_("%(name)s cannot send messages in this room for now. They can still read along.", name=member.display_name), "success")
            return redirect(url_for("chat.room", room_id=room.id))
    return render_template("chat/mute.html", room=room, member=member, form=form, title=chat.room_title(room, current_user))


@bp.route("/<int:room_id>/slow-mode", methods=["POST"])
@login_required
def slow_mode(room_id: int):
    if not permissions.can_moderate(current_user):
        abort(403)
    room = _room_or_abort(room_id)
    form = SlowModeForm()
    if form.validate_on_submit():
        chat.set_slow_mode(current_user, room, int(form.seconds.data))
        flash(chat.slow_mode_text(room) or _("Slow mode is off."), "success")
    return redirect(url_for("chat.room", room_id=room.id, _anchor="slow-mode"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    chosen = chat.preferences(current_user)
    form = PreferencesForm(data={"appear_offline": chosen.appear_offline, "dm_from_anyone": chosen.dm_from_anyone})
    if form.validate_on_submit():
        chat.update_preferences(current_user, dm_from_anyone=form.dm_from_anyone.data, appear_offline=form.appear_offline.data)
        flash(_("Your chat choices are saved."), "success")
        return redirect(url_for("chat.preferences"))
    return render_template("chat/preferences.html", form=form)


@bp.route("/direct/<int:user_id>", methods=["POST"])
@login_required
def start_direct(user_id: int):
    """Start (or go back to) a private conversation. Profiles link here with a button."""
    recipient = db.session.get(User, user_id)
    if recipient is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("chat.index"))
    try:
        room = chat.start_direct(current_user, recipient)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("chat.index"))
    return redirect(url_for("chat.room", room_id=room.id))


@bp.route("/meetup/<int:meetup_id>", methods=["POST"])
@login_required
def meetup_room(meetup_id: int):
    """Open the meet-up's room (made the first time). The meet-up page links here with a button."""
    meetup = db.session.get(Meetup, meetup_id)
    if meetup is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("meetups.show", meetup_id=meetup_id))
    try:
        room = chat.meetup_room(current_user, meetup)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("meetups.show", meetup_id=meetup_id))
    return redirect(url_for("chat.room", room_id=room.id))
