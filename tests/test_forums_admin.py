"""Administrators manage categories; nobody else can, checked on the server."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Audience, Category
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import page_text


def test_root_adds_and_changes_a_category(client_for, root, alice):
    client = client_for(root)
    response = client.post("/admin/categories/new", data={
        "name": "Volunteers' room", "description": "For our volunteers.", "position": "7",
        "read_audience": "volunteers", "post_audience": "volunteers",
    })
    assert "The category “Volunteers' room” is saved." in page_text(client.get(response.location))
    category = db.session.scalar(sa.select(Category).where(Category.slug == "volunteers-room"))
    assert category.read_audience == Audience.VOLUNTEERS and category.position == 7
    client.post(f"/admin/categories/{category.id}/edit", data={
        "name": "Volunteers' room", "description": "", "position": "1", "read_audience": "members", "post_audience": "volunteers",
    })
    db.session.refresh(category)
    assert category.read_audience == Audience.MEMBERS
    assert "Volunteers' room" in page_text(client_for(alice).get("/forums"))


def test_a_category_needs_a_name_and_the_form_keeps_what_was_typed(client_for, root):
    response = client_for(root).post("/admin/categories/new", data={
        "name": "   ", "description": "Kept description", "read_audience": "members", "post_audience": "members"})
    assert "Write a name for the category." in page_text(response)
    assert "Kept description" in response.get_data(as_text=True)


def test_only_admins_manage_categories(client, client_for, alice, maya, welcome):
    assert client_for(maya).get("/admin/categories").status_code == 403
    assert client_for(alice).post("/admin/categories/new", data={"name": "Mine", "read_audience": "members", "post_audience": "members"}).status_code == 403
    assert client.get("/admin/categories").status_code == 302
    assert db.session.scalar(sa.select(Category).where(Category.name == "Mine")) is None
