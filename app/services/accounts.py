"""Accounts: registering, signing in (password or emailed link), resetting and changing credentials."""
import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from app.extensions import db
from app.models import ApprovalStatus, EmailToken, Role, SignInSession, TokenPurpose, User
from app.models.types import utcnow
from app.models.users import parse_login_id
from app.services import audit, email
from app.services.errors import Invalid, NotAllowed, NotConfirmed
from app.services.passwords import hash_password, needs_rehash, password_problem, verify_password

# Verifying a dummy hash when the email is unknown keeps timing the same, so it reveals nothing.
_DUMMY_PASSWORD = "not-a-real-password-0"


def normalise_email(address: str) -> str:
    try:
        result = validate_email((address or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("Enter an email address in the right form, like name@example.org."), field="email")
    return result.normalized.lower()


def find_by_email(address: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == address.strip().lower()))


def register(display_name: str, address: str, password: str, role: Role | str, *, confirmed=False,
             language: str | None = None) -> User | None:
    """Create a member and email them a link that confirms the address and signs them in.

    If the address already has an account, nothing is created: its owner is emailed a sign-in
    link instead and None is returned. The page says "Check your email" either way, so the
    form cannot be used to find out who is a member. `confirmed` is for the demo and admin
    commands, which create accounts without email. `language` is the language of the page they
    signed up on: their emails come in it."""
    role = Role(role)
    address = normalise_email(address)
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise Invalid(_("Enter the name you would like other members to see."), field="display_name")
    problem = password_problem(password, email=address, display_name=display_name)
    if problem:
        raise Invalid(problem, field="password")
    existing = find_by_email(address)
    if existing is not None:
        if not confirmed:
            link = _sign_in_link(existing, current_app.config["SIGN_IN_LINK_MINUTES"])
            email.send_template(existing.email, _l("You already have an account"), "already_registered", user=existing, link=link)
        return None
    user = User(
        email=address,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        approval=ApprovalStatus.PENDING if role.needs_approval else ApprovalStatus.NOT_NEEDED,
        email_confirmed_at=utcnow() if confirmed else None,
        language=language,
    )
    db.session.add(user)
    db.session.commit()
    if not confirmed:
        link = _sign_in_link(user, current_app.config["WELCOME_LINK_MINUTES"])
        email.send_template(user.email, _l("Welcome to Kindred"), "welcome", user=user, link=link)
    return user


