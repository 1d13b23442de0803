"""Moderation pages. Thin: read the form, check the permission on the server for every object, call
one service, then flash and redirect. Anything a person may not see answers 404 (or 403 for a
page they may not use at all)."""
from datetime import datetime, time, timedelta
from functools import wraps

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import formatting
from app.admin.routes import admin_required
from app.extensions import db
from app.forms import add_service_error, flash_service_call, options
from app.models import Appeal, Case, ReportReason, Sanction, SanctionKind, User, WatchedWord
from app.moderation import bp
from app.moderation.forms import (
    ActionForm,
    AppealDecisionForm,
    AppealForm,
    ConfirmForm,
    LogFilterForm,
    ReportForm,
    TrySafetyForm,
    WatchedWordForm,
)
from app.permissions import can_moderate, is_admin, is_member
from app.services import forums, moderation, paging, safety, watched_words
from app.templating import flash_support
from app.services.errors import NotFound, ServiceError

# English words kept as data elsewhere (content nouns, statuses, sanction kinds, outcomes, summaries),
# listed so that they are extracted; templates and outcome_words look them up with _(word).
WORD_MSGIDS = (
    _l("post"), _l("thread"), _l("profile"), _l("meet-up"), _l("chat message"), _l("content"), _l("help request"),
    _l("visible"), _l("held"), _l("hidden"), _l("deleted"), _l("Warning"), _l("Silence"), _l("Suspend"),
    _l("Reported by members"),
    _l("a volunteer looked at it and decided it can stay"), _l("a volunteer checked it and it is now published"),
    _l("a volunteer hid it"), _l("a volunteer put it back"), _l("a volunteer edited it"), _l("a volunteer deleted it"),
    _l("a volunteer sent its author a warning"), _l("a volunteer paused its author's posting"),
    _l("a volunteer suspended its author's account"),
)
SUSPENDED_MAY_USE = {"moderation.suspended", "moderation.history", "moderation.appeal", "auth.sign_out", "static",
                     "main.help", "main.guidelines", "main.privacy", "main.accessibility", "settings.display",
                     "asking.ask", "asking.thanks", "asking.mine_page"}


