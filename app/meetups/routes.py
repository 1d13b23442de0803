"""Meet-up pages: finding, going, listing (in steps), organising, moderating; organisations; calendars."""
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import add_service_error, field_names, flash_service_call
from app.meetups import bp
from app.meetups.forms import (
    AddMemberForm,
    EditOrganisationForm,
    CancelForm,
    DecisionForm,
    FilterForm,
    GoingForm,
    MessageForm,
    OrganisationForm,
    StepOneForm,
    StepThreeForm,
    StepTwoForm,
    VerifyForm,
    step_four_form,
)
from app.models import ACCESS_FEATURES, Meetup, MeetupDraft, MeetupStatus, Organisation, RsvpStatus, User
from app.models.types import utcnow
from app.permissions import can_moderate, is_admin
from app.services import calendars, meetups, organisations, paging, photos, places
from app.services.errors import ServiceError

ACCESS_KEYS = [key for key, _ in ACCESS_FEATURES]


def _meetup_or_404(meetup_id: int) -> Meetup:
    meetup = db.session.get(Meetup, meetup_id)
    if meetup is None or not meetups.can_see(current_user, meetup):
        abort(404)
    return meetup


def _organiser_only(meetup: Meetup) -> None:
    if not meetups.is_organiser(current_user, meetup):
        abort(403)


def _calendar_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- Finding ----


# The filters a person used last are kept (in their signed session cookie, so visitors too), and
# used again when they come back to /meetups without choosing; "Clear my choices" forgets them.
KEPT_FILTERS = "meetup_filters"
# What a person chose on the filter form. Only these travel on the listing's links and into the
# session: anything else an address carries (a paging key, a stray ?label= or ?_external=, which
# url_for and the paging macro would take as their own arguments: a 500) is left behind. Read off
# the form itself, so a choice added to it travels too.
CHOICE_ARGS = field_names(FilterForm)


def _choices_in(args, *, leave_out: tuple[str, ...] = ()) -> dict:
    return {key: args[key] for key in CHOICE_ARGS if key in args and key not in leave_out}


@bp.route("/meetups")
def index():
    if request.args.get("clear"):
        session.pop(KEPT_FILTERS, None)
        return redirect(url_for("meetups.index"))
    if request.args.get("filter"):
        session[KEPT_FILTERS] = _choices_in(request.args)
    elif not request.args and session.get(KEPT_FILTERS):
        # (Choices kept by an older version of this page may hold anything: read back the same way.)
        return redirect(url_for("meetups.index", filter=1, kept=1, **_choices_in(session[KEPT_FILTERS])))
    form = FilterForm(request.args)
    filters = meetups.Filters(
        near=form.near.data or "",
        miles=int(form.miles.data) if form.miles.data in ("5", "10", "25") else 10,
        audience=form.audience.data or "",
        access=[key for key in ACCESS_KEYS if getattr(form, key).data],
        free_only=bool(form.free_only.data),
        online_only=bool(form.online_only.data),
    )
    form.miles.data = str(filters.miles)  # a distance not offered (?miles=7) is searched, and said, as 10
    found = meetups.find_upcoming(filters, paging.Position.from_args(request.args, meetups.UPCOMING_KEY))
    if found.choices:
        return redirect(url_for("meetups.which_place", name=filters.near.strip(), **_choices_in(request.args, leave_out=("near",))))
    if found.problem:
        form.near.errors = [found.problem]
    return render_template(
        "meetups/index.html",
        filter_form=form,
        found=found,
        # The choices travel on the paging links; the paging itself is the links' own.
        choices=_choices_in(request.args) | {flag: "1" for flag in ("filter", "kept") if request.args.get(flag)},
        filtered=bool(request.args.get("filter")),
        kept=bool(request.args.get("kept")),
        series_heading=meetups.series_heading,
    )


@bp.route("/meetups/series/<int:series_id>")
def series(series_id):
    """Every date still to come of a repeating meet-up, so the listing can show it once."""
    dates = meetups.upcoming_in_series(current_user, series_id)
    if not dates:
        abort(404)
    return render_template("meetups/series.html", dates=dates, first=dates[0], heading=meetups.series_heading(dates[0]))
