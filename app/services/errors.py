"""Named failures a service raises; routes turn each into a plain sentence for the person."""


class ServiceError(Exception):
    """A rule was broken. The message is written for the member, in plain words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class Invalid(ServiceError):
    pass


class Conflict(ServiceError):
    pass


class NotConfirmed(ServiceError):
    """The password was right, but the member has not opened any link we emailed them yet."""


class TooFast(ServiceError):
    """A rate limit or a room's slow mode: the person should wait a little and try again."""


class NotSentYet(ServiceError):
    """The database was busy or briefly unreachable, so nothing was stored: the sender's screen
    keeps the words and tries again with the same client id (which makes the retry safe)."""
