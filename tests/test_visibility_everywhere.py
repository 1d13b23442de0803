"""The all-routes visibility test (issue 11): nothing private leaks through a side page.

For every content kind moderation knows, one piece of content is made private in the way that kind
can be private (a hidden reply, a thread waiting for approval, profile fields for connections and for
"only me", a meet-up waiting for a volunteer, a private message between Alice and Bob). Each carries
a marker word. Then every GET route in the URL map that takes that content's id is opened by each
of the cast, a stranger (Eve, a brand-new member) and a visitor, and the marker may appear only for
a person who sees it on the content's own page. A new route that forgets the rule fails here
without anyone having to remember to add it.
"""
import re

import pytest
from flask import url_for

from app.extensions import db
from app.models import MeetupStatus, Post, PostStatus, ReportReason, Role
from app.services import accounts, chat, connections, forums, moderation, profiles
from tests.forum_fixtures import categories, welcome  # noqa: F401 - fixtures
from tests.helpers import CAST_PASSWORD, page_text, sign_in
from tests.meetups_support import list_meetup

MARKERS = {
    "post": "Marrowfat",            # a reply moderators hid
    "carers_post": "Dandelion",     # a post in the carers' category
    "thread": "Quokka",             # a thread waiting for approval (its title and first post)
    "about": "Tangerine",           # Alice's "about": her connections only
    "helps_me": "Pumpernickel",     # Alice's "what helps me": only her
    "meetup": "Gooseberry",         # a meet-up a volunteer has not checked yet
    "chat_message": "Lighthouse",   # a private message from Alice to Bob
}

# Route arguments that carry the id of each kind's content.
ID_ARGUMENTS = {"post_id", "thread_id", "user_id", "meetup_id", "room_id", "message_id", "content_id", "case_id"}

# The one place staff read more than their own page shows them: a member who reports a private
# message shares that message with the volunteers who decide the report (that is what reporting is).
SHARED_BY_REPORT = {("chat_message", "moderation.case"), ("chat_message", "moderation.act")}


@pytest.fixture
def world(app, alice, bob, maya, hope, root, categories):  # noqa: F811
    eve = accounts.register("Eve Stone", "eve@example.org", CAST_PASSWORD, Role.CARER, confirmed=True)
    welcome_category = categories["Welcome and introductions"]
    connections.accept(alice, connections.ask(bob, alice))

    thread = forums.start_thread(alice, welcome_category, "Our garden", "The roses are out.").thread
    hidden = forums.reply(bob, thread, f"A reply with {MARKERS['post']} in it.").post
    forums.set_post_status(hidden, PostStatus.HIDDEN, "Hidden by a volunteer")
    carers = forums.start_thread(bob, categories["Caring for someone"], "Tired today", f"{MARKERS['carers_post']} and tea.").thread
    carers_post = forums.get_post(bob, _first_post_id(carers))
    app.config["MODERATION_FIRST_POSTS_HELD"] = 2
    held = forums.start_thread(eve, welcome_category, f"All about {MARKERS['thread']}", f"The {MARKERS['thread']} is a happy animal.").thread
    app.config["MODERATION_FIRST_POSTS_HELD"] = 0
    assert held.is_hidden

    profiles.update(alice, about=f"I love {MARKERS['about']}s.", helps_me=f"{MARKERS['helps_me']} toast.", interests="",
                    town="Chester", visibility={"photo": "members", "about": "connections", "helps_me": "only_me",
                                                "interests": "members", "town": "members"})
    meetup = list_meetup(eve, title=f"{MARKERS['meetup']} picking")
    assert meetup.status != MeetupStatus.PUBLISHED

    room = chat.start_direct(alice, bob)
    message = chat.post_message(alice, room, f"My {MARKERS['chat_message']} secret for you.")
    db.session.commit()

    # Each private thing is reported by someone who may see it, so its case pages exist too.
    cases = {
        "post": moderation.hold_for_approval("post", hidden, "Checking", author_id=bob.id),
        "carers_post": moderation.report(eve, "post", carers_post.id, ReportReason.OTHER.value, "Looks off").report.case,
        "thread": moderation.hold_for_approval("thread", held, "First posts", author_id=eve.id),
        "profile": moderation.report(eve, "profile", alice.id, ReportReason.OTHER.value, "Odd profile").report.case,
        "meetup": moderation.hold_for_approval("meetup", meetup, "New organiser", author_id=eve.id),
        "chat_message": moderation.report(bob, "chat_message", message.id, ReportReason.OTHER.value, "Not sure").report.case,
    }
    db.session.commit()
    people = {"visitor": None, "alice": alice, "bob": bob, "maya": maya, "hope": hope, "root": root, "eve": eve}
    items = {
        # kind: (content type, object, its id for routes, its own page, the markers it carries)
        "post": ("post", hidden, hidden.id, url_for("forums.thread", thread_id=thread.id), ["post"]),
        "carers_post": ("post", carers_post, carers_post.id, url_for("forums.thread", thread_id=carers.id), ["carers_post"]),
        "thread": ("thread", held, held.id, url_for("forums.thread", thread_id=held.id), ["thread"]),
        "profile": ("profile", alice.profile, alice.id, url_for("profiles.show", user_id=alice.id), ["about", "helps_me"]),
        "meetup": ("meetup", meetup, meetup.id, url_for("meetups.show", meetup_id=meetup.id), ["meetup"]),
        "chat_message": ("chat_message", message, message.id, url_for("chat.room", room_id=room.id), ["chat_message"]),
    }
    return {"people": people, "items": items, "cases": cases, "room": room, "thread": thread}


