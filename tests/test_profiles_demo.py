"""The demo cast has profiles, Alice and Bob are connected and Bob is in Alice's circle; seeding twice changes nothing."""
import sqlalchemy as sa

from app.extensions import db
from app.models import CircleLink, Connection, Profile
from app.services import accounts, circle, connections, demo


def test_demo_profiles_connection_and_circle(app):
    demo.seed()
    demo.seed()
    alice = accounts.find_by_email("alice@example.org")
    bob = accounts.find_by_email("bob@example.org")
    assert alice.profile.town == "Chester"
    assert alice.profile.helps_me == "Give me time to answer. Short messages are best."
    assert connections.are_connected(alice, bob)
    assert circle.acting_for(bob, alice)
    assert db.session.scalar(sa.select(sa.func.count(Connection.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(CircleLink.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Profile)) == 4


def test_every_new_page_has_one_heading_a_title_and_works_as_plain_html(app, client):
    demo.seed()
    pages = ["/members", "/members/me/edit", "/connections", "/circle", "/notifications", "/settings/blocked",
             "/settings/my-data", "/settings/my-data/delete"]
    for handle in ("alice", "bob"):
        browser = app.test_client()
        browser.post("/sign-in", data={"email": f"{handle}@example.org", "password": demo.DEMO_PASSWORD})
        for path in pages:
            response = browser.get(path)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert html.count("<h1") == 1, path
            assert "<title>" in html and " – Kindred</title>" in html, path
            # Every form posts (or searches) without needing JavaScript.
            assert html.count("<form") == html.count('method="post"') + html.count('method="get"'), path
