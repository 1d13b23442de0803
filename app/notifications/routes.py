"""The notifications page (newest first, keyset-paged, "Mark all as read"), the notification
settings page, and the unsubscribe links in emails."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import csrf
from app.notifications import bp, public_bp
from app.notifications.forms import SimpleChoiceForm, preferences_form
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
        flash(_("All your notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@public_bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    form = preferences_form(current_user)
    if form.validate_on_submit():
        notifications.save_preferences(current_user, {kind: form[kind].data for kind in notifications.KINDS if kind in form})
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications_public.settings"))
    return _settings_page(form, SimpleChoiceForm(choice=notifications.simple_choice_of(current_user)))


@public_bp.route("/settings/notifications/simple", methods=["POST"])
@login_required
def simple_settings():
    simple = SimpleChoiceForm()
    if simple.validate_on_submit():
        notifications.save_simple_choice(current_user, simple.choice.data)
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications_public.settings"))
    return _settings_page(preferences_form(current_user), simple), 400


def _settings_page(form, simple):
    groups: dict[str, list] = {}
    for kind, info in notifications.kinds_for(current_user).items():
        groups.setdefault(info.group, []).append((kind, info))
    return render_template("notifications/settings.html", form=form, simple=simple, groups=groups, per_kind=bool(form.errors),
                           suggested=notifications.uses_suggested_settings(current_user))


# Not signed in, so no session and no CSRF token: the signed token in the address is the proof,
# and mail programs' one-click unsubscribe (RFC 8058) POSTs without one. The worst a forged
# cross-site POST could do is what the token's owner asked for: stop one kind of email.
@public_bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe_broken.html"), 400
    user, kind = found
    what = notifications.unsubscribe_words(kind)
    if request.method == "POST":
        notifications.unsubscribe(user, kind)
        return render_template("notifications/unsubscribed.html", what=what)
    return render_template("notifications/unsubscribe.html", what=what, token=token)
