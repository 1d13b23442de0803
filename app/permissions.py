"""Named permission checks, used alike by routes, templates and socket handlers."""
from app.models import ApprovalStatus, Audience, PostStatus, Role


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


def can_see_revisions(user) -> bool:
    return can_moderate(user)


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
}
