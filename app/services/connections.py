"""Connections: asking, accepting, declining and removing. The person asked is notified."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.facts import are_connected, connection_between as between, connection_pair as _pair  # noqa: F401
from app.models import Connection, ConnectionStatus, User
from app.models.types import utcnow
from app.services import blocking, notifications
from app.services.errors import Invalid, NotAllowed, NotFound


def connection_ids(user: User) -> set[int]:
    """The ids of everyone `user` is connected with, in one query."""
    rows = db.session.execute(
        sa.select(Connection.requester_id, Connection.addressee_id).where(
            Connection.status == ConnectionStatus.ACCEPTED,
            sa.or_(Connection.requester_id == user.id, Connection.addressee_id == user.id),
        )
    )
    return {addressee if requester == user.id else requester for requester, addressee in rows}


def overview(user: User) -> dict:
    """Everything the /connections page shows, in one query."""
    rows = db.session.scalars(
        sa.select(Connection)
        .where(sa.or_(Connection.requester_id == user.id, Connection.addressee_id == user.id))
        .options(joinedload(Connection.requester), joinedload(Connection.addressee))
        .order_by(Connection.created_at.desc(), Connection.id.desc())
    ).all()
    # Members who asked to delete their account are hidden until they come back.
    rows = [row for row in rows if not row.other(user).is_closing]
    hidden = blocking.blocked_ids(user)  # requests from members they blocked go nowhere
    rows = [row for row in rows if row.status == ConnectionStatus.ACCEPTED or row.other(user).id not in hidden]
    return {
        "connected": sorted((row for row in rows if row.status == ConnectionStatus.ACCEPTED), key=lambda row: row.other(user).display_name.lower()),
        "incoming": [row for row in rows if row.status == ConnectionStatus.PENDING and row.addressee_id == user.id],
        "outgoing": [row for row in rows if row.status == ConnectionStatus.PENDING and row.requester_id == user.id],
    }


def ask(requester: User, addressee: User) -> Connection | None:
    """Ask to connect. If the other person has blocked the asker, the request is kept but goes
    nowhere: nobody is notified and the blocker never sees it, while the asker sees exactly what
    they would see if it were simply unanswered."""
    if requester.id == addressee.id:
        raise Invalid(_("You cannot connect with yourself."))
    if addressee.is_closing:
        raise NotFound(_("We cannot find that member."))
    if blocking.is_blocked(requester, addressee):
        raise NotAllowed(_("You have blocked %(name)s. Unblock them first if you want to connect.", name=addressee.display_name))
    blocked_by_addressee = blocking.is_blocked(addressee, requester)
    existing = between(requester, addressee)
    if existing is not None:
        if existing.status == ConnectionStatus.ACCEPTED:
            raise Invalid(_("You are already connected with %(name)s.", name=addressee.display_name))
        if existing.addressee_id == requester.id and not blocked_by_addressee:
            # They asked first: asking back means yes.
            return accept(requester, existing)
        return existing  # asked already; pressing again changes nothing
    connection = Connection(requester_id=requester.id, addressee_id=addressee.id)
    db.session.add(connection)
    if blocked_by_addressee:
        db.session.commit()
        return connection
    notifications.notify(
        addressee, "connection_request", _l("%(name)s would like to connect with you.", name=requester.display_name),
        url_for("connections.index"), actor=requester,
    )
    db.session.commit()
    return connection


def get_for(user: User, connection_id: int) -> Connection:
    connection = db.session.get(Connection, connection_id)
    if connection is None or user.id not in (connection.requester_id, connection.addressee_id):
        raise NotFound(_("We cannot find that connection. It may have been removed."))
    return connection


def accept(user: User, connection: Connection) -> Connection:
    if connection.addressee_id != user.id or connection.status != ConnectionStatus.PENDING:
        raise NotAllowed(_("There is no request to connect waiting for you here."))
    connection.status = ConnectionStatus.ACCEPTED
    connection.accepted_at = utcnow()
    notifications.notify(
        connection.requester, "connection_accepted", _l("%(name)s said yes: you are now connected.", name=user.display_name),
        url_for("profiles.show", user_id=user.id), actor=user,
    )
    db.session.commit()
    return connection


def decline(user: User, connection: Connection) -> None:
    """Say no. The person who asked is not told: their request simply stays unanswered to them."""
    if connection.addressee_id != user.id or connection.status != ConnectionStatus.PENDING:
        raise NotAllowed(_("There is no request to connect waiting for you here."))
    db.session.delete(connection)
    db.session.commit()


def withdraw(user: User, connection: Connection) -> None:
    if connection.requester_id != user.id or connection.status != ConnectionStatus.PENDING:
        raise NotAllowed(_("There is no request of yours waiting here."))
    db.session.delete(connection)
    db.session.commit()


def remove(user: User, connection: Connection) -> None:
    """End a connection. Either person can, at any time; the other is not notified."""
    if user.id not in (connection.requester_id, connection.addressee_id):
        raise NotAllowed(_("That is not one of your connections."))
    db.session.delete(connection)
    db.session.commit()
