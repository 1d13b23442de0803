"""Moderation and safeguarding: reports about any kind of content, the review queue, claiming a case,
the actions (each with a reason for the member), sanctions, appeals, and reminders about late cases.

Callers write `from app.services import moderation` and `moderation.report(...)`; this package
re-exports what they use. Where things are:

- kinds: the content registry (ContentKind, register, kind_of, content_for). Content is pointed at
  generically (content_type, content_id), and each feature registers the kinds it owns, so
  moderation never imports a feature.
- cases: opening the one unresolved case per piece of content (held for approval, reported
  automatically) and the safety alerts to the admins.
- screening: record_screening (acting on services.safety.screen) and the new-member hold
  (hold_reason, joined_recently).
- reports: a member's report, what reports do on their own (reporter_weight), my_reports.
- review: the queue, who may act, claiming and releasing a case, reminders about late cases.
- actions: the action pages, act and take_action, escalating to a safeguarding lead.
- sanctions: how long a pause lasts, ensure_can_participate, lifting a sanction.
- appeals: appeals and a member's moderation history.
- admin: the staff action log and moderator powers.
- common: what several of them share (OVERDUE, MAX_REASON, admins).

Who is paused or suspended is a fact (app.facts), re-exported here for the routes and templates.
"""
from app.facts import forget_cached_sanctions, silence_of, suspension_of
from app.facts import not_silenced as can_participate  # one rule: permissions.can_participate
from app.services.moderation.actions import ACTION_WORDS, ACTIONS, act, action_page, take_action
from app.services.moderation.admin import LOG_KEY, log_actions, log_entries, set_moderator, staff, volunteers
from app.services.moderation.appeals import (
    appeal,
    decide_appeal,
    history_for,
    may_appeal,
    may_decide_appeal,
    waiting_appeals,
)
from app.services.moderation.cases import hold_for_approval, report_automatically, send_safety_alerts
from app.services.moderation.common import OVERDUE
from app.services.moderation.kinds import CONTENT_KINDS, ContentKind, content_for, kind_of, register
from app.services.moderation.reports import my_reports, report, reporter_weight
from app.services.moderation.review import (
    CLAIM_MINUTES,
    author_history,
    claim,
    claim_lapsed,
    due_at,
    further_actions,
    get_case,
    is_overdue,
    may_act,
    queue,
    release,
    send_overdue_reminders,
)
from app.services.moderation.sanctions import (
    DURATIONS,
    ensure_can_participate,
    lift_sanction,
    sanctions_of,
    until_words,
)
from app.services.moderation.screening import hold_reason, joined_recently, record_screening

__all__ = [
    "ACTION_WORDS", "ACTIONS", "CLAIM_MINUTES", "CONTENT_KINDS", "DURATIONS", "OVERDUE", "ContentKind", "act",
    "action_page", "appeal", "author_history", "can_participate", "claim", "claim_lapsed", "content_for",
    "decide_appeal", "due_at", "ensure_can_participate", "forget_cached_sanctions", "further_actions",
    "get_case", "history_for", "hold_for_approval", "hold_reason", "is_overdue", "joined_recently", "kind_of",
    "LOG_KEY", "lift_sanction", "log_actions", "log_entries", "may_act", "may_appeal", "may_decide_appeal", "my_reports",
    "queue", "record_screening", "register", "release", "report", "report_automatically", "reporter_weight",
    "sanctions_of", "send_overdue_reminders", "send_safety_alerts", "set_moderator", "silence_of", "staff",
    "suspension_of", "take_action", "until_words", "volunteers", "waiting_appeals",
]
