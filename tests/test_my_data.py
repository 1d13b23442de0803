"""Alice's data rights: "Download my information", and "Delete my account" with 14 days to undo,
then `flask purge-deleted` erases her for good."""
import io
import json
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine
from PIL import Image

from app.extensions import db
from app.models import Audience, Post, Role, Rsvp, User
from app.services import accounts, blocking, chat, circle, connections, forums, help_requests, meetups, my_data, profiles
from tests.meetups_support import hope_dementia_care, list_meetup
from tests.helpers import CAST_PASSWORD, page_text
from tests.people import new_member

ABOUT = "I taught at Hoole primary school for thirty years & I love my garden."
HELPS = "Give me time to answer. Short messages are best."
START = datetime(2026, 3, 3, 10, 0, tzinfo=timezone.utc)


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


def _give_alice_a_full_life(alice, bob):
    # Alice goes to Hope's memory café, writes in the forums and thanks someone.
    root = accounts.find_by_email("root@example.org") or accounts.create_admin("Kindred Admin", "root@example.org", CAST_PASSWORD)
    hope = new_member("Hope Care", "hopecare", Role.ORGANISATION)
    accounts.decide_approval(root, hope, approve=True)
    meetups.rsvp(alice, list_meetup(hope, hope_dementia_care(hope, root)))
    help_requests.ask(alice, "How do I make the words bigger?", "kindred")
    welcome = forums.save_category(root, "Welcome", "Say hello.", 0, Audience.EVERYONE, Audience.MEMBERS)
    thread = forums.start_thread(alice, welcome, "Hello from Alice", "I taught at Hoole primary school.").thread
    first_post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 1))
    forums.react(alice, first_post, "thank_you")
    forums.bookmark(alice, first_post)
    profiles.update(
        alice, about=ABOUT, helps_me=HELPS, interests="beekeeping", town="Chester",
        visibility={name: "members" for name in ("photo", "about", "helps_me", "interests", "town")}, photo=_photo(),
    )
    connections.accept(alice, connections.ask(bob, alice))
    circle.accept(bob, circle.invite(alice, bob))
    circle.record_on_behalf(bob, alice, "rsvp", "Said yes to the memory café.")
    db.session.commit()
    eve = new_member("Eve Stone")
    blocking.block(alice, eve)
    # A volunteer decided about an automatic safety flag on something Alice wrote.
    from app.models import SafetyDecision

    db.session.add(SafetyDecision(author_id=alice.id, text="ring me on 07700 900381", kinds="personal_details", confirmed=False))
    db.session.commit()
    blocking.mute(alice, new_member("Max Loud"))
    accounts.update_display_settings(alice, "largest", "cream")
    cuppa = {room.name: room for room in chat.ensure_open_rooms()}["Morning cuppa"]
    chat.post_message(alice, cuppa, "Good morning, everyone! Porridge today.")
    conversation = chat.start_direct(alice, bob)
    chat.post_message(alice, conversation, "Can you bring the big teapot on Sunday?")
    chat.post_message(bob, conversation, "Yes Mum, and the biscuits.")
    return eve


def test_the_download_holds_every_kind_of_record_alice_has(alice, bob, client_for):
    _give_alice_a_full_life(alice, bob)
    response = client_for(alice).get("/settings/my-data/download")
    assert response.mimetype == "application/zip"
    assert "my-kindred-information.zip" in response.headers["Content-Disposition"]

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"my-kindred-information.json", "my-kindred-information.html", "my-photo.jpg"}
    data = json.loads(archive.read("my-kindred-information.json"))
    for kind in my_data.EXPORTERS:
        assert data[kind], f"the download has no {kind}"
    assert data["account"]["email"] == "alice@example.org"
    assert data["account"]["display_name"] == "Alice Morgan"
    assert data["profile"]["about_me"] == ABOUT
    assert data["profile"]["things_that_help_me"] == HELPS
    assert data["connections"][0]["with"] == "Bob Morgan"
    assert data["circle"][0]["carer"] == "Bob Morgan"
    assert data["on_behalf"][0] == {**data["on_behalf"][0], "done_by": "Bob Morgan", "what": "Said yes to the memory café."}
    assert any("Bob Morgan" in note["message"] for note in data["notifications"])
    assert data["blocks"][0]["member"] == "Eve Stone"
    assert data["settings"] == {"text_size": "largest", "colour_scheme": "cream", "time_zone": "Europe/London"}

    assert [(line["room"], line["text"]) for line in data["chat"]] == [("Morning cuppa", "Good morning, everyone! Porridge today.")]
    [conversation] = data["private_messages"]
    assert conversation["with"] == "Bob Morgan"
    assert [(line["from"], line["text"]) for line in conversation["messages"]] == [
        ("Alice Morgan", "Can you bring the big teapot on Sunday?"), ("Bob Morgan", "Yes Mum, and the biscuits.")]

    html = archive.read("my-kindred-information.html").decode()
    assert "Yes Mum, and the biscuits." in html and "Good morning, everyone! Porridge today." in html
    assert '<html lang="en-GB">' in html and "<h1>Your information from Kindred</h1>" in html
    assert "I taught at Hoole primary school for thirty years &amp; I love my garden." in html
    for title, _function in my_data.EXPORTERS.values():
        assert f"<h2>{title}</h2>".replace("'", "&#39;") in html


