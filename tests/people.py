"""Extra members for the profile stories, made through the same service as the cast."""
from app.models import Role
from app.services import accounts, profiles
from tests.helpers import CAST_PASSWORD


def new_member(name: str, handle: str | None = None, role: Role = Role.CARER):
    handle = handle or name.split()[0].lower()
    return accounts.register(name, f"{handle}@example.org", CAST_PASSWORD, role, confirmed=True)


def write_profile(member, visibility: str = "members", **fields):
    """Give a member a profile through the service, every field at one visibility level."""
    values = {"about": "", "helps_me": "", "interests": "", "town": ""}
    values.update(fields)
    return profiles.update(
        member, visibility={name: visibility for name in ("photo", "about", "helps_me", "interests", "town")}, **values
    ).profile
