"""Display preferences (text size and colours): saved on the member, or in a cookie for visitors."""
from dataclasses import dataclass

from app.models.users import COLOUR_SCHEMES, TEXT_SIZES

COOKIE_NAME = "kindred_display"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Display:
    text_size: str = "standard"
    colour_scheme: str = "standard"

    @property
    def html_classes(self) -> str:
        return f"text-{self.text_size} colours-{self.colour_scheme}"

    def cookie_value(self) -> str:
        return f"{self.text_size}.{self.colour_scheme}"


def parse_cookie(value: str | None) -> Display:
    try:
        text_size, colour_scheme = (value or "").split(".", 1)
    except ValueError:
        return Display()
    if text_size not in TEXT_SIZES or colour_scheme not in COLOUR_SCHEMES:
        return Display()
    return Display(text_size, colour_scheme)


def display_preferences(user, cookies) -> Display:
    if getattr(user, "is_authenticated", False):
        return Display(user.text_size, user.colour_scheme)
    return parse_cookie(cookies.get(COOKIE_NAME))
