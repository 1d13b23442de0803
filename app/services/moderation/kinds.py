"""The content registry. Content is pointed at generically (content_type, content_id); CONTENT_KINDS maps
each type to the few operations moderation needs (load, author, show in context, hide, restore, delete,
edit), so a new feature (chat) plugs in by registering one ContentKind.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import gettext as _

from app.models import User
from app.services.errors import NotFound


@dataclass
class ContentKind:
    name: str  # "post"
    noun: str  # "post", "thread", "profile", "meet-up": for sentences
    load: Callable[[int], Any]
    author_id: Callable[[Any], int | None]
    text: Callable[[Any], str]  # what was written, for the moderator
    url: Callable[[Any], str]
    hide: Callable[[Any, str, User], None]
    restore: Callable[[Any, User], None]
    delete: Callable[[Any, User], None]
    edit: Callable[[Any, str, User, str], None]
    is_hidden: Callable[[Any], bool]
    template: str  # the snippet that shows it in context on the case page
    describe: Callable[[Any], str] = lambda obj: ""
    # What sits either side of it (the thread around a post, the room around a message), whatever
    # their status; None where the content stands alone.
    around: Callable[[Any], list] | None = None
    # The rule of the content's own page: may this person (member or visitor) see it there?
    # Every other page that shows it (report, case, appeal) asks this same question.
    visible_to: Callable[[Any, Any], bool] = lambda viewer, obj: False
    # What this person may read of it, where that depends on who they are (profile fields);
    # None means everyone who may see it sees all of `text`.
    text_for: Callable[[Any, Any], str] | None = None
    # What moderators read on its case, where that depends on who reported it (profile fields).
    text_for_case: Callable[[Any, Any], str] | None = None
    # The id a case stores for it (a profile is stored by its member's user id).
    id_of: Callable[[Any], int] = lambda obj: obj.id
    # Have other people replied to it (a thread's first post)? Reports then do not hide it on their own.
    others_replied: Callable[[Any], bool] = lambda obj: False

    def shown_text(self, viewer, obj) -> str:
        return self.text_for(viewer, obj) if self.text_for else self.text(obj)

    def case_text(self, case, obj) -> str:
        return self.text_for_case(case, obj) if self.text_for_case else self.text(obj)


# Each feature registers the kinds it owns when its service module is imported (forums: post and
# thread; profiles; meetups; chat: chat message), so moderation never imports a feature.
CONTENT_KINDS: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> None:
    """Make a kind of member content reportable and moderable. Called once per kind, at import."""
    CONTENT_KINDS[kind.name] = kind


def kind_of(content_type: str) -> ContentKind:
    try:
        return CONTENT_KINDS[content_type]
    except KeyError:
        raise NotFound(_("We cannot find that."))


def load_content(content_type: str, content_id: int):
    """The content whoever asks: for moderators' own pages (cases), never for a member's page."""
    obj = kind_of(content_type).load(content_id) if isinstance(content_id, int) else None
    if obj is None:
        raise NotFound(_("We cannot find that. It may have been deleted."))
    return obj


def content_for(viewer, content_type: str, content_id: int):
    """The content if `viewer` may see it on its own page, else NotFound with the same words as
    missing content, so nothing (not even that it exists) leaks through a report page."""
    kind = kind_of(content_type)
    obj = kind.load(content_id) if isinstance(content_id, int) and 0 < content_id < 2**62 else None
    if obj is None or not kind.visible_to(viewer, obj):
        raise NotFound(_("We cannot find that. It may have been deleted."))
    return obj


def content_id(content_type, obj) -> int:
    """The id a case stores for this content."""
    return kind_of(content_type).id_of(obj)


_content_id = content_id
