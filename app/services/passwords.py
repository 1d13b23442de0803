"""Password hashing (argon2id) and the password policy (length, very common passwords)."""
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 128


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)  # argon2id by default


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common leaked passwords; we only refuse exact (case-insensitive) hits.
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, email: str = "", display_name: str = "") -> str | None:
    """Return a kind sentence explaining what is wrong with a new password, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return _("Your password needs at least %(count)s characters. A few ordinary words together work well.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Your password can be up to %(count)s characters. Please make it a little shorter.", count=MAX_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.strip("0123456789!") in _common_passwords():
        return _(
            "That password is one of the most common ones, so it is easy to guess. "
            "Try three or four ordinary words together, like \"teapot garden sunny bus\"."
        )
    local_part = email.split("@")[0].lower()
    if (local_part and len(local_part) >= 4 and lowered == local_part) or (display_name and lowered == display_name.lower()):
        return _("Your password should not be your name or email address. Try three or four ordinary words together.")
    return None
