"""Alice looks for meet-ups near Bangor in a real browser with JavaScript off and only the keyboard:
the site asks which Bangor she means, and her choice is kept."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_alice_chooses_which_bangor_without_javascript(context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto("/meetups")
    page.locator("summary", has_text="Find meet-ups that suit you").press("Enter")
    page.get_by_label("Near a town or postcode").fill("Bangor")
    page.get_by_label("Near a town or postcode").press("Enter")
    page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Which Bangor do you mean?")
    expect(page.get_by_role("link", name="Bangor, Northern Ireland", exact=True)).to_be_visible()
    page.get_by_role("link", name="Bangor, Wales", exact=True).press("Enter")
    page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Meet-ups")
    expect(page.get_by_label("Near a town or postcode")).to_have_value("Bangor, Wales")
    expect(page.locator("main")).to_contain_text("Contains OS data © Crown copyright")