def test_the_download_leaves_out_what_moderators_hid_from_alice_but_keeps_her_own(alice, bob, maya, client_for):
    conversation = chat.start_direct(alice, bob)
    mine = chat.post_message(alice, conversation, "My bank card number is on the fridge.")
    chat.hide_message(maya, mine, "Personal details")
    hidden = chat.post_message(bob, conversation, "Send me your PIN and I'll sort it.")
    chat.hide_message(maya, hidden, "Asking for bank details")
    chat.post_message(bob, conversation, "Sorry Mum, ignore that.")
    data = json.loads(zipfile.ZipFile(io.BytesIO(client_for(alice).get("/settings/my-data/download").data))
                      .read("my-kindred-information.json"))
    [conversation] = data["private_messages"]
    assert [(line["from"], line["status"], line["text"]) for line in conversation["messages"]] == [
        ("Alice Morgan", "hidden", "My bank card number is on the fridge."), ("Bob Morgan", "visible", "Sorry Mum, ignore that.")]
    page = client_for(alice).get("/settings/my-data")
    assert "Your chat messages in rooms" in page_text(page) and "Your private conversations" in page_text(page)


def test_the_my_data_page_explains_both_choices(alice, client_for):
    text = page_text(client_for(alice).get("/settings/my-data"))
    assert "Download my information" in text and "Delete my account" in text
    assert "Your circle of support" in text


def test_alice_deletes_her_account_and_comes_back_within_14_days(alice, bob, client_for):
    _give_alice_a_full_life(alice, bob)
    with time_machine.travel(START, tick=False) as traveller:
        browser = client_for(alice)
        confirm = page_text(browser.get("/settings/my-data/delete"))
        assert "Delete your account?" in confirm and "For 14 days you can change your mind." in confirm
        assert "Yes, delete my account" in confirm

        missing_choice = page_text(browser.post("/settings/my-data/delete", data={}))
        assert "Choose what should happen to your posts." in missing_choice
        assert alice.deleted_at is None

        done = page_text(browser.post("/settings/my-data/delete", data={"posts_choice": "keep"}))
        assert "Your account is closed" in done
        assert "We will erase your information on Tuesday 17 March 2026" in done
        assert alice.posts_choice == "keep"
        assert browser.get("/settings").status_code == 302  # signed out

        # Nobody can see her while her account is closing.
        bob_browser = client_for(bob)
        assert bob_browser.get(f"/members/{alice.id}").status_code == 404
        assert "Alice Morgan" not in page_text(bob_browser.get("/connections"))
        assert "Alice Morgan" not in page_text(bob_browser.get("/circle"))
        assert not circle.acting_for(bob, alice)

        traveller.shift(timedelta(days=13))
        browser = client_for(alice)  # signing in still works, to undo
        page = page_text(browser.get("/members", follow_redirects=True))
        assert "Your account is set to be deleted" in page and "Keep my account" in page
        response = browser.post("/settings/my-data/keep")
        assert "Welcome back. Your account is open again and nothing has been deleted." in page_text(browser.get(response.headers["Location"]))

        traveller.shift(timedelta(days=5))
        assert my_data.purge_due() == 0
        assert alice.profile.about == ABOUT
        assert bob_browser.get(f"/members/{alice.id}").status_code == 200
        assert circle.acting_for(bob, alice)


