"""Named permission checks, used alike by routes, templates and socket handlers."""
from app import facts
from app.extensions import db
from app.models import ApprovalStatus, Audience, Meetup, PostStatus, Role, RsvpStatus
from app.models.chat import RoomKind
from app.models.profiles import Visibility


def is_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return is_member(user) and user.is_admin


def can_moderate(user) -> bool:
    """Volunteer moderators (approved by an admin) and admins."""
    return is_member(user) and (user.is_admin or user.is_moderator)


def is_verified_partner(user) -> bool:
    return is_member(user) and user.role == Role.ORGANISATION and user.approval == ApprovalStatus.APPROVED


def is_approved_volunteer(user) -> bool:
    return is_member(user) and user.role == Role.VOLUNTEER and (user.is_moderator or user.approval == ApprovalStatus.APPROVED)


def in_audience(user, audience: Audience) -> bool:
    """Whether a person (member or visitor) belongs to a category audience."""
    if audience == Audience.EVERYONE:
        return True
    if not is_member(user):
        return False
    if audience == Audience.MEMBERS:
        return True
    if audience == Audience.LIVING_WITH_DEMENTIA:
        return user.role == Role.LIVING_WITH_DEMENTIA
    if audience == Audience.CARERS:
        return user.role == Role.CARER
    if audience == Audience.VOLUNTEERS:
        return is_approved_volunteer(user)
    return False


def can_read_category(user, category) -> bool:
    """Visitors read "everyone" categories; moderators and admins read every category."""
    return can_moderate(user) or in_audience(user, category.read_audience)


def can_start_thread(user, category) -> bool:
    """Members in the category's posting audience; admins may post announcements anywhere."""
    return is_member(user) and can_read_category(user, category) and (
        is_admin(user) or in_audience(user, category.post_audience)
    )


def can_reply(user, thread) -> bool:
    """Any member who can read the thread, unless it is locked (moderators may still reply)."""
    if not is_member(user) or thread.is_deleted or not can_read_category(user, thread.category):
        return False
    return not thread.is_locked or can_moderate(user)


def can_edit_post(user, post) -> bool:
    """Authors edit their own posts; moderators may edit any (to remove personal details, say)."""
    if not is_member(user) or post.status != PostStatus.VISIBLE or not can_read_category(user, post.thread.category):
        return False
    if can_moderate(user):
        return True
    return post.author_id == user.id and not post.thread.is_locked


def can_delete_post(user, post) -> bool:
    return can_edit_post(user, post)


def can_participate(user) -> bool:
    """May this member write (post, reply, react, message)? Not while a volunteer has paused or suspended them."""
    return facts.not_silenced(user)


def can_see_revisions(user) -> bool:
    return can_moderate(user)


def may_use_chat(user) -> bool:
    """May this person connect to chat at all? Not while suspended (silenced members may read)."""
    return is_member(user) and facts.suspension_of(user) is None


def can_see_room(user, room) -> bool:
    """Read a room and join it live. Checked by the room page and by every socket event."""
    if room is None or not may_use_chat(user):
        return False
    if room.kind == RoomKind.OPEN:
        return True
    if room.kind == RoomKind.DIRECT:
        return any(member.user_id == user.id for member in room.members)
    if room.kind == RoomKind.MEETUP:
        return can_join_meetup_chat(user, room.meetup_id)
    return False


def can_join_meetup_chat(user, meetup_id) -> bool:
    """A meet-up's room is for the people going and its organisers (and moderators, to keep it safe)."""
    meetup = db.session.get(Meetup, meetup_id) if meetup_id else None
    if meetup is None or not is_member(user):
        return False
    if can_moderate(user) or facts.is_organiser(user, meetup):
        return True
    place = facts.rsvp_for(user, meetup)
    return place is not None and place.status == RsvpStatus.GOING


def _are_connected(a, b) -> bool:
    return facts.are_connected(a, b)


def _has_blocked(recipient, sender) -> bool:
    """Either has blocked the other: a block stops private messages both ways."""
    return facts.either_blocked(recipient, sender)


