"""All models, imported here so Alembic and the app see the whole schema."""
from app.models.audit import AuditEntry  # noqa: F401
from app.models.users import ApprovalStatus, EmailToken, Role, SignInSession, TokenPurpose, User  # noqa: F401
from app.models.outbox import OutboxEmail  # noqa: F401
from app.models.notifications import DigestRun, EmailState, Notification, NotificationPreference  # noqa: F401
from app.models.profiles import (  # noqa: F401
    TextStatus,
    Block,
    CircleLink,
    CircleStatus,
    Connection,
    ConnectionStatus,
    Mute,
    OnBehalfAction,
    Profile,
    Visibility,
)
from app.models.meetups import (  # noqa: F401
    ACCESS_FEATURES,
    Access,
    MeetupAudience,
    CalendarToken,
    Meetup,
    MeetupDraft,
    MeetupStatus,
    Organisation,
    OrganisationMember,
    ReminderSent,
    Repeat,
    Rsvp,
    RsvpStatus,
    Series,
)
from app.models.forums import (  # noqa: F401
    AUDIENCE_LABELS,
    Audience,
    Bookmark,
    Category,
    Draft,
    Post,
    PostRevision,
    PostStatus,
    Reaction,
    ReactionKind,
    Thread,
    ThreadFollow,
    ThreadRead,
)
from app.models.chat import ChatPreference, Message, MessageStatus, Room, RoomKind, RoomMember, RoomMute  # noqa: F401
from app.models.moderation import (  # noqa: F401
    MEMBER_REASONS,
    WATCHED_ACTION_LABELS,
    Appeal,
    AppealStatus,
    Case,
    CaseStatus,
    Outcome,
    Report,
    ReportReason,
    Sanction,
    SafetyDecision,
    SanctionKind,
    Urgency,
    WatchedAction,
    WatchedKind,
    WatchedWord,
)
from app.models.checkins import Checkin  # noqa: F401
from app.models.help import HelpReply, HelpRequest, HelpStatus, ReplyBy  # noqa: F401
