"""Acting on a safety screening (services.safety.screen decides; record_screening acts), and the new-member
hold: one policy (hold_reason) for forum posts and chat messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from flask import current_app

from app import facts
from app.extensions import db
from app.models import ReportReason
from app.models.types import utcnow
from app.permissions import can_moderate, is_verified_partner
from app.services import safety
from app.services.moderation.cases import hold_for_approval, report_automatically, send_safety_alerts
from app.services.moderation.kinds import _content_id
from app.text import contains_link


# ---- Acting on a safety screening, once (services.safety.screen decides; this acts) --------------


def record_screening(screened: safety.Screened, content_type: str, obj, *, author_id: int | None) -> None:
    """Open the moderation case a screened piece of writing needs. Call after flushing the content and
    before the commit; the safety alert is emailed after the commit (never for a rolled-back change)."""
    if screened.blocked:
        return
    if screened.held:
        hold_for_approval(content_type, obj, screened.held_because, author_id=author_id)
    for kind, reason in ((safety.SCAM, ReportReason.SCAM), (safety.PERSONAL, ReportReason.PERSONAL_DETAILS), (safety.CRISIS, ReportReason.SAFETY)):
        if kind in screened.kinds:
            why = "; ".join(screened.by_kind.get(kind, [])) or safety.KIND_WORDS[kind]
            report_automatically(content_type, obj, reason, safety.clip(why), author_id=author_id)
    if safety.CRISIS in screened.kinds:
        db.session.flush()
        send_safety_alerts(content_type, _content_id(content_type, obj))


# ---- The new-member hold: one policy for forum posts and chat messages ------------------------
#
# Until a member is known, some of what they write waits for a volunteer before others see it
# (it is kept, and they see it themselves). One function decides, from one rule per place, so the
# forums and chat cannot drift apart; the numbers are settings (config.py). The places differ on
# purpose: a forum post stays for years, so a member's first posts wait whatever they say; chat is
# a conversation, so only links wait, for a week and until a few messages have been seen.


@dataclass(frozen=True)
class HoldRule:
    published: Callable[[Any], int]  # how many of the member's pieces others have seen here
    first_held: str | None  # setting: how many first pieces wait whatever they say (None: none)
    links_trusted_after: str  # setting: links wait until this many pieces are published
    first_reason: str = ""  # the case summary, for volunteers (English, as the staff log is)
    link_reason: str = ""
    links_wait_while_joined_recently: bool = False  # setting CHAT_NEW_MEMBER_DAYS
    partners_trusted: bool = True  # verified partners are trusted like moderators


HOLD_RULES = {
    "forum": HoldRule(
        published=facts.approved_post_count, first_held="MODERATION_FIRST_POSTS_HELD",
        links_trusted_after="MODERATION_LINK_TRUSTED_AFTER",
        first_reason="A new member's first {count} posts wait for approval",
        link_reason="A link from a member with fewer than {count} approved posts",
    ),
    "chat": HoldRule(
        published=facts.seen_message_count, first_held=None, links_trusted_after="CHAT_TRUSTED_AFTER_MESSAGES",
        link_reason="A link from a new member", links_wait_while_joined_recently=True, partners_trusted=False,
    ),
}

# The defaults when a setting is missing (config.py sets them all).
_HOLD_DEFAULTS = {"MODERATION_FIRST_POSTS_HELD": 2, "MODERATION_LINK_TRUSTED_AFTER": 5, "CHAT_TRUSTED_AFTER_MESSAGES": 3}


def joined_recently(user) -> bool:
    """Joined in the last CHAT_NEW_MEMBER_DAYS days: chat holds their links and sends them slower."""
    return user.created_at > utcnow() - timedelta(days=current_app.config["CHAT_NEW_MEMBER_DAYS"])


def hold_reason(author, text_to_check: str, place: str) -> str | None:
    """Why this new member's writing waits for a volunteer before others see it, or None.
    place is "forum" or "chat" (HOLD_RULES). Moderators are always trusted. The published count
    is asked for only when it matters (chat: only for a link), as this runs on every send."""
    rule = HOLD_RULES[place]
    if can_moderate(author) or (rule.partners_trusted and is_verified_partner(author)):
        return None
    config = current_app.config
    published = None
    if rule.first_held is not None:
        first = config.get(rule.first_held, _HOLD_DEFAULTS[rule.first_held])
        published = rule.published(author)
        if published < first:
            return rule.first_reason.format(count=first)
    if not contains_link(text_to_check):
        return None
    if rule.links_wait_while_joined_recently and joined_recently(author):
        return rule.link_reason
    trusted_after = config.get(rule.links_trusted_after, _HOLD_DEFAULTS[rule.links_trusted_after])
    if published is None:
        published = rule.published(author)
    if published < trusted_after:
        return rule.link_reason.format(count=trusted_after)
    return None
