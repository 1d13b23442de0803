"""Managing the forums: categories (administrators), pinning and locking threads (moderators)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import Audience, Category, Thread
from app.permissions import can_moderate, is_admin
from app.services import audit
from app.services.errors import Invalid, NotAllowed


# ---- Pinning and locking threads (moderators) -----------------------------------------------------


def set_pinned(moderator, thread: Thread, pinned: bool) -> None:
    if not can_moderate(moderator):
        raise NotAllowed(_("Only moderators can pin threads."))
    thread.is_pinned = pinned
    audit.record(moderator, "pin_thread" if pinned else "unpin_thread", thread, thread.title)
    db.session.commit()


def set_locked(moderator, thread: Thread, locked: bool) -> None:
    if not can_moderate(moderator):
        raise NotAllowed(_("Only moderators can lock threads."))
    thread.is_locked = locked
    audit.record(moderator, "lock_thread" if locked else "unlock_thread", thread, thread.title)
    db.session.commit()


# ---- Categories (administrators) -----------------------------------------------------------------


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "category"


def save_category(admin, name: str, description: str, position: int, read_audience, post_audience,
                  category: Category | None = None) -> Category:
    if not is_admin(admin):
        raise NotAllowed(_("Only an administrator can change categories."))
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Write a name for the category."), field="name")
    if len(name) > 80:
        raise Invalid(_("Keep the name to 80 characters or fewer."), field="name")
    slug = slugify(name)
    clash = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if clash is not None and clash is not category:
        raise Invalid(_("There is already a category with that name. Choose a different name."), field="name")
    created = category is None
    if created:
        category = Category()
        db.session.add(category)
    category.name, category.slug = name, slug
    category.description = (description or "").strip()
    category.position = position or 0
    category.read_audience, category.post_audience = Audience(read_audience), Audience(post_audience)
    db.session.flush()
    audit.record(admin, "create_category" if created else "update_category", category, name)
    db.session.commit()
    return category
