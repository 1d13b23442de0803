"""Blocking (a member stops another from reaching them) and muting (a softer step: their posts are
folded away and they send no notifications). Neither is ever told."""
import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.facts import either_blocked, is_blocked  # noqa: F401 (re-exported: callers use blocking.*)
from app.models import Block, CircleLink, Connection, Mute, User
from app.services.errors import Invalid


def blocked_ids(viewer: User) -> set[int]:
    """Everyone `viewer` has blocked (for collapsing many posts in one query)."""
    return set(db.session.scalars(sa.select(Block.blocked_id).where(Block.blocker_id == viewer.id)))


def blocked_by_ids(member: User) -> set[int]:
    """Everyone who has blocked `member`. Used only to decide what `member` may see; never shown."""
    return set(db.session.scalars(sa.select(Block.blocker_id).where(Block.blocked_id == member.id)))


def blocked_members(viewer: User) -> list[Block]:
    return list(
        db.session.scalars(
            sa.select(Block).where(Block.blocker_id == viewer.id).options(sa.orm.joinedload(Block.blocked)).order_by(Block.created_at.desc(), Block.id.desc())
        )
    )


def block(blocker: User, blocked: User) -> None:
    """Block a member. Any connection or circle of support link between them ends, quietly."""
    if blocker.id == blocked.id:
        raise Invalid(_("You cannot block yourself."))
    if is_blocked(blocker, blocked):
        return
    db.session.add(Block(blocker_id=blocker.id, blocked_id=blocked.id))
    pair = sa.or_(
        sa.and_(Connection.requester_id == blocker.id, Connection.addressee_id == blocked.id),
        sa.and_(Connection.requester_id == blocked.id, Connection.addressee_id == blocker.id),
    )
    db.session.execute(sa.delete(Connection).where(pair))
    link_pair = sa.or_(
        sa.and_(CircleLink.person_id == blocker.id, CircleLink.carer_id == blocked.id),
        sa.and_(CircleLink.person_id == blocked.id, CircleLink.carer_id == blocker.id),
    )
    db.session.execute(sa.delete(CircleLink).where(link_pair))
    db.session.commit()


def unblock(blocker: User, blocked: User) -> None:
    db.session.execute(sa.delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == blocked.id))
    # Requests they sent while blocked went nowhere; they do not appear now either.
    db.session.execute(
        sa.delete(Connection).where(Connection.requester_id == blocked.id, Connection.addressee_id == blocker.id)
    )
    db.session.commit()


def is_muted(viewer: User | None, author: User | None) -> bool:
    if viewer is None or author is None or not getattr(viewer, "is_authenticated", False):
        return False
    return db.session.scalar(
        sa.select(sa.literal(True)).where(Mute.muter_id == viewer.id, Mute.muted_id == author.id)
    ) is not None


def muted_ids(viewer: User) -> set[int]:
    return set(db.session.scalars(sa.select(Mute.muted_id).where(Mute.muter_id == viewer.id)))


def hidden_author_columns(viewer_id) -> list:
    """(column, condition) pairs that select the members the viewer (`viewer_id`: their id, or a
    bound parameter standing for it) blocked or muted, for queries that gather them along with
    other things."""
    return [(Block.blocked_id, Block.blocker_id == viewer_id), (Mute.muted_id, Mute.muter_id == viewer_id)]


def hidden_author_ids(viewer: User) -> set[int]:
    """Authors whose posts are folded away for `viewer`: blocked or muted (one query)."""
    return set(db.session.scalars(sa.union(*[
        sa.select(column.label("member_id")).where(condition) for column, condition in hidden_author_columns(viewer.id)
    ])))


def wants_nothing_from(recipient: User, actor: User | None) -> bool:
    """Should a notification caused by `actor` be dropped for `recipient`? (blocked or muted)"""
    if actor is None or recipient is None:
        return False
    return db.session.scalar(
        sa.select(sa.literal(True)).where(
            sa.or_(
                sa.exists().where(Block.blocker_id == recipient.id, Block.blocked_id == actor.id),
                sa.exists().where(Mute.muter_id == recipient.id, Mute.muted_id == actor.id),
            )
        )
    ) is not None


def muted_members(viewer: User) -> list[Mute]:
    return list(
        db.session.scalars(
            sa.select(Mute).where(Mute.muter_id == viewer.id).options(sa.orm.joinedload(Mute.muted)).order_by(Mute.created_at.desc(), Mute.id.desc())
        )
    )


def mute(muter: User, muted: User) -> None:
    if muter.id == muted.id:
        raise Invalid(_("You cannot mute yourself."))
    if not is_muted(muter, muted):
        db.session.add(Mute(muter_id=muter.id, muted_id=muted.id))
        db.session.commit()


def unmute(muter: User, muted: User) -> None:
    db.session.execute(sa.delete(Mute).where(Mute.muter_id == muter.id, Mute.muted_id == muted.id))
    db.session.commit()
