"""Whole journeys in a real browser: joining and signing in every way with JavaScript turned off and
only the keyboard, the GOV.UK error pattern, and typed-in script that must never run."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import emails_to, link_in

pytestmark = pytest.mark.browser

PASSWORD = "blue kettle on the hill"
NEW_PASSWORD = "seven swans by the river"


def press_button(page, name: str, key: str = "Enter") -> None:
    """Reach a button by its words and press it with the keyboard, then wait for the next page."""
    page.get_by_role("button", name=name, exact=True).press(key)
    page.wait_for_load_state()


def follow_link(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).first.press("Enter")
    page.wait_for_load_state()


def choose(page, label: str) -> None:
    """Select a radio button with the space bar."""
    page.get_by_label(label, exact=True).press("Space")
    expect(page.get_by_label(label, exact=True)).to_be_checked()


def latest_link(site, address: str, subject: str, path_prefix: str) -> str:
    messages = [message for message in emails_to(site.outbox_dir, address) if message["Subject"].startswith(subject)]
    assert messages, f"no email {subject!r} to {address} in {site.outbox_dir}"
    return link_in(messages[-1], path_prefix)


def expect_signed_in(page, name: str) -> None:
    expect(page.locator("header.site-header")).to_contain_text(f"Signed in as {name}")


def sign_out(page) -> None:
    follow_link(page, "Your account")
    follow_link(page, "Sign out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Do you want to sign out?")
    press_button(page, "Yes, sign me out")
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    expect(page.locator("header.site-header")).not_to_contain_text("Signed in as")


def register(page, name: str, address: str, password: str = PASSWORD) -> None:
    page.goto("/register")
    page.get_by_label("Your name, as other members will see it").fill(name)
    page.get_by_label("Email address").fill(address)
    page.get_by_label("Choose a password").fill(password)
    choose(page, "I care for someone")
    press_button(page, "Create my account")


def test_a_visitor_joins_and_signs_in_every_way_with_the_keyboard_and_no_javascript(context_factory, site):
    page = context_factory(java_script_enabled=False).new_page()
    address = "nora.journey@example.org"

    # Nora registers; the welcome email's link confirms her address and signs her in.
    register(page, "Nora Journey", address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(latest_link(site, address, "Welcome to Kindred", "/sign-in/link/"))
    press_button(page, "Sign me in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nora Journey")
    expect_signed_in(page, "Nora Journey")

    # She makes the text largest and the colours high contrast, and the page changes.
    follow_link(page, "Display settings")
    choose(page, "Largest text")
    choose(page, "High contrast: white text on black")
    press_button(page, "Save display settings")
    expect(page.get_by_role("status")).to_contain_text("Your display settings are saved")
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-largest\b.*\bcolours-high-contrast\b"))
    expect(page.get_by_label("Largest text", exact=True)).to_be_checked()

    # She signs out through the confirmation page; her display settings stay on this device.
    sign_out(page)
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-largest\b.*\bcolours-high-contrast\b"))

    # She asks for an emailed sign-in link and uses it.
    follow_link(page, "Sign in")
    page.get_by_label("Email address for the link").fill(address)
    press_button(page, "Email me a sign-in link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(latest_link(site, address, "Your sign-in link", "/sign-in/link/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your link")
    press_button(page, "Sign me in", key="Space")
    expect_signed_in(page, "Nora Journey")
    sign_out(page)

    # She has forgotten her password, chooses a new one, and signs in with it.
    follow_link(page, "Sign in")
    follow_link(page, "I have forgotten my password")
    page.get_by_label("Email address").fill(address)
    press_button(page, "Email me a link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(latest_link(site, address, "Choose a new password", "/reset-password/"))
    page.get_by_label("New password").fill(NEW_PASSWORD)
    press_button(page, "Save my new password")
    expect_signed_in(page, "Nora Journey")
    sign_out(page)

    follow_link(page, "Sign in")
    page.get_by_label("Email address", exact=True).fill(address)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    press_button(page, "Sign in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Nora Journey")
    expect_signed_in(page, "Nora Journey")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_register_errors_are_summarised_and_what_was_typed_is_kept(context_factory, javascript):
    page = context_factory(java_script_enabled=javascript).new_page()
    page.goto("/register")
    page.get_by_label("Your name, as other members will see it").fill("Omar Typed")
    page.get_by_label("Email address").fill("omar.typed@example.org")
    press_button(page, "Create my account")  # no password, no role chosen

    assert page.title().startswith("Error: "), page.title()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter a password.")).to_have_attribute("href", "#password")
    expect(page.get_by_label("Your name, as other members will see it")).to_have_value("Omar Typed")
    expect(page.get_by_label("Email address")).to_have_value("omar.typed@example.org")
    if javascript:
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), "focus is not on the error summary"


PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    '"><svg onload=alert(3)>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_typed_into_forms_never_runs(context_factory, site, payload):
    # The Content-Security-Policy would stop inline script anyway; bypassing it here proves
    # that the text itself is escaped, so one mistake in the policy would not open a hole.
    page = context_factory(bypass_csp=True).new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    address = f"payload{PAYLOADS.index(payload)}@example.org"

    # Typed into a form that comes back with an error, and kept.
    page.goto("/register")
    page.get_by_label("Your name, as other members will see it").fill(payload)
    page.get_by_label("Email address").fill(payload)
    press_button(page, "Create my account")
    expect(page.get_by_label("Your name, as other members will see it")).to_have_value(payload)

    # Saved as a display name, and shown on the start page and in the header.
    register(page, payload, address)
    page.goto(latest_link(site, address, "Welcome to Kindred", "/sign-in/link/"))
    press_button(page, "Sign me in")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {payload}")
    expect(page.locator("header.site-header")).to_contain_text(f"Signed in as {payload}")
    follow_link(page, "Your account")
    expect(page.locator("main")).to_contain_text(payload)

    assert page.locator("main img, header img, main svg, header svg, main script").count() == 0
    assert dialogs == [], f"typed script ran: {dialogs}"


def test_bob_signs_out_from_the_header_of_any_page_and_the_saved_cookies_sign_nobody_in(context_factory, site):
    """Shared computers (issue 11): one press of the header's Sign out, with the keyboard and no
    JavaScript, ends the session on the server; cookies copied before it no longer sign in."""
    from tests.browser.support import sign_in_with_form

    context = context_factory(java_script_enabled=False)
    page = context.new_page()
    sign_in_with_form(page, "bob@example.org")
    page.goto("/forums")
    expect_signed_in(page, "Bob Morgan")
    saved = context.cookies()
    page.locator("header.site-header").get_by_role("button", name="Sign out").press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    expect(page.locator("header.site-header")).not_to_contain_text("Signed in as")

    replay = context_factory(java_script_enabled=False)
    replay.add_cookies(saved)
    again = replay.new_page()
    again.goto("/settings")
    expect(again.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(again.locator("header.site-header")).not_to_contain_text("Signed in as")
