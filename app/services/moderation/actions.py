"""Acting on a case: the action pages, deciding a case (act, each action with a reason for the member),
telling the people concerned, and escalating to a safeguarding lead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import formatting
from app.extensions import db
from app.facts import forget_cached_sanctions
from app.models import Case, CaseStatus, Outcome, Sanction, SanctionKind, Urgency, User
from app.models.types import utcnow
from app.services import audit, email, safety_feedback
from app.services.errors import Conflict, Invalid, NotFound, ServiceError
from app.services.moderation.common import MAX_REASON, admins
from app.services.moderation.kinds import ContentKind, kind_of
from app.services.moderation.review import (
    FURTHER_ACTIONS,
    _check_may_act,
    _free_for,
    further_actions,
    _handled_sentence,
    may_act_further,
)
from app.services.moderation.sanctions import until_for
from app.services.notifications import notify, send_after_commit


ACTION_WORDS = {
    # outcome: (what the member is told happened, audit action)
    Outcome.DISMISS: ("a volunteer looked at it and decided it can stay", "dismiss_report"),
    Outcome.APPROVE: ("a volunteer checked it and it is now published", "approve_content"),
    Outcome.HIDE: ("a volunteer hid it", "hide_content"),
    Outcome.RESTORE: ("a volunteer put it back", "restore_content"),
    Outcome.EDIT: ("a volunteer edited it", "edit_content"),
    Outcome.DELETE: ("a volunteer deleted it", "delete_content"),
    Outcome.WARN: ("a volunteer sent its author a warning", "warn_member"),
    Outcome.SILENCE: ("a volunteer paused its author's posting", "silence_member"),
    Outcome.SUSPEND: ("a volunteer suspended its author's account", "suspend_member"),
}


# What each action is called on buttons and pages: (page heading, button, needs a confirmation page).
ACTIONS = {
    "approve": (_l("Approve and publish it"), _l("Approve and publish this %(noun)s"), False),
    "dismiss": (_l("Dismiss the report"), _l("Dismiss the report and keep this %(noun)s"), False),
    "hide": (_l("Hide it"), _l("Hide this %(noun)s"), False),
    "restore": (_l("Put it back"), _l("Put this %(noun)s back"), False),
    "edit": (_l("Edit it, with a note"), _l("Save the edit to this %(noun)s"), False),
    "delete": (_l("Delete it"), _l("Yes, delete this %(noun)s"), True),
    "warn": (_l("Send a warning"), _l("Send the warning to %(author)s"), False),
    "silence": (_l("Pause their posting (read-only)"), _l("Yes, pause %(author)s's posting until %(until)s"), True),
    "suspend": (_l("Suspend their account"), _l("Yes, suspend %(author)s until %(until)s"), True),
    "escalate": (_l("Pass to a safeguarding lead"), _l("Pass this case to a safeguarding lead"), False),
}


@dataclass
class ActionPage:
    """What the page for one action on one case shows."""
    case: Case
    action: str
    kind: ContentKind
    obj: Any
    author: User | None
    heading: str
    button: str
    needs_confirming: bool
    until: datetime | None

    @property
    def edit_text(self) -> str:
        """What the edit box starts with: the text as moderators read it (a meet-up's description)."""
        return self.kind.case_text(self.case, self.obj) if self.case.content_type != "meetup" else self.obj.description


def action_page(moderator, case: Case, action: str, days=None) -> ActionPage:
    """The page for an action. NotFound for an unknown action, or for the moderator's own case."""
    if action not in ACTIONS or case.author_id == moderator.id:
        raise NotFound(_("We cannot find that."))
    kind = kind_of(case.content_type)
    author = db.session.get(User, case.author_id) if case.author_id else None
    heading, button, needs_confirming = ACTIONS[action]
    until = None
    if action in ("silence", "suspend"):
        try:
            until = until_for(days or "7")
        except ServiceError:
            until = None
    words = {"noun": _(kind.noun), "author": author.display_name if author else _("the author"),
             "until": formatting.full_date_time(until) if until else ""}
    return ActionPage(case=case, action=action, kind=kind, obj=kind.load(case.content_id), author=author,
                      heading=str(heading), button=str(button) % words, needs_confirming=needs_confirming, until=until)


@dataclass
class ActionTaken:
    sentence: str  # for the moderator
    further: bool  # more they may do on the same case (the case page's "further" section)


def take_action(moderator, case: Case, action: str, reason: str, *, days=None, new_text: str = "",
                also_hide: bool = False) -> ActionTaken:
    """Escalate, or decide the case with act(); what the moderator is told, and whether more is open to them."""
    if action == "escalate":
        escalate(moderator, case, reason)
        return ActionTaken(_("A safeguarding lead has been emailed and the case is at the top of their queue."), False)
    act(moderator, case, action, reason, days=days, new_text=new_text, also_hide=also_hide)
    heading = ACTIONS[action][0]
    further = bool(further_actions(moderator, case, kind_of(case.content_type).load(case.content_id)))
    return ActionTaken(_("Done: %(action)s. The member has been told, with your reason.", action=str(heading).lower()), further)


def act(moderator, case: Case, outcome, reason: str, *, days: int | None = None, new_text: str = "", also_hide: bool = False) -> Case:
    """Decide a case. The reason is written for the member and is shown to them. Exactly one
    moderator's decision counts: the case is resolved by a conditional UPDATE first."""
    outcome = Outcome(outcome)
    _check_may_act(moderator, case)
    reason = (reason or "").strip()
    if not reason and outcome not in (Outcome.APPROVE, Outcome.DISMISS, Outcome.RESTORE):
        raise Invalid(_("Write the reason. The member will read it, so keep it kind and clear."), field="reason")
    if len(reason) > MAX_REASON:
        raise Invalid(_("Please keep the reason to %(limit)s characters or fewer.", limit=f"{MAX_REASON:,}"), field="reason")
    kind = kind_of(case.content_type)
    obj = kind.load(case.content_id)
    if obj is None and outcome not in (Outcome.DISMISS,):
        raise NotFound(_("The content has gone (its author may have deleted it). You can dismiss this case."))
    until = until_for(days) if outcome in (Outcome.SILENCE, Outcome.SUSPEND) else None
    author = db.session.get(User, case.author_id) if case.author_id else None
    if outcome in (Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND) and author is None:
        raise Invalid(_("This content has no author now, so there is nobody to warn or pause."))
    now = utcnow()
    further = case.status == CaseStatus.RESOLVED
    if further:  # a further action on a case this volunteer decided (hide, then warn)
        if outcome.value not in FURTHER_ACTIONS or not may_act_further(moderator, case):
            raise Conflict(_handled_sentence(case))
        condition = sa.and_(Case.status == CaseStatus.RESOLVED, Case.resolved_by_id == case.resolved_by_id)
        values = {"outcome": outcome, "outcome_reason": reason, "resolved_at": now}
    else:
        condition = _free_for(moderator, now)
        values = {"status": CaseStatus.RESOLVED, "resolved_by_id": moderator.id, "resolved_at": now, "outcome": outcome,
                  "outcome_reason": reason, "claimed_by_id": moderator.id,
                  "claimed_at": sa.func.coalesce(Case.claimed_at, now)}
    result = db.session.execute(
        sa.update(Case).where(Case.id == case.id, condition).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_handled_sentence(case))
    db.session.refresh(case)
    if obj is not None:
        safety_feedback.keep_decision(case, kind.text(obj), moderator)  # before _apply changes the text
    _apply(outcome, kind, obj, case, moderator, reason, new_text, also_hide, further)
    if outcome in (Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND):
        sanction_kind = {Outcome.WARN: SanctionKind.WARNING, Outcome.SILENCE: SanctionKind.SILENCE, Outcome.SUSPEND: SanctionKind.SUSPEND}[outcome]
        db.session.add(Sanction(member_id=author.id, kind=sanction_kind, case_id=case.id, reason=reason, by_id=moderator.id, until=until))
        if until is not None and (author.restricted_until is None or author.restricted_until < until):
            author.restricted_until = until
        forget_cached_sanctions()
    audit_reason = reason or ACTION_WORDS[outcome][0]
    if until:
        audit_reason += f" (until {formatting.full_date_time(until)})"
    audit.record(moderator, ACTION_WORDS[outcome][1], case, f"{case.content_type} {case.content_id}: {audit_reason}")
    _tell_people(case, kind, obj, outcome, reason, until, author, tell_reporters=not further)
    db.session.commit()
    return case


def _apply(outcome, kind, obj, case, moderator, reason, new_text, also_hide, further=False):
    if outcome == Outcome.DISMISS:
        if obj is not None and (case.hidden_by_reports or case.held_for_approval) and kind.is_hidden(obj):
            kind.restore(obj, moderator)  # hidden by reports or held: dismissing puts it back
    elif outcome in (Outcome.APPROVE, Outcome.RESTORE):
        kind.restore(obj, moderator)
    elif outcome == Outcome.HIDE:
        kind.hide(obj, reason, moderator)
    elif outcome == Outcome.DELETE:
        kind.delete(obj, moderator)
    elif outcome == Outcome.EDIT:
        kind.edit(obj, new_text, moderator, reason)
    elif outcome in (Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND):
        if also_hide:
            kind.hide(obj, reason, moderator)
        elif case.held_for_approval and kind.is_hidden(obj):
            pass  # a held post stays held: the moderator can decide it separately
        elif case.hidden_by_reports and kind.is_hidden(obj) and not further:
            kind.restore(obj, moderator)  # a further warning never undoes the hiding decided first


def _tell_people(case, kind, obj, outcome, reason, until, author, tell_reporters=True):
    link = url_for("moderation.history")
    what = _l(kind.noun)  # in the reader's language, with the sentence around it
    if author is not None and (outcome != Outcome.DISMISS or case.held_for_approval):
        sentences = {
            Outcome.DISMISS: _l("A volunteer checked your %(what)s and it is now published.", what=what),
            Outcome.APPROVE: _l("A volunteer checked your %(what)s and it is now published.", what=what),
            Outcome.HIDE: _l("A volunteer hid your %(what)s. They said: %(reason)s", what=what, reason=reason),
            Outcome.RESTORE: (_l("A volunteer put your %(what)s back. They said: %(reason)s", what=what, reason=reason) if reason
                              else _l("A volunteer put your %(what)s back.", what=what)),
            Outcome.EDIT: _l("A volunteer edited your %(what)s. They said: %(reason)s", what=what, reason=reason),
            Outcome.DELETE: _l("A volunteer deleted your %(what)s. They said: %(reason)s", what=what, reason=reason),
            Outcome.WARN: _l("A volunteer sent you a warning about your %(what)s: %(reason)s", what=what, reason=reason),
            Outcome.SILENCE: _l("A volunteer paused your posting until %(until)s. They said: %(reason)s", until=formatting.full_date_time(until) if until else '', reason=reason),
            Outcome.SUSPEND: _l("A volunteer suspended your account until %(until)s. They said: %(reason)s", until=formatting.full_date_time(until) if until else '', reason=reason),
        }
        notify(author, "moderation", _l("%(sentence)s You can see this on your Moderation history page, and appeal once.", sentence=sentences[outcome]), link)
    told = set() if tell_reporters else {row.reporter_id for row in case.reports}  # thanked once, at the decision
    for row in case.reports:
        if row.reporter is None or row.reporter_id in told:
            continue
        told.add(row.reporter_id)
        notify(row.reporter, "report_outcome",
               _l("Thank you for your report about a %(what)s: %(outcome)s.", what=what, outcome=_l(ACTION_WORDS[outcome][0])), url_for("moderation.my_reports"))


def escalate(moderator, case: Case, reason: str) -> Case:
    """Pass a case to the safeguarding leads (the admins): it becomes a safety case and they are emailed."""
    _check_may_act(moderator, case)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why you are passing this to a safeguarding lead."), field="reason")
    now = utcnow()
    result = db.session.execute(
        sa.update(Case).where(Case.id == case.id, _free_for(moderator, now))
        .values(escalated=True, escalated_at=now, urgency=Urgency.SAFETY, status=CaseStatus.OPEN, claimed_by_id=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_handled_sentence(case))
    audit.record(moderator, "escalate", case, reason)
    db.session.refresh(case)
    link = url_for("moderation.case", case_id=case.id, _external=True)
    for admin in admins():
        send_after_commit(email.render_email(
            admin.email, _l("A volunteer has asked a safeguarding lead to look at a case"), "moderation/escalated",
            user=admin, case=case, link=link, moderator=moderator, reason=reason))
    db.session.commit()
    return case
