"""Moderators' decisions teach the safety checks: when a case raised by an automatic flag is decided,
the text, the flagged kinds and whether the moderator agreed are kept (erased with the writer's
account; in their data download), and `flask safety train --with-decisions` can learn from them."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Outcome, ReportReason, SafetyDecision
from app.services import my_data
from app.services.safety_model import Labelled

_KIND_OF_REASON = {ReportReason.SCAM: "scam", ReportReason.PERSONAL_DETAILS: "personal_details", ReportReason.SAFETY: "crisis"}
# Agreeing with the flag: the moderator acted on the content or its writer.
CONFIRMING = {Outcome.HIDE, Outcome.DELETE, Outcome.EDIT, Outcome.WARN, Outcome.SILENCE, Outcome.SUSPEND}
DISMISSING = {Outcome.DISMISS, Outcome.APPROVE, Outcome.RESTORE}


def keep_decision(case, text: str, moderator) -> SafetyDecision | None:
    """Called as a case is decided (before the commit). Only automatic flags are kept."""
    kinds = sorted({_KIND_OF_REASON[r.reason] for r in case.reports if r.reporter_id is None and r.reason in _KIND_OF_REASON})
    if not kinds or not (text or "").strip() or case.outcome not in CONFIRMING | DISMISSING:
        return None
    # Crisis is a worry about the writer, not wrongdoing: approving a post with words of crisis
    # does not say the words were not words of crisis, so only scam and personal details learn from it.
    if case.outcome in DISMISSING and kinds == ["crisis"]:
        return None
    row = SafetyDecision(author_id=case.author_id, case_id=case.id, text=text, kinds=",".join(kinds),
                         confirmed=case.outcome in CONFIRMING, decided_by_id=moderator.id)
    db.session.add(row)
    return row


def as_labelled() -> list[Labelled]:
    """The decisions as training rows: confirmed flags keep their kinds, dismissed ones lose them."""
    rows = []
    for decision in db.session.scalars(sa.select(SafetyDecision).order_by(SafetyDecision.id)):
        flagged = frozenset(decision.kinds.split(","))
        rows.append(Labelled(decision.text, flagged if decision.confirmed else frozenset(flagged & {"crisis"})))
    return rows


@my_data.exporter("safety_decisions", _l("Volunteers' decisions about safety checks on your writing"))
def export_safety_decisions(user) -> list:
    return [{"text": d.text, "flagged_as": d.kinds, "volunteer_agreed": d.confirmed, "when": my_data._when(d.decided_at)}
            for d in db.session.scalars(sa.select(SafetyDecision).where(SafetyDecision.author_id == user.id))]


@my_data.eraser("safety_decisions")
def erase_safety_decisions(user) -> None:
    db.session.execute(sa.delete(SafetyDecision).where(SafetyDecision.author_id == user.id))