@bp.route("/meetups/which-place/<name>")
def which_place(name):
    """More than one town has this name ("Bangor"): ask which one, as plain links that keep the other choices."""
    others = _choices_in(request.args, leave_out=("near",))
    choices = places.search(name).choices
    if not choices:
        return redirect(url_for("meetups.index", near=name, **others))
    return render_template(
        "meetups/which_place.html", name=choices[0].name, search_again=url_for("meetups.index", **(others | {"filter": "1"})),
        choices=[(town, url_for("meetups.index", **(others | {"filter": "1", "near": town.label}))) for town in choices],
    )


@bp.route("/meetups/past")
def archive():
    listing = meetups.find_past(paging.Position.from_args(request.args, meetups.PAST_KEY))
    return render_template("meetups/archive.html", listing=listing)


@bp.route("/meetups/mine")
@login_required
def mine():
    return render_template(
        "meetups/mine.html", places=meetups.my_meetups(current_user), listings=meetups.my_listings(current_user),
        organisations=meetups.organisations_of(current_user),
    )


@bp.route("/meetups/<int:meetup_id>")
def show(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    place = meetups.rsvp_for(current_user, meetup)
    position = meetups.waiting_position(place) if place is not None and place.status == RsvpStatus.WAITING else None
    going_form = GoingForm(companions=str(place.companions) if place and place.status != RsvpStatus.CANCELLED else "0")
    return render_template(
        "meetups/show.html",
        meetup=meetup,
        place=place,
        position=position,
        going_form=going_form,
        people_i_help=meetups.people_i_help(current_user, meetup),
        organiser=meetups.is_organiser(current_user, meetup),
        other_dates=meetups.series_dates(meetup),
        repeat_words=meetups.repeat_words(meetup.series.repeat, meetup.starts_at) if meetup.series else "",
        access_features=ACCESS_FEATURES,
        now=utcnow(),
    )


@bp.route("/meetups/<int:meetup_id>.ics")
def ics(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    return _calendar_response(calendars.meetup_file(meetup), f"kindred-meetup-{meetup.id}.ics")


# ---- Going ----


@bp.route("/meetups/<int:meetup_id>/going", methods=["POST"])
@login_required
def going(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    form = GoingForm()
    if not form.validate_on_submit():
        flash(_("Please choose how many companions are coming, then press the button again."), "error")
        return redirect(url_for("meetups.show", meetup_id=meetup.id))
    person = _person_answered_for()
    try:
        place = meetups.rsvp(person, meetup, companions=int(form.companions.data), acting_member=current_user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if person.id != current_user.id:
            if place.status == RsvpStatus.GOING:
                said = _("%(name)s is going to %(title)s. We have told %(name)s that you did this.", name=person.display_name, title=meetup.title)
            else:
                said = _("%(name)s is on the waiting list for %(title)s. We have told %(name)s that you did this.", name=person.display_name, title=meetup.title)
            flash(said, "success")
        elif place.status == RsvpStatus.GOING:
            flash(_("You are going to %(title)s. We will remind you the day before and on the morning.", title=meetup.title), "success")
        else:
            flash(
                _("This meet-up is full, so you are on the waiting list (number %(position)s). "
                  "If a place comes up, it is yours and we will tell you.", position=meetups.waiting_position(place)),
                "success",
            )
    return redirect(url_for("meetups.show", meetup_id=meetup.id))


@bp.route("/meetups/<int:meetup_id>/not-going", methods=["GET", "POST"])
@login_required
def not_going(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    person = _person_answered_for()
    place = meetups.rsvp_for(person, meetup)
    if place is None or place.status == RsvpStatus.CANCELLED:
        flash(_("You do not have a place at this meet-up.") if person.id == current_user.id else _("%(name)s does not have a place at this meet-up.", name=person.display_name), "info")
        return redirect(url_for("meetups.show", meetup_id=meetup.id))
    form = CancelForm()
    if request.method == "POST" and form.validate_on_submit():
        flash_service_call(
            lambda: meetups.leave(person, meetup, acting_member=current_user),
            _("Your place is cancelled. Thank you for letting us know: someone else can go instead.") if person.id == current_user.id
            else _("%(name)s's place is cancelled. We have told %(name)s that you did this.", name=person.display_name),
        )
        return redirect(url_for("meetups.show", meetup_id=meetup.id))
    return render_template("meetups/not_going.html", meetup=meetup, place=place, form=form, person=person)


def _person_answered_for() -> User:
    """Whose place this is: the member themself, or (?for=<id>) someone whose circle of support
    they are in. The service checks the circle link; here we only find the person."""
    person_id = request.values.get("for", type=int)
    if not person_id or person_id == current_user.id:
        return current_user._get_current_object()
    return db.session.get(User, person_id) or abort(404)


# ---- Listing a meet-up, in steps ----


@bp.route("/meetups/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "POST":
        form = CancelForm()  # only the CSRF token matters here
        if form.validate_on_submit():
            draft = meetups.start_draft(current_user)
            return redirect(url_for("meetups.step", draft_id=draft.id, number=1))
    return render_template(
        "meetups/new.html",
        draft=meetups.unfinished_draft(current_user),
        form=CancelForm(),
        organisations=meetups.organisations_of(current_user),
    )


def _draft_or_404(draft_id: int) -> MeetupDraft | None:
    """The member's own draft; None once it has been sent (a second press, or an old tab)."""
    draft = db.session.get(MeetupDraft, draft_id)
    if draft is None:
        abort(404)
    if draft.author_id != current_user.id:
        abort(403)
    if draft.finished_at is not None:
        flash(_("You have already sent this meet-up."), "info")
        return None
    return draft


def _step_form(number: int, draft: MeetupDraft, formdata=None):
    answers = dict(draft.answers or {})
    for key in ACCESS_KEYS:
        answers[f"access_{key}"] = (answers.get("access") or {}).get(key, "unknown")
    kwargs = {"data": answers} if formdata is None else {}
    if number == 1:
        return StepOneForm(**kwargs)
    if number == 2:
        return StepTwoForm(**kwargs)
    if number == 3:
        return StepThreeForm(**kwargs)
    return step_four_form(meetups.organisations_of(current_user), **kwargs)


def _answers_from(number: int, form) -> dict:
    answers = {name: (field.data or "") for name, field in form._fields.items() if name != "csrf_token" and not name.startswith("access_")}
    if number == 4:
        answers["access"] = {key: getattr(form, f"access_{key}").data or "unknown" for key in ACCESS_KEYS}
    return answers


def _show_errors(form, errors: dict) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)


@bp.route("/meetups/drafts/<int:draft_id>/step-<int:number>", methods=["GET", "POST"])
@login_required
def step(draft_id, number):
    draft = _draft_or_404(draft_id)
    if draft is None:
        return redirect(url_for("meetups.mine"))
    if number not in meetups.STEPS:
        abort(404)
    changing = draft.meetup_id is not None
    from_check = request.args.get("from") == "check"
    if request.method == "POST":
        form = _step_form(number, draft, formdata=request.form)
        if form.validate_on_submit():
            answers = _answers_from(number, form)
            meetups.save_answers(draft, answers)
            _, errors = meetups.clean_step(number, draft.answers, changing=changing)
            if not errors:
                if from_check or number == meetups.STEP_COUNT:
                    return redirect(url_for("meetups.check", draft_id=draft.id))
                return redirect(url_for("meetups.step", draft_id=draft.id, number=number + 1))
            _show_errors(form, errors)
    else:
        form = _step_form(number, draft)
        if request.args.get("problems"):
            _show_errors(form, meetups.clean_step(number, draft.answers or {}, changing=changing)[1])
    return render_template(
        "meetups/step.html", form=form, draft=draft, number=number, steps=meetups.STEPS,
        changing=changing, from_check=from_check, description_limit=meetups.DESCRIPTION_LIMIT,
    )


@bp.route("/meetups/drafts/<int:draft_id>/check", methods=["GET", "POST"])
@login_required
def check(draft_id):
    draft = _draft_or_404(draft_id)
    if draft is None:
        return redirect(url_for("meetups.mine"))
    changing = draft.meetup_id is not None
    values, problem_step, _problems = meetups.check_all(draft.answers or {}, changing=changing)
    if problem_step is not None:
        flash(_("Step %(number)s of %(count)s needs another look.", number=problem_step, count=meetups.STEP_COUNT), "error")
        return redirect(url_for("meetups.step", draft_id=draft.id, number=problem_step, problems=1))
    form = CancelForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            created = meetups.finish_draft(current_user, draft)
        except ServiceError as error:
            flash(error.message, "error")
            return redirect(url_for("meetups.check", draft_id=draft.id))
        first = created[0]
        if changing:
            flash(_("Your changes are saved. If the time or place changed, we have told everyone going or waiting."), "success")
        elif first.is_published:
            flash(ngettext("Your meet-up is listed.", "Your meet-up is listed with %(num)d dates.", len(created)), "success")
        else:
            flash(_("Thank you. A volunteer will check your meet-up soon, and we will email you when it is listed."), "success")
        return redirect(url_for("meetups.show", meetup_id=first.id))
    answers = draft.answers or {}
    organisation = meetups.organisation_of(values)
    publishes = meetups.will_publish(organisation, changing=changing)
    return render_template(
        "meetups/check.html", draft=draft, values=values, answers=answers, form=form, changing=changing,
        organisation=organisation, publishes=publishes, access_features=ACCESS_FEATURES,
        repeat_words=meetups.repeat_words(values.get("repeat"), values.get("starts_at")),
    )


# ---- Organising ----


@bp.route("/meetups/<int:meetup_id>/change", methods=["POST"])
@login_required
def change(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    _organiser_only(meetup)
    form = CancelForm()
    if not form.validate_on_submit():
        return redirect(url_for("meetups.show", meetup_id=meetup.id))
    try:
        draft = meetups.draft_for_change(current_user, meetup)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("meetups.show", meetup_id=meetup.id))
    return redirect(url_for("meetups.check", draft_id=draft.id))


@bp.route("/meetups/<int:meetup_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    _organiser_only(meetup)
    form = CancelForm()
    if form.validate_on_submit():
        meetups.cancel(current_user, meetup, form.reason.data or "")
        flash(_("The meet-up is cancelled. We have told everyone who was going or waiting."), "success")
        return redirect(url_for("meetups.show", meetup_id=meetup.id))
    going, waiting = meetups.going_list(meetup)
    return render_template("meetups/cancel.html", meetup=meetup, form=form, going=going, waiting=waiting)


@bp.route("/meetups/<int:meetup_id>/people")
@login_required
def people(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    _organiser_only(meetup)
    going, waiting = meetups.going_list(meetup)
    return render_template("meetups/people.html", meetup=meetup, going=going, waiting=waiting)


@bp.route("/meetups/<int:meetup_id>/message", methods=["GET", "POST"])
@login_required
def message(meetup_id):
    meetup = _meetup_or_404(meetup_id)
    _organiser_only(meetup)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            told = meetups.message_everyone(current_user, meetup, form.message.data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(ngettext("Your message is on its way to %(num)d person.", "Your message is on its way to %(num)d people.", told), "success")
            return redirect(url_for("meetups.people", meetup_id=meetup.id))
    going, _waiting = meetups.going_list(meetup)
    return render_template("meetups/message.html", meetup=meetup, form=form, going=going)


# ---- Meet-ups waiting for a volunteer's approval ----


@bp.route("/meetups/awaiting-approval")
@login_required
def awaiting_approval():
    if not can_moderate(current_user):
        abort(403)
    return render_template("meetups/awaiting_approval.html", meetups=meetups.awaiting_approval())


@bp.route("/meetups/<int:meetup_id>/decide", methods=["GET", "POST"])
@login_required
def decide(meetup_id):
    if not can_moderate(current_user):
        abort(403)
    meetup = _meetup_or_404(meetup_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            meetups.decide(current_user, meetup, form.decision.data == "approve", form.reason.data or "")
        except ServiceError as error:
            add_service_error(form, error)
        else:
            if form.decision.data == "approve":
                flash(_("“%(title)s” is published. We have emailed the organiser.", title=meetup.title), "success")
            else:
                flash(_("“%(title)s” is not published. We have emailed the organiser.", title=meetup.title), "success")
            return redirect(url_for("meetups.awaiting_approval"))
    return render_template("meetups/decide.html", meetup=meetup, form=form, access_features=ACCESS_FEATURES)


# ---- Calendars ----


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    form = CancelForm()
    if request.method == "POST" and form.validate_on_submit():
        calendars.renew_token(current_user)
        flash(_("Your calendar address is renewed. The old address no longer works."), "success")
        return redirect(url_for("meetups.calendar"))
    token = calendars.token_for(current_user, create=True)
    feed_url = url_for("meetups.member_feed", token=token, _external=True)
    # webcal:// opens the calendar program on most phones and computers, which then subscribes (over https).
    webcal_url = "webcal://" + feed_url.split("://", 1)[1]
    return render_template("meetups/calendar.html", feed_url=feed_url, webcal_url=webcal_url, form=form)


@bp.route("/calendar/<token>.ics")
def member_feed(token):
    body = calendars.member_feed(token)
    if body is None:
        abort(404)
    response = _calendar_response(body, "kindred-my-meetups.ics")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- Organisations ----


@bp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def new_organisation():
    if not organisations.can_create(current_user):
        abort(403)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = organisations.create(
                current_user, **{name: form[name].data for name in
                                 ("name", "kind", "registration", "website", "description", "contact_email", "contact_phone")}
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(_("Your organisation page is made. An administrator will verify it soon."), "success")
            return redirect(url_for("meetups.organisation", organisation_id=organisation.id))
    return render_template("meetups/organisation_new.html", form=form)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id):
    org = organisations.get_with_members(organisation_id) or abort(404)
    member = organisations.is_member(current_user, org)
    form = AddMemberForm()
    if request.method == "POST":
        if not member:
            abort(403)
        if form.validate_on_submit():
            try:
                added = organisations.add_member(current_user, org, form.email.data)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                flash(_("%(name)s can now list and manage %(organisation)s's meet-ups.", name=added.display_name, organisation=org.name), "success")
                return redirect(url_for("meetups.organisation", organisation_id=org.id))
    upcoming = db.session.scalars(
        db.select(Meetup)
        .where(Meetup.organisation_id == org.id, Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)))
        .where(Meetup.ends_at > utcnow())
        .order_by(Meetup.starts_at)
        .limit(50)
    ).all()
    return render_template(
        "meetups/organisation.html", organisation=org, upcoming=upcoming, member=member,
        form=form if member else None, add_form=form,
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit_organisation(organisation_id):
    org = organisations.get_with_members(organisation_id) or abort(404)
    if not organisations.is_member(current_user, org):
        abort(403)
    form = EditOrganisationForm(obj=org)
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            organisations.update(
                current_user, org, logo=upload.stream if upload and getattr(upload, "filename", "") else None,
                remove_logo=bool(form.remove_logo.data),
                **{name: form[name].data for name in ("name", "kind", "registration", "website", "description", "contact_email", "contact_phone")},
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            flash(_("The organisation page is saved."), "success")
            return redirect(url_for("meetups.organisation", organisation_id=org.id))
    return render_template("meetups/organisation_edit.html", form=form, organisation=org)


@bp.route("/organisations/<int:organisation_id>/logo/<name>")
def organisation_logo(organisation_id, name):
    org = db.session.get(Organisation, organisation_id) or abort(404)
    path = photos.path_of(org.logo_filename) if org.logo_filename == name else None
    if path is None:
        abort(404)
    return photos.image_response(path, "public, max-age=86400")


@bp.route("/organisations/<int:organisation_id>.ics")
def organisation_feed(organisation_id):
    org = db.session.get(Organisation, organisation_id) or abort(404)
    return _calendar_response(calendars.organisation_feed(org), f"kindred-organisation-{org.id}.ics")


@bp.route("/organisations/awaiting-verification")
@login_required
def organisations_awaiting():
    if not is_admin(current_user):
        abort(403)
    return render_template("meetups/organisations_awaiting.html", organisations=organisations.awaiting_verification())


@bp.route("/organisations/<int:organisation_id>/verify", methods=["GET", "POST"])
@login_required
def verify_organisation(organisation_id):
    if not is_admin(current_user):
        abort(403)
    org = organisations.get_with_members(organisation_id) or abort(404)
    form = VerifyForm()
    if form.validate_on_submit():
        approve = form.decision.data == "verify"
        organisations.verify(current_user, org, approve, form.reason.data or "")
        flash(_("%(name)s is verified. We have emailed its members.", name=org.name) if approve else _("%(name)s is not verified. We have emailed its members.", name=org.name), "success")
        return redirect(url_for("meetups.organisations_awaiting"))
    return render_template("meetups/organisation_verify.html", organisation=org, form=form)
