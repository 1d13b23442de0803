"""Routes for wellbeing check-ins. Each answer is kept as soon as it is given."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.checkins import bp
from app.checkins.forms import AnswerForm, ChoiceForm
from app.forms import add_service_error
from app.services import checkins
from app.services.errors import Invalid, ServiceError


@bp.route("")
@login_required
def index():
    return render_template(
        "checkins/index.html", form=ChoiceForm(), wants=checkins.wants_checkins(current_user),
        due=checkins.is_due(current_user), carrying_on=checkins.unfinished(current_user) is not None,
        next_due=checkins.next_due(current_user), trend=checkins.trend_words(current_user),
    )


@bp.route("/choice", methods=["POST"])
@login_required
def choose():
    if ChoiceForm().validate_on_submit():
        wanted = request.form.get("wanted") == "yes"
        checkins.choose(current_user, wanted)
        flash(_("Thank you. We will offer you a check-in every few weeks.") if wanted
              else _("We will not ask you any more check-in questions."), "success")
    return redirect(url_for("checkins.index"))


@bp.route("/start", methods=["POST"])
@login_required
def start():
    if not ChoiceForm().validate_on_submit():
        return redirect(url_for("checkins.index"))
    try:
        checkins.start(current_user)
    except ServiceError as error:
        flash(error.message, "info")
        return redirect(url_for("checkins.index"))
    return redirect(url_for("checkins.question", number=1))


@bp.route("/question/<int:number>", methods=["GET", "POST"])
@login_required
def question(number):
    try:
        asked = checkins.question(number)
    except Invalid:
        abort(404)
    current = checkins.unfinished(current_user)
    if current is None or checkins.in_open_safety_case(current_user):
        return redirect(url_for("checkins.index"))
    form = AnswerForm()
    form.answer.label.text = _("Your answer")
    form.answer.choices = list(asked.choices)
    if request.method == "GET":
        form.answer.data = getattr(current, asked.field)
    elif form.validate_on_submit():
        skipped = "skip" in request.form
        if not skipped and form.answer.data is None:
            add_service_error(form, Invalid(_("Choose an answer, or skip this question."), field="answer"))
        else:
            try:
                last = checkins.answer(current_user, number, None if skipped else form.answer.data)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                if last:
                    flash(_("Thank you for answering. Your answers help us know if Kindred helps."), "success")
                    return redirect(url_for("checkins.index"))
                return redirect(url_for("checkins.question", number=number + 1))
    elif form.answer.errors:  # something that is not one of the answers (a hand-made request)
        form.answer.errors = [_("Choose one of the answers, or skip this question.")]
    return render_template("checkins/question.html", form=form, asked=asked, number=number, total=len(checkins.QUESTIONS))