def _first_post_id(thread):
    return db.session.scalar(db.select(Post.id).where(Post.thread_id == thread.id, Post.number == 1))


def _arguments_for(item_name, content_type, obj, content_id, case, world) -> dict:
    """Fill every id argument a route may take from the one piece of content under test."""
    values = {"content_type": content_type, "content_id": content_id, "case_id": case.id, "action": "edit"}
    if content_type == "post":
        values.update(post_id=obj.id, thread_id=obj.thread_id)
    elif content_type == "thread":
        values.update(thread_id=obj.id, post_id=_first_post_id(obj))
    elif content_type == "profile":
        values.update(user_id=content_id)
    elif content_type == "meetup":
        values.update(meetup_id=obj.id)
    elif content_type == "chat_message":
        values.update(message_id=obj.id, room_id=obj.room_id)
    return values


def _routes_taking(values: dict) -> list:
    """Every GET route whose arguments are all known and that takes at least one id of this content."""
    from flask import current_app

    found = []
    for rule in current_app.url_map.iter_rules():
        if "GET" not in rule.methods or not (rule.arguments & ID_ARGUMENTS & set(values)):
            continue
        if not rule.arguments <= set(values):
            continue
        found.append(rule)
    return found


def _shows(response, word: str) -> bool:
    return word.lower() in response.get_data(as_text=True).lower()


def _count(response, word: str) -> int:
    return response.get_data(as_text=True).lower().count(word.lower())


def _client(app, person):
    client = app.test_client()
    return sign_in(client, person) if person is not None else client


def test_no_route_shows_private_content_to_anyone_its_own_page_does_not(app, world):
    people, items, cases = world["people"], world["items"], world["cases"]
    clients = {name: _client(app, person) for name, person in people.items()}
    leaks, checked = [], set()
    for item_name, (content_type, obj, content_id, own_page, marker_names) in items.items():
        case = cases["profile" if item_name == "profile" else item_name]
        values = _arguments_for(item_name, content_type, obj, content_id, case, world)
        rules = _routes_taking(values)
        assert rules, f"no routes found for {item_name}"
        for name, client in clients.items():
            own = client.get(own_page, follow_redirects=True)
            for rule in rules:
                path = url_for(rule.endpoint, **{key: values[key] for key in rule.arguments})
                response = client.get(path, follow_redirects=True)
                checked.add(rule.endpoint)
                for marker_name in marker_names:
                    word = MARKERS[marker_name]
                    if _shows(response, word) and not _shows(own, word) and (content_type, rule.endpoint) not in SHARED_BY_REPORT:
                        leaks.append(f"{name} reads {marker_name} ({word}) at {path} ({rule.endpoint}) but not on {own_page}")
    assert not leaks, "\n".join(leaks)
    # The routes that leaked before are among those checked, so this test would have caught them.
    assert {"moderation.report", "moderation.case", "forums.reactions", "forums.history", "profiles.show"} <= checked


