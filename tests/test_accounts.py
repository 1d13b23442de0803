"""Stories about joining Kindred, signing in and out, and looking after an account."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import ApprovalStatus, EmailToken, Role, User
from app.models.types import utcnow
from app.services import accounts
from app.services.passwords import verify_password
from tests.helpers import CAST_PASSWORD, emails_to, first_link, page_text, read_outbox, sign_in


def register_form(**changes):
    form = {"display_name": "Carol Jones", "email": "carol@example.org", "password": "kettle biscuit rainbow", "role": "carer"}
    form.update(changes)
    return form


def test_a_carer_registers_and_finishes_with_the_link_in_her_welcome_email(client):
    reply = page_text(client.post("/register", data=register_form()))
    assert "Check your email" in reply and "We have sent a message to carol@example.org" in reply
    carol = accounts.find_by_email("carol@example.org")
    assert carol.role == Role.CARER and carol.approval == ApprovalStatus.NOT_NEEDED
    assert carol.password_hash.startswith("$argon2id$")

    # Before she opens the link, her password alone does not sign her in; she is told why.
    waiting = page_text(client.post("/sign-in", data={"email": "carol@example.org", "password": "kettle biscuit rainbow"}))
    assert "Please open the link in the welcome email" in waiting and "Signed in as" not in waiting

    welcome = emails_to("carol@example.org")[-1]
    assert welcome["Subject"] == "Welcome to Kindred – Kindred"
    client.post(first_link(welcome, "/sign-in/link/"))
    assert "Hello, Carol Jones" in page_text(client.get("/"))
    client.post("/sign-out")
    client.post("/sign-in", data={"email": "carol@example.org", "password": "kettle biscuit rainbow"})
    assert "Signed in as Carol Jones" in page_text(client.get("/"))


def test_a_volunteer_is_an_ordinary_member_until_an_admin_approves(client):
    client.post("/register", data=register_form(email="vic@example.org", role="volunteer"))
    vic = accounts.find_by_email("vic@example.org")
    assert vic.approval == ApprovalStatus.PENDING and not vic.is_moderator
    client.post(first_link(emails_to("vic@example.org")[-1], "/sign-in/link/"))
    assert "Our team will check your role as volunteer soon" in page_text(client.get("/"))


def test_registering_with_a_known_email_looks_exactly_like_a_new_registration(client, alice):
    new = client.post("/register", data=register_form(email="someone-new@example.org")).get_data(as_text=True)
    taken = client.post("/register", data=register_form(email="ALICE@example.org")).get_data(as_text=True)
    # Same page either way (apart from the address typed): the form reveals nobody's membership.
    assert new.replace("someone-new@example.org", "X") == taken.replace("ALICE@example.org", "X")
    # Alice's account is untouched, and she is told what happened, with a way in.
    assert accounts.authenticate("alice@example.org", CAST_PASSWORD) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "alice@example.org")) == 1
    notice = emails_to("alice@example.org")[-1]
    assert "You already have an account" in notice.get_body(("plain",)).get_content()
    client.post(first_link(notice, "/sign-in/link/"))
    assert "Signed in as Alice Morgan" in page_text(client.get("/"))


@pytest.mark.parametrize(
    "changes, field, sentence",
    [
        ({"display_name": "   "}, "display_name", "Enter the name you would like other members to see."),
        ({"email": "carol-at-home"}, "email", "Enter an email address in the right form"),
        ({"password": "short"}, "password", "Your password needs at least 8 characters."),
        ({"password": "password1"}, "password", "That password is one of the most common ones"),
        ({"password": "x" * 129}, "password", "Your password can be up to 128 characters."),
        ({"role": ""}, "role", "Choose the option that describes you best."),
    ],
)
def test_wrong_input_on_registration_is_explained_and_what_was_typed_is_kept(client, changes, field, sentence):
    response = client.post("/register", data=register_form(**changes))
    html = response.get_data(as_text=True)
    text = page_text(response)
    assert text.startswith("Error: Create an account – Kindred")
    assert "There is a problem" in text and sentence in text
    assert f'href="#{field}' in html  # the summary links to the field
    assert f'id="{field}-error"' in html or field == "role"
    kept_name = register_form(**changes)["display_name"].strip()
    if kept_name:
        assert f'value="{kept_name}"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_long_passphrase_of_64_characters_is_welcome(client):
    passphrase = "my favourite walk goes past the old mill and down to the river!!"
    assert len(passphrase) == 64
    client.post("/register", data=register_form(password=passphrase))
    client.post(first_link(emails_to("carol@example.org")[-1], "/sign-in/link/"))
    assert accounts.authenticate("carol@example.org", passphrase) is not None


def test_alice_signs_in_with_her_password_and_gets_a_fresh_long_session(client, alice):
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": "Alice@Example.org ", "password": CAST_PASSWORD})
    assert response.headers["Location"] == "/"
    cookie = client.get_cookie("kindred_session")
    assert cookie is not None and cookie.expires is not None
    assert cookie.expires - utcnow() > timedelta(days=30)
    assert cookie.http_only and cookie.same_site == "Lax"
    assert "Signed in as Alice Morgan" in page_text(client.get("/"))


def test_signing_in_starts_a_new_session_so_an_old_cookie_cannot_be_fixed_in_advance(client, alice):
    with client.session_transaction() as session:
        session["sid"] = "planted-by-someone-else"
    sign_in(client, alice)
    with client.session_transaction() as session:
        assert session["sid"] != "planted-by-someone-else"


def test_a_wrong_password_is_explained_without_saying_whether_the_email_exists(client, alice):
    wrong_password = page_text(client.post("/sign-in", data={"email": "alice@example.org", "password": "not it at all"}))
    unknown_email = page_text(client.post("/sign-in", data={"email": "nobody@example.org", "password": "not it at all"}))
    sentence = "That email address and password do not match."
    assert sentence in wrong_password and sentence in unknown_email
    # The typed email is kept; the password is not echoed back.
    assert 'value="alice@example.org"' in client.post("/sign-in", data={"email": "alice@example.org", "password": "nope nope"}).get_data(as_text=True)
    assert "not it at all" not in wrong_password


def test_sign_in_returns_the_person_to_where_they_were_going_but_never_off_site(client, alice):
    response = client.post("/sign-in", data={"email": alice.email, "password": CAST_PASSWORD, "next": "/settings/display"})
    assert response.headers["Location"] == "/settings/display"
    client.post("/sign-out")
    response = client.post("/sign-in", data={"email": alice.email, "password": CAST_PASSWORD, "next": "//evil.example/steal"})
    assert response.headers["Location"] == "/"


def test_alice_signs_in_with_an_emailed_link_that_works_once(client, alice):
    reply = page_text(client.post("/sign-in/email-link", data={"email": "alice@example.org"}))
    assert "If that email address has a Kindred account, we have sent it a sign-in link" in reply
    message = emails_to("alice@example.org")[-1]
    assert message["Subject"] == "Your sign-in link – Kindred"
    link = first_link(message, "/sign-in/link/")

    # Opening the link (as an email scanner would) does not sign in or spend it.
    assert "Press the button to sign in" in page_text(client.get(link))
    assert "Press the button to sign in" in page_text(client.get(link))
    client.post(link)
    assert "Signed in as Alice Morgan" in page_text(client.get("/"))

    other = client.application.test_client()
    assert "This link has stopped working" in page_text(other.post(link))
    assert "Signed in as" not in page_text(other.get("/"))


def test_a_sign_in_link_expires_after_30_minutes(client, alice):
    client.post("/sign-in/email-link", data={"email": "alice@example.org"})
    link = first_link(emails_to("alice@example.org")[-1], "/sign-in/link/")
    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        assert "This link has stopped working" in page_text(client.get(link))
        client.post(link)
        assert "Signed in as" not in page_text(client.get("/"))


def test_asking_for_a_link_for_an_unknown_address_sends_nothing_and_says_the_same(client, alice):
    reply = page_text(client.post("/sign-in/email-link", data={"email": "stranger@example.org"}))
    assert "If that email address has a Kindred account" in reply
    assert read_outbox() == []


def test_bob_resets_a_forgotten_password_and_every_other_session_ends(client, client_for, bob):
    phone = client_for(bob)
    reply = page_text(client.post("/forgotten-password", data={"email": "bob@example.org"}))
    assert "If that email address has a Kindred account, we have sent it a link to choose a new password" in reply
    link = first_link(emails_to("bob@example.org")[-1], "/reset-password/")

    weak = client.post(link, data={"password": "qwerty123"})
    assert "That password is one of the most common ones" in page_text(weak)

    client.post(link, data={"password": "lighthouse porridge tuesday"})
    assert "Signed in as Bob Morgan" in page_text(client.get("/"))
    assert accounts.authenticate("bob@example.org", "lighthouse porridge tuesday") is not None
    assert accounts.authenticate("bob@example.org", CAST_PASSWORD) is None
    # His phone, signed in before, is signed out now.
    assert "Signed in as" not in page_text(phone.get("/"))
    # The link cannot be used twice.
    assert "This link has stopped working" in page_text(client.get(link))
    assert emails_to("bob@example.org")[-1]["Subject"] == "Your password was changed – Kindred"


def test_changing_password_keeps_this_session_and_ends_the_others(client_for, bob):
    laptop, phone = client_for(bob), client_for(bob)
    wrong = laptop.post("/settings/password", data={"current_password": "guess", "new_password": "lighthouse porridge tuesday"})
    assert "That is not your current password" in page_text(wrong)
    laptop.post("/settings/password", data={"current_password": CAST_PASSWORD, "new_password": "lighthouse porridge tuesday"})
    assert "Signed in as Bob Morgan" in page_text(laptop.get("/"))
    assert "Signed in as" not in page_text(phone.get("/"))
    db.session.expire_all()
    assert verify_password(db.session.get(User, bob.id).password_hash, "lighthouse porridge tuesday")


def test_changing_email_asks_for_the_password_and_tells_both_addresses(client_for, bob, alice):
    laptop = client_for(bob)
    wrong = laptop.post("/settings/email", data={"email": "bob.new@example.org", "password": "guess"})
    assert "That is not your current password" in page_text(wrong)
    assert 'value="bob.new@example.org"' in wrong.get_data(as_text=True)

    taken = laptop.post("/settings/email", data={"email": "alice@example.org", "password": CAST_PASSWORD})
    assert "We could not change your email to that address" in page_text(taken)
    assert "already" not in page_text(taken).split("There is a problem")[1][:120]

    laptop.post("/settings/email", data={"email": "bob.new@example.org", "password": CAST_PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, bob.id).email == "bob.new@example.org"
    assert emails_to("bob@example.org")[-1]["Subject"] == "Your email address was changed – Kindred"
    assert emails_to("bob.new@example.org")[-1]["Subject"] == "Your email address was changed – Kindred"


def test_signing_out_needs_a_confirmation_and_a_post(client_for, alice):
    laptop = client_for(alice)
    assert "Do you want to sign out?" in page_text(laptop.get("/sign-out"))
    assert "Signed in as Alice Morgan" in page_text(laptop.get("/"))
    response = laptop.post("/sign-out")
    assert "You have signed out" in page_text(laptop.get(response.headers["Location"]))
    assert "Signed in as" not in page_text(laptop.get("/"))


def test_only_a_hash_of_emailed_tokens_is_stored(client, alice):
    client.post("/sign-in/email-link", data={"email": "alice@example.org"})
    secret = first_link(emails_to("alice@example.org")[-1], "/sign-in/link/").rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(EmailToken.token_hash)).all()
    assert stored and secret not in stored and all(len(value) == 64 for value in stored)


def test_pressing_create_my_account_twice_makes_one_account(client):
    for _ in range(2):
        assert "Check your email" in page_text(client.post("/register", data=register_form()))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "carol@example.org")) == 1
    subjects = [message["Subject"] for message in emails_to("carol@example.org")]
    assert subjects == ["Welcome to Kindred – Kindred", "You already have an account – Kindred"]
