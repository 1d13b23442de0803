"""Profiles: editing (with the photo), what each viewer may see, and the members directory."""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app import permissions
from app.extensions import db
from app.models import Profile, ReportReason, TextStatus, User, Visibility
from app.models.profiles import FIELD_LABELS, PRIVATE_FIELDS
from app.services import blocking, connections, moderation, paging, photos, safety
from app.services.errors import Invalid

DIRECTORY_PAGE_SIZE = 20
TEXT_LIMITS = {"about": 2000, "helps_me": 1000, "interests": 300, "town": 80}

# What members read (in their language). FIELD_LABELS in the models stays English: moderation
# keeps the profile text with those labels as data.
FIELD_TITLES = {
    "photo": _l("Photo"),
    "about": _l("About me"),
    "helps_me": _l("Things that help me"),
    "interests": _l("Interests"),
    "town": _l("Town or area"),
}
VISIBILITY_TITLES = {
    Visibility.EVERYONE: _l("Everyone, including visitors who are not signed in"),
    Visibility.MEMBERS: _l("Kindred members"),
    Visibility.CONNECTIONS: _l("Only my connections"),
    Visibility.ONLY_ME: _l("Only me"),
}
VISIBILITY_SHORT_TITLES = {
    Visibility.EVERYONE: _l("Everyone"),
    Visibility.MEMBERS: _l("Members"),
    Visibility.CONNECTIONS: _l("My connections"),
    Visibility.ONLY_ME: _l("Only me"),
}
# "Choose who can see your about me." as whole sentences, so each can be translated.
CHOOSE_WHO_CAN_SEE = {
    "photo": _l("Choose who can see your photo."),
    "about": _l("Choose who can see your about me."),
    "helps_me": _l("Choose who can see your things that help me."),
    "interests": _l("Choose who can see your interests."),
    "town": _l("Choose who can see your town or area."),
}


def profile_of(user: User) -> Profile:
    """The member's profile, or the protective defaults if they have not written one yet (not saved)."""
    return user.profile if user.profile is not None else Profile.defaults_for(user.role)


def ensure_profile(user: User) -> Profile:
    if user.profile is None:
        profile = Profile.defaults_for(user.role)
        profile.user_id = user.id
        user.profile = profile
        db.session.add(profile)
    return user.profile


def _clean_text(value: str | None, field_name: str) -> str:
    # Plain text only. Line breaks are kept (shown with white-space: pre-line); no HTML is ever made from it.
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > TEXT_LIMITS[field_name]:
        raise Invalid(
            _("%(field)s can be up to %(limit)s characters. Please make it a little shorter.",
              field=FIELD_TITLES[field_name], limit=TEXT_LIMITS[field_name]),
            field=field_name,
        )
    if field_name in ("town", "interests"):
        text = " ".join(text.split())
    return text


@dataclass(frozen=True)
class Saved:
    """What saving a profile came to: the profile, and how its new words were screened, for the
    page to tell the member (held: only they see their words until a volunteer checks them)."""
    profile: Profile
    screened: safety.Screened

    @property
    def held(self) -> bool:
        return self.screened.held

    @property
    def support(self) -> bool:
        return self.screened.support


def update(user: User, *, about: str, helps_me: str, interests: str, town: str, visibility: dict,
           photo=None, remove_photo: bool = False) -> Saved:
    """Save a member's profile. The photo is checked first, so a bad photo changes nothing."""
    moderation.ensure_can_participate(user)
    new_photo = photos.clean_photo(photo) if photo is not None else None
    values = {name: _clean_text(value, name) for name, value in
              (("about", about), ("helps_me", helps_me), ("interests", interests), ("town", town))}
    # Watched words on the written fields. "Hold" for profile text means: it is saved, the member
    # sees it, and nobody else does until a volunteer approves it (their name and photo still show).
    changed = {name: value for name, value in values.items() if value != getattr(user.profile, name, "")}
    screened = safety.screen(user, "\n".join(changed.values()), "profile")
    if screened.blocked:
        raise Invalid(_("%(problem)s We have kept what you wrote.", problem=screened.tell()), field="about")
    levels = {}
    for name in PRIVATE_FIELDS:
        try:
            levels[name] = Visibility(visibility.get(name))
        except ValueError:
            raise Invalid(str(CHOOSE_WHO_CAN_SEE[name]), field=f"{name}_visibility")
    profile = ensure_profile(user)
    for name, value in values.items():
        setattr(profile, name, value)
    for name, level in levels.items():
        setattr(profile, f"{name}_visibility", level)
    old_photo = profile.photo_name
    if new_photo is not None:
        profile.photo_name = photos.store(new_photo)
    elif remove_photo:
        profile.photo_name = None
    if screened.held:
        profile.text_status = TextStatus.HELD
        screened.held_because = f"Profile text: {screened.held_because}"
    db.session.flush()
    moderation.record_screening(screened, "profile", profile, author_id=user.id)
    db.session.commit()
    if old_photo and old_photo != profile.photo_name:
        photos.remove(old_photo)
    return Saved(profile, screened)


