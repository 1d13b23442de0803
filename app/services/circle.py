"""The circle of support: a person living with dementia and the carers they agreed to.

A link needs both people's agreement (whoever asks, the other accepts) and either can end it at
any time alone. While linked, a carer can see the person's notifications and, where a feature
allows it, act for them; every such action is recorded for the person to read. There is no way
to post, message or change settings as the person: nothing here signs a carer in as anyone."""
import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.facts import acting_for, circle_link as _link  # noqa: F401
from app.models import CircleLink, CircleStatus, OnBehalfAction, Role, User
from app.models.types import utcnow
from app.services import blocking, notifications
from app.services.errors import Invalid, NotAllowed, NotFound


def can_have_circle(user: User) -> bool:
    return user.role == Role.LIVING_WITH_DEMENTIA


def link_between(a: User, b: User) -> CircleLink | None:
    """The link between two members, whichever of them is the person."""
    return db.session.scalar(
        sa.select(CircleLink).where(
            sa.or_(
                sa.and_(CircleLink.person_id == a.id, CircleLink.carer_id == b.id),
                sa.and_(CircleLink.person_id == b.id, CircleLink.carer_id == a.id),
            )
        )
    )


def _propose(person: User, carer: User, asker: User) -> CircleLink | None:
    if not can_have_circle(person):
        raise Invalid(_("Only a member living with dementia can have a circle of support, and %(name)s has not joined as one.", name=person.display_name))
    if person.id == carer.id:
        raise Invalid(_("You cannot be in your own circle of support."))
    other = carer if asker.id == person.id else person
    if other.is_closing:
        raise NotFound(_("We cannot find that member."))
    if blocking.is_blocked(asker, other):
        raise NotAllowed(_("You have blocked %(name)s. Unblock them first.", name=other.display_name))
    existing = _link(person, carer)
    if existing is not None:
        if existing.status == CircleStatus.ACTIVE:
            raise Invalid(_("%(carer)s is already in %(person)s's circle of support.", carer=carer.display_name, person=person.display_name)
                          if asker.id != person.id else _("%(name)s is already in your circle of support.", name=carer.display_name))
        if existing.awaits(asker):
            return accept(asker, existing)
        return existing
    link = CircleLink(person_id=person.id, carer_id=carer.id, requested_by_id=asker.id)
    db.session.add(link)
    if not blocking.is_blocked(other, asker):
        # A blocked asker's request goes nowhere, and they are not told.
        if asker.id == person.id:
            message = _l("%(name)s has invited you into their circle of support.", name=person.display_name)
        else:
            message = _l("%(name)s has asked to join your circle of support.", name=carer.display_name)
        notifications.notify(other, "circle_request", message, url_for("circle.index"), actor=asker)
    db.session.commit()
    return link


def invite(person: User, carer: User) -> CircleLink | None:
    """The person living with dementia invites someone in. The carer must accept."""
    return _propose(person, carer, asker=person)


def ask_to_join(carer: User, person: User) -> CircleLink | None:
    """A carer asks to join. The person must agree."""
    return _propose(person, carer, asker=carer)


def get_for(user: User, link_id: int) -> CircleLink:
    link = db.session.get(CircleLink, link_id)
    if link is None or user.id not in (link.person_id, link.carer_id):
        raise NotFound(_("We cannot find that link. It may have ended already."))
    return link


def accept(user: User, link: CircleLink) -> CircleLink:
    if not link.awaits(user) or blocking.is_blocked(user, link.other(user)):
        raise NotAllowed(_("There is nothing waiting for you to agree to here."))
    link.status = CircleStatus.ACTIVE
    link.started_at = utcnow()
    asker = link.other(user)
    if user.id == link.person_id:
        message = _l("%(name)s agreed: you are now in their circle of support.", name=user.display_name)
    else:
        message = _l("%(name)s agreed: they are now in your circle of support.", name=user.display_name)
    notifications.notify(asker, "circle_started", message, url_for("circle.index"), actor=user)
    db.session.commit()
    return link


