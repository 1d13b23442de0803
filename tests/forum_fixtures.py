"""Forum set-up shared by the forum tests: categories for each audience, made through the services."""
import pytest

from app.models import Audience, Role
from app.services import accounts, forums
from tests.helpers import CAST_PASSWORD

# name -> (read audience, audience that may start threads)
CATEGORY_AUDIENCES = {
    "Welcome and introductions": (Audience.EVERYONE, Audience.MEMBERS),
    "Living with dementia": (Audience.MEMBERS, Audience.LIVING_WITH_DEMENTIA),
    "Caring for someone": (Audience.CARERS, Audience.CARERS),
    "Volunteers' room": (Audience.VOLUNTEERS, Audience.VOLUNTEERS),
}


@pytest.fixture
def categories(root):
    made = {}
    for position, (name, (read, post)) in enumerate(CATEGORY_AUDIENCES.items()):
        made[name] = forums.save_category(root, name, f"About {name}.", position, read, post)
    return made


@pytest.fixture
def welcome(categories):
    return categories["Welcome and introductions"]


@pytest.fixture
def val(app):
    """Val asked to be a volunteer; an administrator has not approved her yet."""
    return accounts.register("Val Jones", "val@example.org", CAST_PASSWORD, Role.VOLUNTEER, confirmed=True)


@pytest.fixture
def alices_thread(alice, welcome):
    return forums.start_thread(alice, welcome, "Hello from Alice", "I love my garden and my cat, Biscuit.").thread
