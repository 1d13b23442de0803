"""Named permission checks, used alike by routes, templates and socket handlers."""
from app.models import ApprovalStatus, Role


def is_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return is_member(user) and user.is_admin


def can_moderate(user) -> bool:
    """Volunteer moderators (approved by an admin) and admins."""
    return is_member(user) and (user.is_admin or user.is_moderator)


def is_verified_partner(user) -> bool:
    return is_member(user) and user.role == Role.ORGANISATION and user.approval == ApprovalStatus.APPROVED


ALL = {
    "is_member": is_member,
    "is_admin": is_admin,
    "can_moderate": can_moderate,
    "is_verified_partner": is_verified_partner,
}