def direct_message_refusal(sender, recipient, dm_from_anyone: bool = False) -> str | None:
    """Every rule for direct messages, in one place: None when allowed, else a reason code
    (services.chat.DIRECT_MESSAGE_REFUSALS turns the code into a sentence).
    `dm_from_anyone` is the recipient's own choice (ChatPreference)."""
    if not is_member(sender) or recipient is None:
        return "not_member"
    if sender.id == recipient.id:
        return "self"
    if not may_use_chat(sender):
        return "sender_cannot_chat"
    if _has_blocked(recipient, sender):
        return "blocked"
    if recipient.role == Role.LIVING_WITH_DEMENTIA and not dm_from_anyone and not _are_connected(recipient, sender):
        return "connections_only"
    return None


def can_direct_message(sender, recipient) -> bool:
    return direct_message_refusal(sender, recipient, facts.dm_from_anyone(recipient)) is None


def can_post_in_room(user, room) -> bool:
    """Send in a room: see it, not be silenced, and in a direct room be allowed to message the
    other person (or be replying to someone who started the conversation with you)."""
    if not can_see_room(user, room) or not can_participate(user):
        return False
    if room.kind != RoomKind.DIRECT:
        return True
    other = next((member.user for member in room.members if member.user_id != user.id), None)
    if other is None:
        return False
    if _has_blocked(other, user):
        return False
    return room.created_by_id == other.id or can_direct_message(user, other)


ALL = {
    "is_member": is_member,
    "is_admin": is_admin,
    "can_moderate": can_moderate,
    "is_verified_partner": is_verified_partner,
    "can_read_category": can_read_category,
    "can_start_thread": can_start_thread,
    "can_reply": can_reply,
    "can_edit_post": can_edit_post,
    "can_delete_post": can_delete_post,
    "can_see_revisions": can_see_revisions,
    "may_use_chat": may_use_chat,
    "can_see_room": can_see_room,
    "can_post_in_room": can_post_in_room,
    "can_direct_message": can_direct_message,
    "can_join_meetup_chat": can_join_meetup_chat,
    "can_participate": can_participate,
}


# ---- Profiles, connections, blocks and the circle of support ----
#
# Who sees a profile field is decided by the viewer's "audience" for that member:
#   visitor (0) < member (1) < connection (2) < the person themself (3),
# and a field is shown when its visibility ranks no higher than the audience.
# A member the owner has blocked counts as a visitor, so nothing they are not meant to see
# reaches them, and nothing tells them why.
# Moderators count as members: they see what any member sees, which is the context moderation
# needs. Fields a person kept for their connections or for themself were shared with people
# they chose, not with staff; safeguarding concerns reach staff through reports, not by
# reading private fields.
VISITOR, MEMBER, CONNECTION, SELF = 0, 1, 2, 3


def audience(viewer, owner, *, connected: bool | None = None, blocked_by_owner: bool | None = None) -> int:
    """How close `viewer` is to `owner`, for privacy. Pass what you already know to save queries."""
    if not is_member(viewer):
        return VISITOR
    if viewer.id == owner.id:
        return SELF
    if blocked_by_owner is None:
        blocked_by_owner = facts.is_blocked(owner, viewer)
    if blocked_by_owner:
        return VISITOR
    if connected is None:
        connected = facts.are_connected(viewer, owner)
    return CONNECTION if connected else MEMBER


def visible_at(visibility, level: int) -> bool:
    return Visibility(visibility).rank <= level


def can_view_field(viewer, owner, visibility, **known) -> bool:
    """May `viewer` see a field of `owner`'s profile that is set to `visibility`?"""
    return visible_at(visibility, audience(viewer, owner, **known))


def can_view_profile(viewer, owner) -> bool:
    """A member who asked to delete their account is hidden from everyone but themself."""
    if owner.is_closing or owner.purged_at is not None:
        return is_member(viewer) and viewer.id == owner.id and owner.purged_at is None
    return True


def is_blocked(viewer, author) -> bool:
    """Has `viewer` blocked `author`? (Collapse the author's posts for the viewer.)"""
    return facts.is_blocked(viewer, author)


def acts_for(carer, person) -> bool:
    """Is `carer` in `person`'s circle of support, able to help where a feature allows it?"""
    return facts.acting_for(carer, person)


ALL.update(
    {
        "can_view_field": can_view_field,
        "is_blocked": is_blocked,
        "acts_for": acts_for,
    }
)