def _every_string_value():
    """Every string in every column of every table."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, (sa.String, sa.Text))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            found.extend(value for value in row if isinstance(value, str))
    return found


def test_after_14_days_purge_erases_alice_from_every_table(app, alice, bob, client_for):
    _give_alice_a_full_life(alice, bob)
    alice_id = alice.id
    photo_name = alice.profile.photo_name
    with time_machine.travel(START, tick=False) as traveller:
        my_data.request_deletion(alice, "keep")
        runner = app.test_cli_runner()

        traveller.shift(timedelta(days=13, hours=23))
        assert "Erased 0 accounts" in runner.invoke(args=["purge-deleted"]).output
        assert "alice@example.org" in _every_string_value()

        traveller.shift(timedelta(hours=2))
        assert "Erased 1 account whose 14 days had passed." in runner.invoke(args=["purge-deleted"]).output
        assert "Erased 0 accounts" in runner.invoke(args=["purge-deleted"]).output  # idempotent
    db.session.expire_all()

    values = _every_string_value()
    for secret in ("alice@example.org", "Alice Morgan", ABOUT, HELPS, "beekeeping", "Porridge today", "the big teapot"):
        assert not [value for value in values if secret.lower() in value.lower()], f"{secret!r} is still stored"
    assert photos_left(app) == [] and photo_name

    alice = db.session.get(User, alice_id)
    assert alice.display_name == "A former member" and alice.purged_at is not None
    assert accounts.authenticate("alice@example.org", CAST_PASSWORD) is None
    assert client_for(bob).get(f"/members/{alice_id}").status_code == 404
    # What Bob did for Alice went with her; his own data is untouched.
    assert bob.email == "bob@example.org" and not connections.are_connected(alice, bob)


def test_a_carer_who_leaves_is_shown_as_a_former_member_in_the_persons_record(alice, bob, client_for):
    _give_alice_a_full_life(alice, bob)
    with time_machine.travel(START, tick=False) as traveller:
        my_data.request_deletion(bob, "remove")
        traveller.shift(timedelta(days=15))
        my_data.purge_due()
    db.session.expire_all()
    text = page_text(client_for(alice).get("/circle"))
    assert "A former member did this for you: Said yes to the memory café." in text
    assert "Bob Morgan" not in text
    assert not [value for value in _every_string_value() if "bob@example.org" in value or "Bob Morgan" in value]


def photos_left(app):
    from pathlib import Path

    folder = Path(app.config["UPLOAD_DIR"]) / "photos"
    return list(folder.glob("*")) if folder.exists() else []


@pytest.mark.parametrize("choice", ["remove", "keep"])
def test_the_forums_honour_the_choice_about_posts(app, alice, bob, client_for, choice):
    _give_alice_a_full_life(alice, bob)
    thread_id = db.session.scalar(sa.select(Post.thread_id).where(Post.author_id == alice.id))
    with time_machine.travel(START, tick=False) as traveller:
        my_data.request_deletion(alice, choice)
        traveller.shift(timedelta(days=15))
        my_data.purge_due()
    db.session.expire_all()
    thread_page = page_text(client_for(bob).get(f"/threads/{thread_id}"))
    assert "Alice Morgan" not in thread_page and "A former member" in thread_page
    if choice == "keep":
        assert "I taught at Hoole primary school." in thread_page
    else:
        assert "I taught at Hoole primary school." not in thread_page
        assert "This post was removed by the person who wrote it." in thread_page
        assert not [value for value in _every_string_value() if "Hoole primary" in value]


def test_purge_gives_up_alices_places_so_the_next_person_waiting_gets_one(app, alice, bob):
    _give_alice_a_full_life(alice, bob)
    cafe = db.session.scalars(sa.select(Rsvp)).one().meetup
    with time_machine.travel(START, tick=False) as traveller:
        my_data.request_deletion(alice, "keep")
        traveller.shift(timedelta(days=15))
        my_data.purge_due()
    db.session.expire_all()
    assert db.session.scalars(sa.select(Rsvp).where(Rsvp.meetup_id == cafe.id)).all() == []
    assert db.session.get(type(cafe), cafe.id).places_taken == 0
