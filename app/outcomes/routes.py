"""The outcomes page, its CSV for funders' spreadsheets; the page itself prints as the report."""
from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from app.forms import add_service_error
from app.outcomes import bp
from app.outcomes.forms import ChooseForm
from app.services import outcomes
from app.services.errors import ServiceError


def _report():
    """(form, report or None): the chosen period and area, or the form with a sentence saying what to fix."""
    if not outcomes.can_see_outcomes(current_user):
        abort(403)
    form = ChooseForm(request.args)
    try:
        period = outcomes.choose_period(request.args.get("first"), request.args.get("last"))
        area = outcomes.choose_area(request.args.get("area"))
        report = outcomes.outcomes(current_user, period, area)
    except ServiceError as error:  # a choice to fix, or a partner whose page is not checked yet
        add_service_error(form, error)
        return form, None
    form.first.data, form.last.data, form.area.data = period.first.key, period.last.key, area.key
    return form, report


@bp.route("")
@login_required
def page():
    form, report = _report()
    return render_template("outcomes/page.html", form=form, report=report, rule=outcomes.RULE_WORDS)


@bp.route("/report.csv")
@login_required
def csv_file():
    form, report = _report()
    if report is None:
        return render_template("outcomes/page.html", form=form, report=None, rule=outcomes.RULE_WORDS), 400
    name = f"kindred-outcomes-{report.period.first.key}-to-{report.period.last.key}.csv"
    return Response(outcomes.as_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
