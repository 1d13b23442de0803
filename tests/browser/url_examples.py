"""Example addresses for pages whose routes take parameters, so the browser crawler can visit them.

Every GET route with parameters must be registered here, with @example("blueprint.endpoint") on a
function that returns a path, or be listed in NOT_PAGES (downloads, feeds: not HTML pages).
test_every_route_has_an_example fails for a route that has neither, so each new feature
registers its pages. The functions run once per test session, after `flask seed-demo`, inside a
request context on the server's own database, so they can query models and call services.
"""
from collections.abc import Callable

from flask import current_app, url_for

from app.models import Role, TokenPurpose, User
from app.services import accounts

EXAMPLES: dict[str, Callable[[], str]] = {}

# GET endpoints that answer with something other than an HTML page, e.g. "meetups.ics".
NOT_PAGES: set[str] = set()


def example(endpoint: str):
    """Register a zero-argument function returning an example path for `endpoint`."""

    def register(function: Callable[[], str]) -> Callable[[], str]:
        if endpoint in EXAMPLES:
            raise ValueError(f"{endpoint} already has an example ({EXAMPLES[endpoint].__name__})")
        EXAMPLES[endpoint] = function
        return function

    return register


# ---- Helpers the examples share ----


def member(handle: str) -> User:
    """A demo member by handle: alice, bob, maya, hope or root."""
    user = accounts.find_by_email(f"{handle}@example.org")
    assert user is not None, f"{handle} is missing: did `flask seed-demo` run?"
    return user


def email_token(user: User, purpose: TokenPurpose) -> str:
    """A fresh single-use secret, the same kind the sign-in and reset emails carry.

    Made by the accounts service's own token maker, so it is stored exactly as a real one."""
    minutes = current_app.config["SIGN_IN_LINK_MINUTES" if purpose == TokenPurpose.SIGN_IN else "PASSWORD_RESET_MINUTES"]
    return accounts._new_token(user, purpose, minutes)  # noqa: SLF001 - no public maker without sending an email


def waiting_volunteer() -> User:
    """Vera registered as a volunteer and waits for an administrator to decide."""
    address = "vera.waiting@example.org"
    user = accounts.find_by_email(address)
    if user is None:
        user = accounts.register("Vera Waiting", address, "vera waits for approval", Role.VOLUNTEER, confirmed=True)
    return user


# ---- Examples ----


@example("auth.sign_in_link")
def sign_in_link() -> str:
    # Bob's link: opening it (GET) only shows the "Sign me in" button, so it stays valid.
    return url_for("auth.sign_in_link", token=email_token(member("bob"), TokenPurpose.SIGN_IN))


@example("auth.reset_password")
def reset_password() -> str:
    return url_for("auth.reset_password", token=email_token(member("bob"), TokenPurpose.RESET_PASSWORD))


@example("admin.approval")
def approval() -> str:
    return url_for("admin.approval", user_id=waiting_volunteer().id)



# ---- Chat ----


def morning_cuppa():
    from app.services import chat

    return chat.ensure_open_rooms()[0]


def alices_chat_message():
    """A message Alice wrote in Morning cuppa (made once per session)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Message, MessageStatus
    from app.services import chat

    room, alice = morning_cuppa(), member("alice")
    found = db.session.scalar(
        sa.select(Message).where(Message.room_id == room.id, Message.author_id == alice.id, Message.status == MessageStatus.VISIBLE).limit(1)
    )
    return found or chat.post_message(alice, room, "Good morning! I had porridge for breakfast.")


@example("chat.room")
def chat_room() -> str:
    return url_for("chat.room", room_id=morning_cuppa().id)


@example("chat.confirm_delete")
def chat_confirm_delete() -> str:
    # Alice sees the confirmation; others are told the page is not for them (403).
    message = alices_chat_message()
    return url_for("chat.confirm_delete", room_id=message.room_id, message_id=message.id)


@example("chat.confirm_hide")
def chat_confirm_hide() -> str:
    message = alices_chat_message()
    return url_for("chat.confirm_hide", room_id=message.room_id, message_id=message.id)


@example("chat.mute")
def chat_mute() -> str:
    return url_for("chat.mute", room_id=morning_cuppa().id, user_id=member("bob").id)