def authenticate(address: str, password: str) -> User | None:
    """The member whose email and password these are, or None. Raises NotConfirmed when the
    password is right but the address has never been confirmed (only the owner learns this)."""
    user = find_by_email(address or "")
    if user is None:
        verify_password(_dummy_hash(), password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    if user.email_confirmed_at is None:
        raise NotConfirmed(_("Please open the link in the welcome email we sent you. It confirms your email address and signs you in."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(_DUMMY_PASSWORD)


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utcnow()
    db.session.commit()


# ---- Sign-in sessions: each signed-in browser is a row, so signing out ends it on the server ----


def _key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def begin_session(user: User, language: str | None = None) -> str:
    """A new signed-in browser: its secret goes into the login id (session and remember cookies).
    `language` is the one this browser chose before signing in: kept on an account that has none."""
    secret = secrets.token_urlsafe(32)
    if language and not user.language:
        user.language = language
    db.session.add(SignInSession(user_id=user.id, key_hash=_key_hash(secret)))
    user.last_sign_in_at = utcnow()
    db.session.commit()
    user.sign_in_key = secret
    return secret


# Made once, not on every request (building the statement cost more than running it).
_LIVE_SESSION_USER = (
    sa.select(User).join(SignInSession, SignInSession.user_id == User.id)
    .where(User.id == sa.bindparam("user_id"), User.session_epoch == sa.bindparam("epoch"),
           SignInSession.key_hash == sa.bindparam("key_hash"), SignInSession.ended_at.is_(None))
)


def user_for_login_id(login_id: str) -> User | None:
    """The member a login id "<user id>:<epoch>:<session secret>" belongs to, while that session
    is live and the password has not changed since (one query, on every request)."""
    parsed = parse_login_id(login_id)
    if parsed is None:
        return None
    user_id, epoch, secret = parsed
    user = db.session.scalar(_LIVE_SESSION_USER, {"user_id": user_id, "epoch": epoch, "key_hash": _key_hash(secret)})
    if user is not None:
        user.sign_in_key = secret
    return user


def end_session(user: User) -> None:
    """Sign this browser out on the server: its cookies, saved or copied, sign nobody in again."""
    secret = getattr(user, "sign_in_key", None)
    if secret:
        # Naming the member lets the page cache move only their versions (not every member's).
        db.session.execute(sa.update(SignInSession).where(
            SignInSession.user_id == user.id, SignInSession.key_hash == _key_hash(secret),
            SignInSession.ended_at.is_(None)).values(ended_at=utcnow()))
        db.session.commit()


def end_other_sessions(user: User) -> int:
    """"Sign out everywhere else": every other browser of this member. Returns how many ended."""
    keep = _key_hash(getattr(user, "sign_in_key", None) or "")
    result = db.session.execute(sa.update(SignInSession).where(
        SignInSession.user_id == user.id, SignInSession.ended_at.is_(None), SignInSession.key_hash != keep,
    ).values(ended_at=utcnow()))
    db.session.commit()
    return result.rowcount


def other_session_count(user: User) -> int:
    keep = _key_hash(getattr(user, "sign_in_key", None) or "")
    return db.session.scalar(sa.select(sa.func.count(SignInSession.id)).where(
        SignInSession.user_id == user.id, SignInSession.ended_at.is_(None), SignInSession.key_hash != keep,
        SignInSession.created_at > utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"],
    )) or 0


def _new_token(user: User, purpose: TokenPurpose, minutes: int, next_url: str | None = None) -> str:
    secret = secrets.token_urlsafe(32)
    db.session.add(
        EmailToken(
            user=user,
            purpose=purpose,
            token_hash=hashlib.sha256(secret.encode()).hexdigest(),
            expires_at=utcnow() + timedelta(minutes=minutes),
            next_url=next_url,
        )
    )
    db.session.commit()
    return secret


def _find_token(secret: str, purpose: TokenPurpose) -> EmailToken | None:
    token_hash = hashlib.sha256((secret or "").encode()).hexdigest()
    token = db.session.scalar(
        sa.select(EmailToken).where(EmailToken.token_hash == token_hash, EmailToken.purpose == purpose)
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    return token


def _sign_in_link(user: User, minutes: int, next_url: str | None = None) -> str:
    secret = _new_token(user, TokenPurpose.SIGN_IN, minutes, next_url)
    return url_for("auth.sign_in_link", token=secret, _external=True)


def send_sign_in_link(address: str, next_url: str | None = None) -> None:
    """Email a single-use sign-in link if the address has an account; say nothing either way."""
    user = find_by_email(normalise_email(address))
    if user is None:
        return
    minutes = current_app.config["SIGN_IN_LINK_MINUTES"]
    link = _sign_in_link(user, minutes, next_url)
    email.send_template(user.email, _l("Your sign-in link"), "sign_in_link", user=user, link=link, minutes=minutes)


def sign_in_token_is_valid(secret: str) -> bool:
    return _find_token(secret, TokenPurpose.SIGN_IN) is not None


def use_sign_in_token(secret: str) -> tuple[User, str | None] | None:
    """Spend a sign-in token. The update is conditional so that two clicks cannot both succeed."""
    token = _find_token(secret, TokenPurpose.SIGN_IN)
    if token is None:
        return None
    spent = db.session.execute(
        sa.update(EmailToken).where(EmailToken.id == token.id, EmailToken.used_at.is_(None)).values(used_at=utcnow())
    )
    db.session.commit()
    if spent.rowcount != 1:
        return None
    user = token.user
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user, token.next_url


def send_password_reset(address: str) -> None:
    address = normalise_email(address)
    user = find_by_email(address)
    if user is None:
        return
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    secret = _new_token(user, TokenPurpose.RESET_PASSWORD, minutes)
    link = url_for("auth.reset_password", token=secret, _external=True)
    email.send_template(user.email, _l("Choose a new password"), "reset_password", user=user, link=link, minutes=minutes)


def reset_token_is_valid(secret: str) -> bool:
    return _find_token(secret, TokenPurpose.RESET_PASSWORD) is not None


def reset_password(secret: str, new_password: str) -> User:
    token = _find_token(secret, TokenPurpose.RESET_PASSWORD)
    if token is None:
        raise NotAllowed(_("This link has expired or has already been used. You can ask for a new one."))
    user = token.user
    problem = password_problem(new_password, email=user.email, display_name=user.display_name)
    if problem:
        raise Invalid(problem, field="password")
    token.used_at = utcnow()
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    _set_password(user, new_password)
    db.session.commit()
    email.send_template(user.email, _l("Your password was changed"), "password_changed", user=user)
    return user


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    # Ending every other session: their login ids carry the old epoch and stop matching.
    user.session_epoch += 1
    # Any outstanding emailed links stop working too.
    for token in user.tokens:
        if token.used_at is None:
            token.used_at = utcnow()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password or ""):
        raise Invalid(_("That is not your current password. Please try again."), field="current_password")
    problem = password_problem(new_password, email=user.email, display_name=user.display_name)
    if problem:
        raise Invalid(problem, field="new_password")
    _set_password(user, new_password)
    db.session.commit()
    email.send_template(user.email, _l("Your password was changed"), "password_changed", user=user)


def change_email(user: User, password: str, new_address: str) -> None:
    if not verify_password(user.password_hash, password or ""):
        raise Invalid(_("That is not your current password. Please try again."), field="password")
    new_address = normalise_email(new_address)
    if new_address == user.email:
        raise Invalid(_("That is already your email address."), field="email")
    if find_by_email(new_address) is not None:
        # Saying "taken" would reveal that the address has an account; decline without detail.
        raise Invalid(_("We could not change your email to that address. Please try a different one."), field="email")
    old_address = user.email
    user.email = new_address
    db.session.commit()
    email.send_template(old_address, _l("Your email address was changed"), "email_changed", user=user, old_address=old_address)
    email.send_template(new_address, _l("Your email address was changed"), "email_changed", user=user, old_address=old_address)


def update_display_settings(user: User, text_size: str, colour_scheme: str) -> None:
    user.text_size = text_size
    user.colour_scheme = colour_scheme
    db.session.commit()


def update_language(user: User, language: str) -> None:
    """Pages and emails in this language (app.i18n.LANGUAGES) from now on."""
    user.language = language
    db.session.commit()


def update_listening_settings(user: User, speech_rate: str, show_listen: bool, show_newcomer_badge: bool) -> None:
    user.speech_rate = speech_rate
    user.show_listen = show_listen
    user.show_newcomer_badge = show_newcomer_badge
    db.session.commit()


def pending_approvals() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.approval == ApprovalStatus.PENDING).order_by(User.created_at, User.id)
        )
    )