@dataclass
class ShownField:
    name: str
    label: str
    value: str
    visibility: Visibility

    @property
    def who_can_see(self) -> str:
        return VISIBILITY_TITLES[self.visibility]


@dataclass
class ProfileView:
    """What one viewer sees of one member. Hidden fields are simply not here, so a template
    cannot show them by mistake."""

    owner: User
    level: int
    viewer_is_member: bool
    fields: list[ShownField] = field(default_factory=list)
    photo_name: str | None = None
    photo_visibility: Visibility | None = None
    text_status: TextStatus | None = None  # the member's own view only: "held" or "hidden" explains itself
    moderation_note: str | None = None

    @property
    def is_self(self) -> bool:
        return self.level == permissions.SELF

    @property
    def shows_identity(self) -> bool:
        """Members see every member's name and role (a member who was blocked too, so that nothing
        tells them). A visitor sees a name only when the member chose to show something to everyone."""
        return self.viewer_is_member or bool(self.fields) or self.photo_name is not None

    @property
    def shows_role(self) -> bool:
        # The role can say something about health ("Living with dementia"): members only.
        return self.viewer_is_member


def view(viewer, owner: User, *, connected: bool | None = None, blocked_by_owner: bool | None = None) -> ProfileView:
    level = permissions.audience(viewer, owner, connected=connected, blocked_by_owner=blocked_by_owner)
    profile = profile_of(owner)
    shown = ProfileView(owner=owner, level=level, viewer_is_member=permissions.is_member(viewer))
    text_withheld = profile.text_status not in (None, TextStatus.VISIBLE) and level != permissions.SELF
    shown.text_status = profile.text_status if level == permissions.SELF else None
    shown.moderation_note = profile.moderation_note if level == permissions.SELF else None
    for name in PRIVATE_FIELDS:
        visibility = profile.visibility_of(name)
        if not permissions.visible_at(visibility, level):
            continue
        if text_withheld and name != "photo":
            continue
        if name == "photo":
            if profile.photo_name:
                shown.photo_name = profile.photo_name
                shown.photo_visibility = visibility
            continue
        value = profile.value_of(name)
        if value or level == permissions.SELF:
            shown.fields.append(ShownField(name, FIELD_TITLES[name], value, visibility))
    return shown


def photo_for(viewer, owner: User, name: str) -> str | None:
    """The stored photo's name if `viewer` may see it and `name` is the current one."""
    if not permissions.can_view_profile(viewer, owner):
        return None
    profile = owner.profile
    if profile is None or not profile.photo_name or profile.photo_name != name:
        return None
    if not permissions.can_view_field(viewer, owner, profile.photo_visibility):
        return None
    return profile.photo_name


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _visible_sql(column, viewer: User, connected_ids: set[int], blocked_me: set[int]):
    """SQL for "viewer may see this field", so a search never matches on a hidden town or interest."""
    public = column == Visibility.EVERYONE
    members = sa.and_(column == Visibility.MEMBERS, Profile.user_id.not_in(blocked_me or {-1}))
    friends = sa.and_(column == Visibility.CONNECTIONS, Profile.user_id.in_(connected_ids or {-1}))
    own = Profile.user_id == viewer.id
    # Text held for approval or hidden by a volunteer is never matched for anyone else.
    return sa.or_(sa.and_(sa.or_(public, members, friends), Profile.text_status == TextStatus.VISIBLE), own)


@dataclass
class DirectoryPage:
    entries: list[ProfileView]
    listing: paging.KeysetPage  # its keys for the Older and Newer links
    total: int | None  # how many match a search (None: no search, no count)


# A to Z by the name as the database lowers it (SQLite lowers only A-Z), then id: read back beside
# each member, so the key written into the next page's address is exactly what the database sorts by.
DIRECTORY_KEY = paging.KeyFormat((paging.TEXT, paging.ID))


