"""Reactions (thank you, a hug, me too): their words, giving and taking one back, who reacted, and the
gathered notification to the author.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _, lazy_gettext as _l, lazy_ngettext
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Post, Reaction, ReactionKind, User
from app.permissions import can_read_category, is_member
from app.services import blocking, moderation, notifications
from app.services.errors import NotAllowed
from app.services.forums.telling import post_link

REACTION_WORDS = {
    # kind: (button, undo button)
    ReactionKind.THANK_YOU: (_l("Say thank you"), _l("Take back your thank you")),
    ReactionKind.HUG: (_l("Send a hug"), _l("Take back your hug")),
    ReactionKind.ME_TOO: (_l("Say me too"), _l("Take back your me too")),
}
REACTION_NAMES = {ReactionKind.THANK_YOU: _l("Thank you"), ReactionKind.HUG: _l("Sending a hug"), ReactionKind.ME_TOO: _l("Me too")}
# What the member is told after pressing a reaction: (given, taken back).
REACTION_DONE = {
    ReactionKind.THANK_YOU: (_l("You said thank you."), _l("You took back your thank you.")),
    ReactionKind.HUG: (_l("You sent a hug."), _l("You took back your hug.")),
    ReactionKind.ME_TOO: (_l("You said “me too”."), _l("You took back your “me too”.")),
}


def reaction_sentence(kind: ReactionKind, count: int):
    """'1 person said thank you', '3 people sent a hug'. Lazy: a notification turns it into the
    reader's language, a page into the page's. One whole sentence per kind, so it translates."""
    number = f"{count:,}"
    if kind == ReactionKind.THANK_YOU:
        return lazy_ngettext("%(number)s person said thank you", "%(number)s people said thank you", count, number=number)
    if kind == ReactionKind.HUG:
        return lazy_ngettext("%(number)s person sent a hug", "%(number)s people sent a hug", count, number=number)
    return lazy_ngettext("%(number)s person said me too", "%(number)s people said me too", count, number=number)


def reactions_for(post: Post) -> dict[ReactionKind, list[str]]:
    """Who reacted, by kind: names in the order they reacted."""
    result = {kind: [] for kind in ReactionKind}
    for kind, name in db.session.execute(
        sa.select(Reaction.kind, User.display_name)
        .join(User, User.id == Reaction.user_id)
        .where(Reaction.post_id == post.id)
        .order_by(Reaction.created_at, Reaction.id)
    ):
        result[kind].append(name)
    return result


def react(member, post: Post, kind: ReactionKind | str) -> bool:
    """Give or take back a reaction. Returns True when it is now given. One of each kind per member."""
    kind = ReactionKind(kind)
    if not is_member(member) or not can_read_category(member, post.thread.category):
        raise NotAllowed(_("Please sign in to react to posts."))
    moderation.ensure_can_participate(member)
    existing = db.session.scalar(
        sa.select(Reaction).where(Reaction.post_id == post.id, Reaction.user_id == member.id, Reaction.kind == kind)
    )
    if existing is not None:
        db.session.delete(existing)
        db.session.commit()
        return False
    db.session.add(Reaction(post_id=post.id, user_id=member.id, kind=kind))
    try:
        db.session.flush()
    except IntegrityError:  # pressed twice at once: it is given either way
        db.session.rollback()
        return True
    _tell_about_reaction(member, post, kind)
    db.session.commit()
    return True


def _tell_about_reaction(member: User, post: Post, kind: ReactionKind) -> None:
    """Gathered: one unread notification per post and kind, updated in place ("3 people sent a hug")."""
    author = post.author
    if author is None or author.id == member.id or author.deleted_at is not None:
        return
    if member.id in blocking.blocked_ids(author):
        return
    count = db.session.scalar(
        sa.select(sa.func.count(Reaction.id)).where(Reaction.post_id == post.id, Reaction.kind == kind, Reaction.user_id != author.id)
    ) or 1
    notifications.notify(
        author, "forum_reaction",
        _l("%(reactions)s on your post in “%(title)s”.", reactions=reaction_sentence(kind, count), title=post.thread.title),
        post_link(post), group_key=f"reaction:{post.id}:{kind.value}",
    )
