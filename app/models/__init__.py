"""All models, imported here so Alembic and the app see the whole schema."""
from app.models.audit import AuditEntry  # noqa: F401
from app.models.users import ApprovalStatus, EmailToken, Role, TokenPurpose, User  # noqa: F401
from app.models.chat import ChatPreference, Message, MessageStatus, Room, RoomKind, RoomMember, RoomMute  # noqa: F401