def test_the_own_pages_show_each_person_what_they_may_see(app, world):
    """The comparison above means something only if the own pages themselves are right."""
    items = world["items"]
    expected = {
        "post": {"bob", "maya", "root"},                      # its author and moderators
        "carers_post": {"bob", "eve", "maya", "root"},        # carers (Eve cares too) and moderators
        "thread": {"eve", "maya", "root"},
        "about": {"alice", "bob"},                            # Alice and her connection Bob
        "helps_me": {"alice"},
        "meetup": {"eve", "maya", "root"},
        "chat_message": {"alice", "bob"},
    }
    for item_name, (_type, _obj, _id, own_page, marker_names) in items.items():
        for marker_name in marker_names:
            seen = {name for name, person in world["people"].items()
                    if _shows(_client(app, person).get(own_page, follow_redirects=True), MARKERS[marker_name])}
            assert seen == expected[marker_name], f"{marker_name} on {own_page}: {seen}"


def test_eve_cannot_read_or_report_alices_private_message_by_its_id(app, world):
    eve = world["people"]["eve"]
    message = world["items"]["chat_message"][1]
    client = _client(app, eve)
    page = client.get(f"/report/chat_message/{message.id}")
    assert page.status_code == 404 and MARKERS["chat_message"] not in page.get_data(as_text=True)
    sent = client.post(f"/report/chat_message/{message.id}", data={"reason": "other", "words": "let me see"})
    assert sent.status_code == 404
    case = world["cases"]["chat_message"]
    assert [row.reporter_id for row in case.reports] == [world["people"]["bob"].id]


def test_the_profile_report_page_shows_only_the_fields_the_reader_may_see(app, world):
    alice = world["people"]["alice"]
    eve_page = page_text(_client(app, world["people"]["eve"]).get(f"/report/profile/{alice.id}"))
    assert "Chester" in eve_page and MARKERS["about"] not in eve_page and MARKERS["helps_me"] not in eve_page
    bob_page = page_text(_client(app, world["people"]["bob"]).get(f"/report/profile/{alice.id}"))
    assert MARKERS["about"] in bob_page and MARKERS["helps_me"] not in bob_page


def test_a_moderator_reads_on_the_case_what_the_reporters_could_see_and_never_only_me_fields(app, world):
    alice, bob = world["people"]["alice"], world["people"]["bob"]
    case = world["cases"]["profile"]
    maya = _client(app, world["people"]["maya"])
    first = page_text(maya.get(f"/moderation/cases/{case.id}"))
    assert "Chester" in first and MARKERS["about"] not in first  # Eve, a member, reported it
    moderation.report(bob, "profile", alice.id, ReportReason.OTHER.value, "Worried")
    later = page_text(maya.get(f"/moderation/cases/{case.id}"))
    assert MARKERS["about"] in later and MARKERS["helps_me"] not in later  # Bob, her connection, shared what he sees


LIST_PAGES = ["/forums", "/forums/welcome-and-introductions", "/forums/caring-for-someone", "/search?q={word}",
              "/members", "/meetups", "/calendar", "/chat", "/notifications", "/saved", "/"]


def test_lists_counts_and_latest_lines_never_name_hidden_or_held_things(app, world):
    """Issue 16: the forums index said "Latest activity … in" a thread moderators had hidden."""
    leaks = []
    for name, person in world["people"].items():
        client = _client(app, person)
        for item_name, (_type, _obj, _id, own_page, marker_names) in world["items"].items():
            own = client.get(own_page, follow_redirects=True)
            for marker_name in marker_names:
                word = MARKERS[marker_name]
                for template in LIST_PAGES:
                    path = template.format(word=word)
                    # A search page repeats what was typed: compare with a word found nowhere.
                    echoed = _count(client.get(template.format(word="Xylofrump"), follow_redirects=True), "Xylofrump")
                    response = client.get(path, follow_redirects=True)
                    if _count(response, word) > echoed and not _shows(own, word):
                        leaks.append(f"{name} reads {word} on {path}")
    assert not leaks, "\n".join(leaks)


def test_the_forums_index_names_the_latest_public_thread_for_a_visitor(app, client, world, categories):  # noqa: F811
    held = world["items"]["thread"][1]
    eve = world["people"]["eve"]
    scam = forums.start_thread(eve, categories["Welcome and introductions"], "Easy money", "Send me your bank details.").thread
    moderation.kind_of("thread").hide(scam, "Scam", world["people"]["maya"])
    db.session.commit()
    index = page_text(client.get("/forums"))
    assert "Easy money" not in index
    assert "Latest activity" in index and "in “Our garden”" in index
    assert held.title not in index
    assert re.search(r"Welcome and introductions.*1 thread", index)
