"""Partner organisations: pages made by their members, verified by an administrator."""
import re

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Organisation, OrganisationMember, Role, User
from app.models.types import utcnow
from app.permissions import is_admin
from app.services import accounts, audit, email, photos, safety
from app.services.errors import Conflict, Invalid, NotAllowed

KINDS = ("charity", "council", "other")
DESCRIPTION_LIMIT = 2000


def can_create(user: User) -> bool:
    """Members who chose "I represent an organisation" (approved or still waiting)."""
    return getattr(user, "is_authenticated", False) and user.role == Role.ORGANISATION


def is_member(user: User, organisation: Organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return any(membership.user_id == user.id for membership in organisation.memberships)


def _clean(name, kind, registration, website, description, contact_email, contact_phone) -> dict:
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Enter the name of the organisation."), field="name")
    if len(name) > 120:
        raise Invalid(_("Keep the name to 120 characters or fewer."), field="name")
    if kind not in KINDS:
        raise Invalid(_("Choose what kind of organisation it is."), field="kind")
    website = (website or "").strip()
    if website and not re.match(r"^https?://[^\s/]+\.[^\s]+$", website, re.I):
        raise Invalid(_("Enter the website address starting with https://, or leave it empty."), field="website")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise Invalid(_("Keep the description to %(limit)s characters or fewer.", limit=f"{DESCRIPTION_LIMIT:,}"), field="description")
    contact_email = (contact_email or "").strip()
    if contact_email:
        contact_email = accounts.normalise_email(contact_email)
    return {
        "name": name,
        "kind": kind,
        "registration": (registration or "").strip()[:40],
        "website": website,
        "description": description,
        "contact_email": contact_email,
        "contact_phone": (contact_phone or "").strip()[:40],
    }


def _screen(user: User, values: dict) -> None:
    """An organisation's page may show its own numbers; scams and blocked words are not saved."""
    screened = safety.screen(user, values.get("description", ""), "organisation")
    if screened.blocked or screened.held:
        raise Invalid(_("%(why)s Please change the description; we have kept what you wrote.", why=screened.tell()).strip(), field="description")


def create(user: User, **details) -> Organisation:
    if not can_create(user):
        raise NotAllowed(_("Only members who represent an organisation can make an organisation page."))
    try:
        values = _clean(**details)
    except Invalid as error:
        if error.field == "email":
            error.field = "contact_email"
        raise
    _screen(user, values)
    organisation = Organisation(created_by_id=user.id, **values)
    organisation.memberships.append(OrganisationMember(user_id=user.id))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def update(user: User, organisation: Organisation, *, logo=None, remove_logo: bool = False, **details) -> None:
    """Change the page. A logo goes through the same checks as members' photos (decoded, re-encoded,
    metadata removed, random name); a problem with it is explained next to the logo field."""
    if not is_member(user, organisation):
        raise NotAllowed(_("Only members of this organisation can change its page."))
    cleaned = _clean(**details)
    _screen(user, cleaned)
    new_logo = None
    if logo is not None:
        try:
            new_logo = photos.store(photos.clean_photo(logo))
        except Invalid as error:
            raise Invalid(error.message, field="logo")
    for name, value in cleaned.items():
        setattr(organisation, name, value)
    if new_logo or remove_logo:
        photos.remove(organisation.logo_filename)
        organisation.logo_filename = new_logo
    db.session.commit()


def add_member(user: User, organisation: Organisation, address: str) -> User:
    """Let another Kindred member post and manage this organisation's meet-ups."""
    if not is_member(user, organisation):
        raise NotAllowed(_("Only members of this organisation can add people to it."))
    other = accounts.find_by_email(accounts.normalise_email(address))
    if other is None or other.role != Role.ORGANISATION:
        raise Invalid(
            _("We could not add that person. They need a Kindred account where they chose "
              "“I represent an organisation”."),
            field="email",
        )
    if is_member(other, organisation):
        raise Conflict(_("%(name)s is already a member of %(organisation)s.", name=other.display_name, organisation=organisation.name), field="email")
    organisation.memberships.append(OrganisationMember(user_id=other.id))
    db.session.commit()
    return other


def verify(admin: User, organisation: Organisation, approve: bool, reason: str = "") -> None:
    if not is_admin(admin):
        raise NotAllowed(_("Only an administrator can verify organisations."))
    if approve:
        organisation.verified_at = utcnow()
        organisation.verified_by_id = admin.id
    else:
        organisation.verified_at = None
        organisation.verified_by_id = None
    audit.record(admin, "verify_organisation" if approve else "unverify_organisation", organisation, reason or organisation.name)
    db.session.commit()
    for membership in organisation.memberships:
        member = membership.user
        email.send_template(
            member.email, _l("Your organisation on Kindred"), "organisation_verified",
            user=member, organisation=organisation, approved=approve,
        )


def awaiting_verification() -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.verified_at.is_(None)).order_by(Organisation.created_at)
        )
    )


def get_with_members(organisation_id: int) -> Organisation | None:
    return db.session.scalar(
        sa.select(Organisation)
        .where(Organisation.id == organisation_id)
        .options(selectinload(Organisation.memberships).selectinload(OrganisationMember.user))
    )
