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
NOT_PAGES: set[str] = {"meetups.ics", "meetups.member_feed", "meetups.organisation_feed", "main.favicon"}


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


# ---- Profiles, connections, circle of support, data rights ----
# The seeded demo has Alice and Bob connected, with Bob in Alice's circle of support.


@example("profiles.show")
def member_profile() -> str:
    return url_for("profiles.show", user_id=member("alice").id)


@example("profiles.block")
def block_confirmation() -> str:
    return url_for("profiles.block", user_id=member("hope").id)


@example("connections.remove")
def remove_connection() -> str:
    from app.services import connections

    return url_for("connections.remove", connection_id=connections.between(member("alice"), member("bob")).id)


@example("circle.end")
def end_circle_link() -> str:
    from app.services import circle

    return url_for("circle.end", link_id=circle.link_between(member("alice"), member("bob")).id)


NOT_PAGES.update({"profiles.photo", "settings.download_my_data"})


# ---- Meet-ups (seeded by app.services.demo.seed_meetups) ----


def demo_meetup(title: str = "Memory café"):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Meetup

    return db.session.scalar(sa.select(Meetup).where(Meetup.title == title).order_by(Meetup.starts_at).limit(1))


def waiting_meetup():
    """A member's meet-up waiting for a volunteer (so moderators have something to decide)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Meetup, MeetupStatus
    from app.services import meetups

    meetup = db.session.scalar(sa.select(Meetup).where(Meetup.status == MeetupStatus.AWAITING_APPROVAL).limit(1))
    if meetup is None:
        draft = meetups.start_draft(member("bob"))
        meetups.save_answers(draft, meetups.answers_from(demo_meetup()) | {"title": "Walking group", "organisation_id": ""})
        meetup = meetups.finish_draft(member("bob"), draft)[0]
    return meetup


@example("meetups.index")
def _meetups_part_way():
    """Past the soonest meet-up, counted as page 3, with choices made: the scan sees the listing's
    paging links ("Page 3", "Sooner meet-ups", "The soonest meet-ups") as well as its cards."""
    from app.services import meetups

    soonest = meetups.find_upcoming(meetups.Filters(miles=25)).meetups[0][0]
    key = meetups.UPCOMING_KEY.write((soonest.starts_at, soonest.id))
    return url_for("meetups.index", filter=1, miles=25, older=key, page=3)


@example("meetups.show")
def meetup_page() -> str:
    return url_for("meetups.show", meetup_id=demo_meetup().id)


@example("meetups.which_place")
def meetup_which_place() -> str:
    """Two towns called Bangor (Gwynedd and County Down): the page asks which one."""
    return url_for("meetups.which_place", name="Bangor", miles="5", filter="1")


@example("meetups.not_going")
def meetup_not_going() -> str:
    return url_for("meetups.not_going", meetup_id=demo_meetup().id)


@example("meetups.cancel")
def meetup_cancel() -> str:
    return url_for("meetups.cancel", meetup_id=demo_meetup().id)


@example("meetups.people")
def meetup_people() -> str:
    return url_for("meetups.people", meetup_id=demo_meetup().id)


@example("meetups.message")
def meetup_message() -> str:
    return url_for("meetups.message", meetup_id=demo_meetup().id)


@example("meetups.decide")
def meetup_decide() -> str:
    return url_for("meetups.decide", meetup_id=waiting_meetup().id)


def _draft():
    from app.services import meetups

    return meetups.start_draft(member("hope"))


@example("meetups.step")
def meetup_step() -> str:
    return url_for("meetups.step", draft_id=_draft().id, number=2)


@example("meetups.check")
def meetup_check() -> str:
    from app.services import meetups

    draft = _draft()
    meetups.save_answers(draft, meetups.answers_from(demo_meetup()) | {"title": "Dementia-friendly cinema"})
    return url_for("meetups.check", draft_id=draft.id)


@example("meetups.organisation")
def organisation_page() -> str:
    return url_for("meetups.organisation", organisation_id=demo_meetup().organisation_id)


@example("meetups.verify_organisation")
def organisation_verify() -> str:
    return url_for("meetups.verify_organisation", organisation_id=demo_meetup().organisation_id)


# ---- Forums (demo content from app/services/forum_demo.py) ----
NOT_PAGES.add("forums.post")  # a permalink: redirects to the thread page that holds the post
def _first_thread():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Thread

    return db.session.scalar(sa.select(Thread).where(Thread.title == "Hello from Alice"))


def _first_reply():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Post

    return db.session.scalar(sa.select(Post).where(Post.thread_id == _first_thread().id, Post.number == 2))


@example("forums.category")
def _category():
    """Past the newest thread, counted as page 3, so the scan sees the category's paging links
    ("Page 3", "Newer threads", "Newest threads") as well as its list."""
    from flask_login import AnonymousUserMixin

    from app.services import forums

    visitor = AnonymousUserMixin()
    category = forums.get_category(visitor, "welcome-and-introductions")
    newest = forums.thread_list(visitor, category).rows[0].thread
    key = forums.THREAD_KEY.write((newest.is_pinned, newest.last_post_at, newest.id))
    return url_for("forums.category", slug="welcome-and-introductions", older=key, page=3)  # as if reached from page 2


@example("forums.new_thread")
def _new_thread():
    from flask import url_for

    return url_for("forums.new_thread", slug="welcome-and-introductions")


@example("forums.thread")
def _thread():
    from flask import url_for

    return url_for("forums.thread", thread_id=_first_thread().id)


@example("forums.reply")
def _reply():
    from flask import url_for

    return url_for("forums.reply", thread_id=_first_thread().id, quote=_first_reply().id)


@example("forums.post")
def _post():
    from flask import url_for

    return url_for("forums.post", post_id=_first_reply().id)


@example("forums.edit_post")
def _edit_post():
    from flask import url_for

    return url_for("forums.edit_post", post_id=_first_reply().id)


@example("forums.delete_post")
def _delete_post():
    from flask import url_for

    return url_for("forums.delete_post", post_id=_first_reply().id)


@example("forums.deleted")
def _deleted():
    from flask import url_for

    return url_for("forums.deleted", post_id=_first_reply().id)


@example("forums.reactions")
def _reactions():
    from flask import url_for

    return url_for("forums.reactions", post_id=_first_reply().id)


@example("forums.post_actions")
def _post_actions():
    from flask import url_for

    return url_for("forums.post_actions", post_id=_first_reply().id)


@example("forums.history")
def _history():
    from flask import url_for

    return url_for("forums.history", post_id=_first_reply().id)


@example("forums.admin_category")
def _admin_category():
    import sqlalchemy as sa
    from flask import url_for

    from app.extensions import db
    from app.models import Category

    return url_for("forums.admin_category", category_id=db.session.scalar(sa.select(Category.id).order_by(Category.id)))


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

# ---- Moderation (demo content from app/services/moderation_demo.py) ----


def _case(waiting: bool = True):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Case, CaseStatus

    condition = Case.status != CaseStatus.RESOLVED if waiting else Case.status == CaseStatus.RESOLVED
    case = db.session.scalar(sa.select(Case).where(condition).order_by(Case.id))
    assert case is not None, "no moderation case: did `flask seed-demo` run?"
    return case


@example("moderation.report")
def _report():
    from app.services import forums

    post = forums.get_post(member("bob"), _first_reply().id)
    return url_for("moderation.report", content_type="post", content_id=post.id)


@example("moderation.case")
def _moderation_case():
    return url_for("moderation.case", case_id=_case().id)


@example("moderation.act")
def _moderation_act():
    return url_for("moderation.act", case_id=_case().id, action="hide")


@example("moderation.appeal")
def _moderation_appeal():
    # Bob's post that Maya edited: Bob may appeal; everyone else gets 404.
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Case, Outcome

    case_id = db.session.scalar(sa.select(Case.id).where(Case.author_id == member("bob").id, Case.outcome == Outcome.EDIT))
    assert case_id is not None, "Bob's edited post is missing: did `flask seed-demo` run?"
    return url_for("moderation.appeal", case_id=case_id)


@example("moderation.decide_appeal")
def _decide_appeal():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Appeal

    return url_for("moderation.decide_appeal", appeal_id=db.session.scalar(sa.select(Appeal.id).order_by(Appeal.id)))


@example("moderation.lift")
def _lift():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Sanction

    return url_for("moderation.lift", sanction_id=db.session.scalar(sa.select(Sanction.id).order_by(Sanction.id)))


@example("moderation.watched_word")
def _watched_word():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import WatchedWord

    return url_for("moderation.watched_word", entry_id=db.session.scalar(sa.select(WatchedWord.id).order_by(WatchedWord.id)))


@example("moderation.delete_watched_word")
def _delete_watched_word():
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import WatchedWord
    from app.services import watched_words

    entry = db.session.scalar(sa.select(WatchedWord).where(WatchedWord.built_in.is_(False)).order_by(WatchedWord.id))
    if entry is None:
        entry = watched_words.save(member("root"), label="Miracle cures", pattern="miracle cure", kind="word",
                                   action="block", message="Please do not promise cures for dementia.")
    return url_for("moderation.delete_watched_word", entry_id=entry.id)


@example("meetups.edit_organisation")
def edit_organisation() -> str:
    from app.models import Organisation
    import sqlalchemy as sa
    from app.extensions import db

    return url_for("meetups.edit_organisation", organisation_id=db.session.scalar(sa.select(Organisation.id).order_by(Organisation.id).limit(1)))


NOT_PAGES.add("meetups.organisation_logo")


@example("notifications_public.unsubscribe")
def unsubscribe() -> str:
    # The confirmation page a link in Alice's reply emails opens (no sign-in needed).
    from app.services import notifications

    return url_for("notifications_public.unsubscribe", token=notifications.unsubscribe_token(member("alice"), "forum_reply"))


# ---- Wellbeing check-ins and outcomes ----
NOT_PAGES.add("outcomes.csv_file")  # a spreadsheet download; the page itself is /outcomes


@example("checkins.question")
def checkin_question() -> str:
    # Alice chose check-ins and has one open, so her question page shows; others are sent to /check-in.
    from app.services import checkins

    alice = member("alice")
    if not checkins.wants_checkins(alice):
        checkins.choose(alice, True)
    if checkins.unfinished(alice) is None and checkins.is_due(alice):
        checkins.start(alice)
    return url_for("checkins.question", number=2)
# ---- Help for memory and for asking (Today, Listen, Ask a volunteer) ----
NOT_PAGES.add("main.listen")  # a sound file (tests/test_listen.py parses it)


def alices_help_request():
    """Alice asked a volunteer where the memory café is, and Maya replied (made once per session)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import HelpRequest
    from app.services import help_requests

    found = db.session.scalar(sa.select(HelpRequest).where(HelpRequest.member_id == member("alice").id).limit(1))
    if found is None:
        found = help_requests.ask(member("alice"), "Where is the memory café this week?", "kindred").request
        help_requests.reply(member("maya"), found, "It is at St Mary's Centre on Tuesday at 2pm.")
    return found


@example("asking.mine_page")
def alices_question() -> str:
    return url_for("asking.mine_page", request_id=alices_help_request().id)


@example("asking.request_page")
def volunteers_request_page() -> str:
    return url_for("asking.request_page", request_id=alices_help_request().id)


@example("meetups.series")
def meetup_series() -> str:
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Meetup

    series_id = db.session.scalar(sa.select(Meetup.series_id).where(Meetup.series_id.is_not(None)).order_by(Meetup.starts_at).limit(1))
    assert series_id is not None, "no repeating meet-up: did `flask seed-demo` run?"
    return url_for("meetups.series", series_id=series_id)