def decline(user: User, link: CircleLink) -> None:
    if not link.awaits(user):
        raise NotAllowed(_("There is nothing waiting for you to agree to here."))
    db.session.delete(link)
    db.session.commit()


def end(user: User, link: CircleLink) -> None:
    """Either person ends the link (or withdraws a request) at any time, without the other's agreement."""
    if user.id not in (link.person_id, link.carer_id):
        raise NotAllowed(_("You are not part of that circle of support."))
    was_active = link.status == CircleStatus.ACTIVE
    other = link.other(user)
    db.session.delete(link)
    if was_active:
        notifications.notify(
            other, "circle_ended", _l("%(name)s ended the circle of support link between you.", name=user.display_name),
            url_for("circle.index"), actor=user,
        )
    db.session.commit()


def record_on_behalf(carer: User, person: User, action: str, description: str) -> OnBehalfAction:
    """Record something `carer` did for `person`, and tell the person. Call it inside the service that
    does the action, before that service commits, so the action and its record are saved together."""
    if not acting_for(carer, person):
        raise NotAllowed(_("You can only do this for %(name)s while you are in their circle of support.", name=person.display_name))
    entry = OnBehalfAction(person_id=person.id, carer_id=carer.id, action=action, description=description)
    db.session.add(entry)
    notifications.notify(
        person, "on_behalf", _l("%(name)s did this for you: %(description)s", name=carer.display_name, description=description),
        url_for("circle.index"), actor=carer,
    )
    return entry


def set_reminder_copies(carer: User, link: CircleLink, wanted: bool) -> None:
    """A carer chooses whether to get a copy of the person's meet-up reminders."""
    if link.carer_id != carer.id or link.status != CircleStatus.ACTIVE:
        raise NotAllowed(_("Only a carer in the circle of support can choose this."))
    link.carer_gets_reminders = wanted
    db.session.commit()


def people_supported_by(carer: User) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(CircleLink, CircleLink.person_id == User.id)
            .where(CircleLink.carer_id == carer.id, CircleLink.status == CircleStatus.ACTIVE)
            .order_by(User.display_name)
        )
    )


def carers_wanting_reminders(person: User) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(CircleLink, CircleLink.carer_id == User.id)
            .where(
                CircleLink.person_id == person.id,
                CircleLink.status == CircleStatus.ACTIVE,
                CircleLink.carer_gets_reminders.is_(True),
            )
        )
    )


def overview(user: User) -> dict:
    """What the /circle page shows: links as the person and as a carer, each split by status."""
    links = db.session.scalars(
        sa.select(CircleLink)
        .where(sa.or_(CircleLink.person_id == user.id, CircleLink.carer_id == user.id))
        .options(joinedload(CircleLink.person), joinedload(CircleLink.carer))
        .order_by(CircleLink.created_at, CircleLink.id)
    ).all()
    hidden = blocking.blocked_ids(user)
    links = [link for link in links if not link.other(user).is_closing and not (link.awaits(user) and link.other(user).id in hidden)]
    return {
        "my_carers": [link for link in links if link.person_id == user.id and link.status == CircleStatus.ACTIVE],
        "supporting": [link for link in links if link.carer_id == user.id and link.status == CircleStatus.ACTIVE],
        "waiting_for_me": [link for link in links if link.awaits(user)],
        "waiting_for_them": [link for link in links if link.status == CircleStatus.PENDING and link.requested_by_id == user.id],
    }


def on_behalf_record(person: User, limit: int = 50) -> list[OnBehalfAction]:
    return list(
        db.session.scalars(
            sa.select(OnBehalfAction)
            .where(OnBehalfAction.person_id == person.id)
            .options(joinedload(OnBehalfAction.carer))
            .order_by(OnBehalfAction.created_at.desc(), OnBehalfAction.id.desc())
            .limit(limit)
        )
    )