def directory(viewer: User, query: str = "", position: paging.Position = paging.Position(),
              per_page: int = DIRECTORY_PAGE_SIZE) -> DirectoryPage:
    """Members A to Z, searchable by name, town or interest, in a fixed number of queries, paged by
    key ("Next"/"Previous" carry the name and id at that edge of the page)."""
    connected_ids = connections.connection_ids(viewer)
    blocked_me = blocking.blocked_by_ids(viewer)
    sort_name = sa.func.lower(User.display_name)
    statement = (
        sa.select(User, sort_name.label("sort_name"))
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(User.deleted_at.is_(None), User.purged_at.is_(None))
    )
    term = " ".join((query or "").split())[:80]
    total = None
    if term:
        pattern = f"%{_escape_like(term)}%"
        statement = statement.where(
            sa.or_(
                User.display_name.ilike(pattern, escape="\\"),
                sa.and_(Profile.town.ilike(pattern, escape="\\"), _visible_sql(Profile.town_visibility, viewer, connected_ids, blocked_me)),
                sa.and_(Profile.interests.ilike(pattern, escape="\\"), _visible_sql(Profile.interests_visibility, viewer, connected_ids, blocked_me)),
            )
        )
        total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.with_only_columns(User.id).subquery())) or 0

    def fetch(direction: str, key: tuple | None, how_many: int) -> list:
        ordered = paging.in_order_from_key(statement.options(sa.orm.contains_eager(User.profile)), (sort_name, User.id),
                                           direction, descending=False)
        return list(db.session.execute(ordered.limit(how_many), paging.key_parameters(key)).unique())

    listing = paging.read_page(fetch, lambda row: (row.sort_name, row.User.id), DIRECTORY_KEY, position, per_page)
    entries = [
        view(viewer, row.User, connected=row.User.id in connected_ids, blocked_by_owner=row.User.id in blocked_me)
        for row in listing.rows
    ]
    return DirectoryPage(entries=entries, listing=listing, total=total)


# ---- Moderation: the profile content kind (content_id is the member's user id; the written fields are moderated, not the name) ----

PROFILE_TEXT_FIELDS = ("about", "helps_me", "interests", "town")


def _load_profile(user_id):
    """The member's profile; for a member who never wrote one, their defaults, not stored (showing
    the report page writes nothing; moderation.report stores it with the report)."""
    profile = db.session.get(Profile, user_id)
    if profile is None:
        owner = db.session.get(User, user_id)
        if owner is None:
            return None
        profile = Profile.defaults_for(owner.role)
        profile.user_id = owner.id
        set_committed_value(profile, "user", owner)  # no backref event: it stays out of the session
    return profile


def _profile_text(profile):
    return "\n".join(f"{FIELD_LABELS[name]}: {getattr(profile, name)}" for name in PROFILE_TEXT_FIELDS if getattr(profile, name))


def _profile_visible_to(viewer, profile) -> bool:
    return profile.user is not None and permissions.can_view_profile(viewer, profile.user)


def _profile_text_for(viewer, profile) -> str:
    """Only the fields the profile page shows this person (services.profiles.view decides)."""
    shown = view(viewer, profile.user)
    return "\n".join(f"{item.label}: {item.value}" for item in shown.fields if item.name in PROFILE_TEXT_FIELDS and item.value)


def _profile_text_for_case(case, profile) -> str:
    """Moderators count as members (permissions.audience): they read the fields members see, and a
    field kept for connections only when a connection reported it, because that reporter shared it.
    A field the owner kept for themself never reaches staff."""
    level = permissions.MEMBER
    for row in case.reports:
        if row.reporter is not None:
            level = max(level, min(permissions.audience(row.reporter, profile.user), permissions.CONNECTION))
    return "\n".join(
        f"{FIELD_LABELS[name]}: {getattr(profile, name)}" for name in PROFILE_TEXT_FIELDS
        if getattr(profile, name) and permissions.visible_at(profile.visibility_of(name), level)
    )


def _set_profile_status(profile, status, note=None):
    profile.text_status, profile.moderation_note = status, note


def _delete_profile_text(profile, moderator):
    for name in PROFILE_TEXT_FIELDS:
        setattr(profile, name, "")
    _set_profile_status(profile, TextStatus.VISIBLE)


def _edit_profile(profile, new_text, moderator, note):
    profile.about = (new_text or "").strip()[:2000]
    _set_profile_status(profile, TextStatus.VISIBLE, note)


moderation.register(moderation.ContentKind(
    name="profile", noun="profile", load=_load_profile, author_id=lambda p: p.user_id, text=_profile_text,
    url=lambda p: url_for("profiles.show", user_id=p.user_id),
    hide=lambda p, reason, m: _set_profile_status(p, TextStatus.HIDDEN, reason),
    restore=lambda p, m: _set_profile_status(p, TextStatus.VISIBLE),
    delete=_delete_profile_text, edit=_edit_profile, is_hidden=lambda p: p.text_status not in (None, TextStatus.VISIBLE),
    template="moderation/content/_profile.html", describe=lambda p: _("The profile of %(name)s", name=p.user.display_name),
    visible_to=lambda viewer, p: _profile_visible_to(viewer, p), text_for=lambda viewer, p: _profile_text_for(viewer, p),
    text_for_case=lambda case, p: _profile_text_for_case(case, p), id_of=lambda p: p.user_id,
))