def moderator_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not can_moderate(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.before_app_request
def _confine_suspended_members():
    g.pop("_kindred_sanctions", None)  # each request looks again: a pause may have ended or started
    if not is_member(current_user) or request.endpoint in SUSPENDED_MAY_USE or request.endpoint is None:
        return None
    if moderation.suspension_of(current_user) is not None:
        return redirect(url_for("moderation.suspended"))
    return None


@bp.app_context_processor
def _moderation_globals():
    def my_pause():
        return moderation.silence_of(current_user) if is_member(current_user) else None

    def outcome_words(case):
        return _(moderation.ACTION_WORDS[case.outcome][0]) if case.outcome else _("not decided yet")

    return {"my_pause": my_pause, "outcome_words": outcome_words, "until_words": moderation.until_words, "can_participate": moderation.can_participate,
            "support_lines": safety.SUPPORT_LINES}


def _case_or_404(case_id) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    return case


def _reportable(content_type, content_id):
    """The content, if this member may see it on its own page (reporting must not reveal anything either)."""
    try:
        return moderation.content_for(current_user, content_type, content_id)
    except NotFound:
        abort(404)


# ---- Reporting ---------------------------------------------------------------------------------------


@bp.route("/report/<content_type>/<int:content_id>", methods=["GET", "POST"])
@login_required
def report(content_type, content_id):
    if content_type not in moderation.CONTENT_KINDS:
        abort(404)
    obj = _reportable(content_type, content_id)
    kind = moderation.kind_of(content_type)
    if kind.author_id(obj) == current_user.id:
        abort(403)  # your own: delete it instead
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reported = moderation.report(current_user, content_type, content_id, form.reason.data, form.words.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if reported.support:
                flash_support()
            return redirect(url_for("moderation.reported", safety="yes" if form.reason.data == ReportReason.SAFETY.value else None))
    return render_template("moderation/report.html", form=form, obj=obj, kind=kind, content_type=content_type,
                           back_url=kind.url(obj))


@bp.route("/report/thank-you")
@login_required
def reported():
    return render_template("moderation/reported.html", safety=request.args.get("safety") == "yes")


@bp.route("/settings/reports")
@login_required
def my_reports():
    return render_template("moderation/my_reports.html", reports=moderation.my_reports(current_user))


# ---- What members see about moderation of their own things ---------------------------------------------


@bp.route("/settings/moderation-history")
@login_required
def history():
    items, sanctions = moderation.history_for(current_user)
    return render_template("moderation/history.html", items=items, sanctions=sanctions)


@bp.route("/moderation/cases/<int:case_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal(case_id):
    case = _case_or_404(case_id)
    if case.author_id != current_user.id:
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            appealed = moderation.appeal(current_user, case, form.words.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if appealed.support:
                flash_support()
            flash(_("Thank you. A different volunteer will look at your appeal and we will let you know what they decide."), "success")
            return redirect(url_for("moderation.history"))
    kind = moderation.CONTENT_KINDS.get(case.content_type)
    return render_template("moderation/appeal.html", form=form, case=case, noun=kind.noun if kind else "content",
                           may_appeal=moderation.may_appeal(current_user, case))


@bp.route("/suspended")
@login_required
def suspended():
    sanction = moderation.suspension_of(current_user)
    if sanction is None:
        return redirect(url_for("main.home"))
    return render_template("moderation/suspended.html", sanction=sanction)


# ---- The review queue ------------------------------------------------------------------------------------


@bp.route("/moderation")
@moderator_required
def queue():
    return render_template("moderation/queue.html", rows=moderation.queue(current_user),
                           appeals=moderation.waiting_appeals(current_user), now=formatting)


@bp.route("/moderation/cases/<int:case_id>")
@moderator_required
def case(case_id):
    case = _case_or_404(case_id)
    if case.author_id == current_user.id:
        abort(404)  # about me or my writing: another volunteer decides
    kind = moderation.kind_of(case.content_type)
    obj = kind.load(case.content_id)
    context = {"around": kind.around(obj)} if kind.around and obj is not None else {}
    return render_template(
        "moderation/case.html", case=case, kind=kind, obj=obj, context=context, actions=moderation.ACTIONS,
        history=moderation.author_history(case), sanctions=moderation.sanctions_of(case.author_id) if case.author_id else [],
        may_act=moderation.may_act(current_user, case), claim_lapsed=moderation.claim_lapsed(case),
        further_actions=moderation.further_actions(current_user, case, obj),
        overdue=moderation.is_overdue(case), due_at=moderation.due_at(case), form=ConfirmForm(),
    )


@bp.route("/moderation/cases/<int:case_id>/claim", methods=["POST"])
@moderator_required
def claim(case_id):
    case = _case_or_404(case_id)
    if ConfirmForm().validate_on_submit():
        if request.form.get("release") == "yes":
            flash_service_call(lambda: moderation.release(current_user, case),
                               _("You let go of this case. Another volunteer can pick it up."))
        else:
            flash_service_call(lambda: moderation.claim(current_user, case),
                               _("This case is yours for the next %(minutes)s minutes.", minutes=moderation.CLAIM_MINUTES))
    return redirect(url_for("moderation.case", case_id=case.id))


@bp.route("/moderation/cases/<int:case_id>/<action>", methods=["GET", "POST"])
@moderator_required
def act(case_id, action):
    case = _case_or_404(case_id)
    form = ActionForm()
    try:
        page = moderation.action_page(current_user, case, action, form.days.data)
    except NotFound:
        abort(404)
    if action == "escalate":  # not written for the member: say who reads it
        form.reason.label.text = _("What the safeguarding leads need to know (only they read this)")
    if request.method == "GET" and action == "edit" and page.obj is not None:
        form.new_text.data = page.edit_text
    shown = dict(case=case, kind=page.kind, form=form, action=action, heading=page.heading, button=page.button,
                 author=page.author)
    if form.validate_on_submit():
        if page.needs_confirming and form.confirmed.data != "yes" and not form.errors:
            if (form.reason.data or "").strip():
                return render_template("moderation/confirm_action.html", until=page.until, **shown)
            form.reason.errors = [_("Write the reason. The member will read it, so keep it kind and clear.")]
        else:
            try:
                done = moderation.take_action(current_user, case, action, form.reason.data, days=form.days.data,
                                              new_text=form.new_text.data, also_hide=form.also_hide.data)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                flash(done.sentence, "success")
                if done.further:
                    return redirect(url_for("moderation.case", case_id=case.id, _anchor="further"))
                return redirect(url_for("moderation.queue"))
    return render_template("moderation/action.html", obj=page.obj, may_act=moderation.may_act(current_user, case), **shown)


@bp.route("/moderation/appeals/<int:appeal_id>", methods=["GET", "POST"])
@moderator_required
def decide_appeal(appeal_id):
    row = db.session.get(Appeal, appeal_id) or abort(404)
    if row.member_id == current_user.id:
        abort(404)
    form = AppealDecisionForm()
    if form.validate_on_submit():
        try:
            moderation.decide_appeal(current_user, row, form.decision.data == "overturn", form.reason.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(_("Your decision is saved and the member has been told."), "success")
            return redirect(url_for("moderation.queue"))
    kind = moderation.CONTENT_KINDS.get(row.case.content_type)
    obj = kind.load(row.case.content_id) if kind else None
    return render_template("moderation/decide_appeal.html", row=row, form=form, kind=kind, obj=obj,
                           may_decide=moderation.may_decide_appeal(current_user, row))


@bp.route("/moderation/sanctions/<int:sanction_id>/lift", methods=["GET", "POST"])
@moderator_required
def lift(sanction_id):
    sanction = db.session.get(Sanction, sanction_id) or abort(404)
    if sanction.member_id == current_user.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        moderation.lift_sanction(current_user, sanction)
        flash(_("%(name)s can take part again. We have told them.", name=sanction.member.display_name), "success")
        return redirect(url_for("moderation.queue"))
    return render_template("moderation/lift.html", sanction=sanction, form=form, SanctionKind=SanctionKind)


# ---- The staff action log (administrators, read only) --------------------------------------------------


def _date(text):
    try:
        return datetime.combine(datetime.strptime(text.strip(), "%Y-%m-%d").date(), time(0), tzinfo=formatting.DEFAULT_ZONE)
    except (ValueError, AttributeError):
        return None


@bp.route("/moderation/log")
@moderator_required
def log():
    form = LogFilterForm(request.args)
    staff = moderation.staff()
    form.actor.choices = options([("", _("Anyone"))] + [(str(user.id), user.display_name) for user in staff])
    form.action.choices = options([("", _("Any action"))] + [(name, name.replace("_", " ").capitalize()) for name in moderation.log_actions(current_user)])
    since, until = _date(form.since.data), _date(form.until.data)
    if form.since.data and since is None:
        form.since.errors = [_("Write the date like 2026-03-01.")]
    if form.until.data and until is None:
        form.until.errors = [_("Write the date like 2026-03-31.")]
    if until is not None:
        until = until + timedelta(days=1)
    actor_id = int(form.actor.data) if (form.actor.data or "").isdigit() else None
    listing = moderation.log_entries(current_user, actor_id=actor_id, action=form.action.data or "", since=since, before=until,
                                     position=paging.Position.from_args(request.args, moderation.LOG_KEY))
    # Only the form's own filters go on the Older/Newer links (any other name in the address could
    # clash with the paging macro's own arguments).
    filters = {name: request.args[name] for name in ("actor", "action", "since", "until") if request.args.get(name)}
    return render_template("moderation/log.html", form=form, listing=listing, filters=filters)


# ---- Watched words and moderators (administrators) --------------------------------------------------


@bp.route("/admin/watched-words", methods=["GET", "POST"])
@admin_required
def watched_words_list():
    """The list, and a box to paste text into and see what the safety checks would do with it
    (as an established member replying in an open forum). Trying changes nothing."""
    form, result = TrySafetyForm(), None
    if form.validate_on_submit():
        if (form.text.data or "").strip():
            result = safety.judge(safety.detect(form.text.data, safety._db_rules()), "reply")
        else:
            form.text.errors.append(_("Paste or write the text you want to try."))
    return render_template("moderation/watched_words.html", entries=watched_words.all_entries(), form=form, result=result,
                           try_outcomes=TRY_OUTCOMES)


TRY_OUTCOMES = {"publish": _l("It would be published straight away."),
                "hold": _l("It would be held until a volunteer checks it."),
                "block": _l("It would be stopped, and the writer shown the watched word's message.")}


@bp.route("/admin/watched-words/new", methods=["GET", "POST"], defaults={"entry_id": None})
@bp.route("/admin/watched-words/<int:entry_id>", methods=["GET", "POST"])
@admin_required
def watched_word(entry_id):
    entry = db.session.get(WatchedWord, entry_id) if entry_id else None
    if entry_id and entry is None:
        abort(404)
    form = WatchedWordForm(obj=entry) if entry is not None and request.method == "GET" else WatchedWordForm()
    if entry is not None and request.method == "GET":
        form.kind.data, form.action.data = entry.kind.value, entry.action.value
    if form.validate_on_submit():
        try:
            saved = watched_words.save(current_user, label=form.label.data, pattern=form.pattern.data,
                                       kind=form.kind.data if not (entry and entry.built_in) else entry.kind,
                                       action=form.action.data if not (entry and entry.built_in) else entry.action,
                                       message=form.message.data, enabled=form.enabled.data, entry=entry)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(_("“%(name)s” is saved and on.", name=saved.label) if saved.enabled else _("“%(name)s” is saved and turned off.", name=saved.label), "success")
            return redirect(url_for("moderation.watched_words_list"))
    return render_template("moderation/watched_word.html", form=form, entry=entry)


@bp.route("/admin/watched-words/<int:entry_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_watched_word(entry_id):
    entry = db.session.get(WatchedWord, entry_id) or abort(404)
    if entry.built_in:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = entry.label
        watched_words.remove(current_user, entry)
        flash(_("“%(name)s” is deleted.", name=label), "success")
        return redirect(url_for("moderation.watched_words_list"))
    return render_template("moderation/delete_watched_word.html", entry=entry, form=form)


@bp.route("/admin/moderators")
@admin_required
def moderators():
    return render_template("moderation/moderators.html", volunteers=moderation.volunteers(), form=ConfirmForm())


@bp.route("/admin/moderators/<int:user_id>", methods=["POST"])
@admin_required
def set_moderator(user_id):
    member = db.session.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        on = request.form.get("moderator") == "yes"
        flash_service_call(lambda: moderation.set_moderator(current_user, member, on),
                           _("%(name)s can now moderate.", name=member.display_name) if on
                           else _("%(name)s no longer has moderator powers.", name=member.display_name))
    return redirect(url_for("moderation.moderators"))
