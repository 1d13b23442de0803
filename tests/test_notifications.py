"""Alice's notifications: newest first, paged by "Older", and "Mark all as read"."""
from app.extensions import db
from app.services import notifications
from tests.helpers import page_text


def _tell(member, count):
    for number in range(count):
        notifications.notify(member, "test", f"Reminder number {number:02d}.", "/")
    db.session.commit()


def test_newest_first_twenty_to_a_page(alice, client_for):
    _tell(alice, 25)
    browser = client_for(alice)
    first = browser.get("/notifications")
    text = page_text(first)
    assert text.index("Reminder number 24.") < text.index("Reminder number 23.")
    assert "Reminder number 05." in text and "Reminder number 04." not in text
    older = first.get_data(as_text=True).split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = page_text(browser.get(older.replace("&amp;", "&")))
    assert "Reminder number 04." in second and "Reminder number 00." in second and "Reminder number 05." not in second
    assert "Newer" in second


def test_mark_all_as_read_clears_the_count_in_the_header(alice, client_for):
    _tell(alice, 3)
    browser = client_for(alice)
    assert "Notifications (3 new)" in page_text(browser.get("/notifications"))
    response = browser.post("/notifications/read")
    text = page_text(browser.get(response.headers["Location"]))
    assert "All your notifications are marked as read." in text
    assert "new)" not in text and "Mark all as read" not in text
    assert notifications.unread_count(alice) == 0


def test_members_only_see_their_own_notifications(alice, bob, client_for):
    _tell(alice, 1)
    assert "Reminder number 00." not in page_text(client_for(bob).get("/notifications"))


def test_a_visitor_is_asked_to_sign_in(client):
    assert "/sign-in" in client.get("/notifications").headers["Location"]
