"""Display settings: text size and colours, for visitors (a cookie) and members (their account)."""
import re

from app.extensions import db
from app.models import User
from tests.helpers import page_text


def html_classes(response):
    return re.search(r'<html lang="en-GB" class="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_a_visitor_chooses_the_largest_text_and_high_contrast_without_an_account(client):
    assert html_classes(client.get("/")) == "text-standard colours-standard"
    response = client.post("/settings/display", data={"text_size": "largest", "colour_scheme": "high-contrast"})
    assert "Your display settings are saved" in page_text(client.get(response.headers["Location"]))
    assert html_classes(client.get("/help")) == "text-largest colours-high-contrast"
    cookie = client.get_cookie("kindred_display")
    assert cookie.value == "largest.high-contrast" and cookie.http_only


def test_alice_saves_cream_and_large_text_on_her_account_so_every_device_shows_it(client_for, alice):
    laptop = client_for(alice)
    laptop.post("/settings/display", data={"text_size": "large", "colour_scheme": "cream"})
    db.session.expire_all()
    stored = db.session.get(User, alice.id)
    assert (stored.text_size, stored.colour_scheme) == ("large", "cream")
    tablet = client_for(alice)
    assert html_classes(tablet.get("/")) == "text-large colours-cream"
    # The form shows her current choice.
    assert re.search(r'id="text_size-1"[^>]*checked|checked[^>]*id="text_size-1"', tablet.get("/settings/display").get_data(as_text=True))


def test_a_made_up_setting_is_refused_with_a_sentence(client):
    response = client.post("/settings/display", data={"text_size": "enormous", "colour_scheme": "standard"})
    assert "There is a problem" in page_text(response)
    assert page_text(response).startswith("Error: Display settings")
    assert html_classes(client.get("/")) == "text-standard colours-standard"


def test_a_tampered_cookie_falls_back_to_the_standard_look(client):
    client.set_cookie("kindred_display", "huge.<script>")
    assert html_classes(client.get("/")) == "text-standard colours-standard"