def decide_approval(admin: User, member: User, approve: bool, reason: str = "") -> None:
    if not admin.is_admin:
        raise NotAllowed(_("Only an administrator can approve volunteers and organisations."))
    if member.approval != ApprovalStatus.PENDING:
        raise Invalid(_("%(name)s is not waiting for approval any more.", name=member.display_name))
    member.approval = ApprovalStatus.APPROVED if approve else ApprovalStatus.DECLINED
    if approve:
        member.approved_at = utcnow()
        # Moderator powers are a separate step (/admin/moderators): approving someone as a volunteer
        # says who they are, not that they are ready to moderate.
    with force_locale("en"):  # the staff log is kept in English
        role = member.role.label
    audit.record(admin, "approve_role" if approve else "decline_role", member, reason or role)
    db.session.commit()
    email.send_template(member.email, _l("Your Kindred role"), "role_decision", user=member, approved=approve)


def create_admin(display_name: str, address: str, password: str) -> User:
    user = find_by_email(address)
    if user is None:
        user = register(display_name, address, password, Role.VOLUNTEER, confirmed=True)
    user.is_admin = True
    user.is_moderator = True
    user.approval = ApprovalStatus.APPROVED
    user.approved_at = user.approved_at or utcnow()
    db.session.commit()
    return user
