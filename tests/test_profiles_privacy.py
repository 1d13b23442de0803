"""What each viewer sees of Alice's profile, for every privacy setting.

Hidden fields must be absent from the HTML itself, not hidden with CSS."""
import io

import pytest
from PIL import Image

from app.services import blocking, connections, profiles
from tests.helpers import page_text
from tests.people import new_member, write_profile

LEVELS = ["everyone", "members", "connections", "only_me"]
VIEWERS = ["visitor", "member", "connection", "blocked", "moderator", "self"]
WHO_SEES = {
    "everyone": set(VIEWERS),
    "members": {"member", "connection", "moderator", "self"},
    "connections": {"connection", "self"},
    "only_me": {"self"},
}
ALICE_SAYS = {
    "about": "I taught at Hoole primary school for thirty years",
    "helps_me": "Give me time to answer. Short messages are best.",
    "interests": "beekeeping, choir singing",
    "town": "Chester",
}


def _photo_upload():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "purple").save(buffer, "PNG")
    buffer.seek(0)
    return buffer


@pytest.fixture
def viewer_client(request, app, alice, client, client_for):
    def make(kind):
        if kind == "visitor":
            return client
        if kind == "self":
            return client_for(alice)
        if kind == "moderator":
            return client_for(request.getfixturevalue("maya"))
        dev = new_member("Dev Shah")
        if kind == "connection":
            connections.accept(alice, connections.ask(dev, alice))
        if kind == "blocked":
            blocking.block(alice, dev)
        return client_for(dev)

    return make


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_viewer_sees_only_what_alice_chose(alice, viewer_client, level, viewer):
    write_profile(alice, level, **ALICE_SAYS)
    profiles.update(alice, visibility={name: level for name in ("photo", "about", "helps_me", "interests", "town")},
                    photo=_photo_upload(), **ALICE_SAYS)
    browser = viewer_client(viewer)

    response = browser.get(f"/members/{alice.id}")
    html = response.get_data(as_text=True)
    sees = viewer in WHO_SEES[level]

    for field, text in ALICE_SAYS.items():
        assert (text in html) == sees, f"{viewer} {'should' if sees else 'should not'} see {field} set to {level}"
    assert (f"/members/{alice.id}/photo/" in html) == sees
    photo = browser.get(f"/members/{alice.id}/photo/{alice.profile.photo_name}")
    assert photo.status_code == (200 if sees else 404)

    text = page_text(response)
    if viewer == "visitor" and level != "everyone":
        # Nothing is shared with visitors, so not even her name is on the page.
        assert "Alice Morgan" not in html
        assert "Living with dementia" not in html
        assert "shares their profile with Kindred members only" in text
    elif viewer == "visitor":
        assert "Alice Morgan" in text
        assert "Living with dementia" not in html  # a role can say something about health: members only
    else:
        # Every member sees her name and role, including someone she blocked (so nothing tells them).
        assert "Alice Morgan" in text and "Living with dementia" in text
    if viewer == "self":
        assert text.count("Who can see this:") == 4
        assert "Who can see your photo" in text
    else:
        assert "Who can see this" not in text
    if viewer == "blocked":
        assert "block" not in text.lower().replace("block alice morgan", "")


def test_a_new_member_living_with_dementia_starts_with_town_and_photo_for_members_only(alice, bob, client, client_for):
    profile = profiles.ensure_profile(alice)
    assert profile.town_visibility.value == "members"
    assert profile.photo_visibility.value == "members"
    assert {profile.about_visibility.value, profile.helps_me_visibility.value, profile.interests_visibility.value} == {"members"}

    profiles.update(alice, about="", helps_me="", interests="", town="Chester",
                    visibility={name: profile.visibility_of(name).value for name in ("photo", "about", "helps_me", "interests", "town")})
    assert "Chester" not in client.get(f"/members/{alice.id}").get_data(as_text=True)
    assert "Chester" in page_text(client_for(bob).get(f"/members/{alice.id}"))


def test_profile_text_is_plain_text_with_line_breaks_kept(alice, client_for):
    write_profile(alice, about="Line one\nLine two <script>alert('hi')</script> **not bold**")
    html = client_for(alice).get(f"/members/{alice.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;" in html
    assert "Line one\nLine two" in html  # shown with white-space: pre-line
    assert "**not bold**" in html


def test_alice_changes_who_can_see_her_town_through_the_edit_page(alice, bob, client_for):
    alice_browser = client_for(alice)
    form = {"about": "Hello", "helps_me": "", "interests": "", "town": "Chester",
            "photo_visibility": "members", "about_visibility": "members", "helps_me_visibility": "members",
            "interests_visibility": "members", "town_visibility": "only_me"}
    response = alice_browser.post("/members/me/edit", data=form)
    assert response.status_code == 302
    assert "Your profile is saved." in page_text(alice_browser.get(response.headers["Location"]))
    assert "Chester" not in client_for(bob).get(f"/members/{alice.id}").get_data(as_text=True)
    assert "Who can see this: Only me" in page_text(alice_browser.get(f"/members/{alice.id}"))


def test_a_moderator_does_not_see_connections_only_fields(alice, maya, client_for):
    write_profile(alice, "connections", about="Only for my friends")
    text = page_text(client_for(maya).get(f"/members/{alice.id}"))
    assert "Only for my friends" not in text
    assert "Alice Morgan has not shared anything else with you yet." in text
