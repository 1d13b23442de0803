"""Named permission checks, used alike by routes, templates and socket handlers."""
from app.models import ApprovalStatus, Role
from app.models.chat import RoomKind


def is_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return is_member(user) and user.is_admin


def can_moderate(user) -> bool:
    """Volunteer moderators (approved by an admin) and admins."""
    return is_member(user) and (user.is_admin or user.is_moderator)


def is_verified_partner(user) -> bool:
    return is_member(user) and user.role == Role.ORGANISATION and user.approval == ApprovalStatus.APPROVED


def may_use_chat(user) -> bool:
    """May this person connect to chat at all? Moderation adds suspension here."""
    return is_member(user)


def can_see_room(user, room) -> bool:
    """Read a room and join it live. Checked by the room page and by every socket event."""
    if room is None or not may_use_chat(user):
        return False
    if room.kind == RoomKind.OPEN:
        return True
    if room.kind == RoomKind.DIRECT:
        return any(member.user_id == user.id for member in room.members)
    # Meet-up rooms: wired to RSVPs (people going, organisers) when meet-ups merge.
    return False


def _are_connected(a, b) -> bool:
    return False  # the lead wires this to the connections service at merge


def _has_blocked(recipient, sender) -> bool:
    return False  # the lead wires this to the blocking service at merge


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
    from app.services.chat import dm_from_anyone

    return direct_message_refusal(sender, recipient, dm_from_anyone(recipient)) is None


def can_post_in_room(user, room) -> bool:
    """Send in a room: see it, and in a direct room be allowed to message the other person
    (or be replying to someone who started the conversation with you)."""
    if not can_see_room(user, room):
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
    "may_use_chat": may_use_chat,
    "can_see_room": can_see_room,
    "can_post_in_room": can_post_in_room,
    "can_direct_message": can_direct_message,
}
