"""Opt-in wellbeing check-ins: the ONS loneliness question and the three-item UCLA scale.

Asked only of members who chose to be asked, at most every CHECKIN_EVERY, never while the member
is the subject of an open safety case (a volunteer is already looking after them), one question
a page, every question skippable. Members see their own trend; partners only see it in
aggregate (services.outcomes)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.formatting import local
from app.models import Case, CaseStatus, Checkin, Urgency, User
from app.models.types import utcnow
from app.services.errors import Invalid, NotAllowed

CHECKIN_EVERY = timedelta(weeks=4)


@dataclass(frozen=True)
class Question:
    field: str  # the Checkin column
    text: str  # lazy strings: shown in the page's language
    hint: str
    choices: tuple[tuple[int, str], ...]  # (score, words); a higher score means lonelier


# The ONS measure and the UCLA three items, in their own words (so answers compare with national
# figures), each with a plain hint. Choices are listed from "never" upwards.
QUESTIONS = (
    Question("lonely", _l("How often do you feel lonely?"), _l("There is no right answer. Think about the last few weeks."),
             ((1, _l("Never")), (2, _l("Hardly ever")), (3, _l("Occasionally")), (4, _l("Some of the time")),
              (5, _l("Often or always")))),
    Question("lack_companionship", _l("How often do you feel that you lack companionship?"),
             _l("This means feeling you do not have enough company."),
             ((1, _l("Hardly ever or never")), (2, _l("Some of the time")), (3, _l("Often")))),
    Question("left_out", _l("How often do you feel left out?"), _l("For example, when other people do things without you."),
             ((1, _l("Hardly ever or never")), (2, _l("Some of the time")), (3, _l("Often")))),
    Question("isolated", _l("How often do you feel isolated from others?"), _l("This means feeling cut off from other people."),
             ((1, _l("Hardly ever or never")), (2, _l("Some of the time")), (3, _l("Often")))),
)
UCLA_FIELDS = ("lack_companionship", "left_out", "isolated")


def question(number: int) -> Question:
    if not 1 <= number <= len(QUESTIONS):
        raise Invalid(_("There is no question with that number."))
    return QUESTIONS[number - 1]


def ucla_score(checkin: Checkin) -> int | None:
    """3 (least lonely) to 9; only when all three items were answered, as the scale requires."""
    answers = [getattr(checkin, field) for field in UCLA_FIELDS]
    return None if None in answers else sum(answers)


# ---- Choosing ----

def wants_checkins(user: User) -> bool:
    return user.checkins_chosen_at is not None


def choose(user: User, wanted: bool) -> None:
    if wanted and user.checkins_chosen_at is None:
        user.checkins_chosen_at = utcnow()
    if not wanted:
        user.checkins_chosen_at = None
        # Stopping also drops a check-in left half-way, so nothing is asked again.
        db.session.execute(sa.delete(Checkin).where(Checkin.user_id == user.id, Checkin.finished_at.is_(None)))
    db.session.commit()


def in_open_safety_case(user: User) -> bool:
    return db.session.scalar(
        sa.select(sa.exists().where(Case.author_id == user.id, Case.urgency == Urgency.SAFETY, Case.status != CaseStatus.RESOLVED))
    )


def finished(user: User) -> list[Checkin]:
    return list(db.session.scalars(
        sa.select(Checkin).where(Checkin.user_id == user.id, Checkin.finished_at.is_not(None)).order_by(Checkin.finished_at)
    ))


def unfinished(user: User) -> Checkin | None:
    return db.session.scalar(
        sa.select(Checkin).where(Checkin.user_id == user.id, Checkin.finished_at.is_(None)).order_by(Checkin.id.desc()).limit(1)
    )


def next_due(user: User) -> datetime | None:
    """When the next check-in may be offered (None: now)."""
    last = db.session.scalar(sa.select(sa.func.max(Checkin.started_at)).where(Checkin.user_id == user.id, Checkin.finished_at.is_not(None)))
    if last is None:
        return None
    due = last + CHECKIN_EVERY
    return due if due > utcnow() else None


def is_due(user: User) -> bool:
    """Offer a check-in now? Only to those who chose it, not in a safety case, not too soon."""
    return wants_checkins(user) and not in_open_safety_case(user) and next_due(user) is None


def start(user: User) -> Checkin:
    """Carry on a check-in left half-way, or begin a new one when one is due."""
    current = unfinished(user)
    if current is not None and not in_open_safety_case(user):
        return current
    if not is_due(user):
        raise NotAllowed(_("There is no check-in for you at the moment."))
    checkin = Checkin(user_id=user.id)
    db.session.add(checkin)
    db.session.commit()
    return checkin


def answer(user: User, number: int, score: int | None) -> bool:
    """Keep one answer (None: skipped). Returns True when that was the last question."""
    current = unfinished(user)
    if current is None or in_open_safety_case(user):
        raise NotAllowed(_("There is no check-in for you at the moment."))
    asked = question(number)
    if score is not None and score not in {value for value, _words in asked.choices}:
        raise Invalid(_("Choose one of the answers, or skip this question."), field="answer")
    setattr(current, asked.field, score)
    last = number == len(QUESTIONS)
    if last:
        current.finished_at = utcnow()
    db.session.commit()
    return last


# ---- The member's own trend ----

def _month(moment: datetime) -> str:
    """"March" this year, "March 2025" before."""
    moment = local(moment)
    # "LLLL": the month's name on its own (stand-alone form), in the page's language.
    pattern = "LLLL" if moment.year == local(utcnow()).year else "LLLL y"
    return format_date(moment, pattern, locale=get_locale() or "en")


def _compare(now: int, before: int, more: str, less: str, same: str) -> str:
    return more if now > before else less if now < before else same


def trend_words(user: User) -> list[str]:
    """The member's latest answers beside the ones before, in words."""
    done = finished(user)
    if not done:
        return []
    latest = done[-1]
    sentences = []
    earlier = [c for c in done[:-1] if c.lonely is not None]
    if latest.lonely is not None and earlier:
        before = earlier[-1]
        when = _month(before.finished_at)
        sentences.append(_compare(
            latest.lonely, before.lonely,
            _("You said you felt lonely more often than in %(when)s.", when=when),
            _("You said you felt lonely less often than in %(when)s.", when=when),
            _("You said you felt lonely about as often as in %(when)s.", when=when),
        ))
    earlier_scale = [c for c in done[:-1] if ucla_score(c) is not None]
    if ucla_score(latest) is not None and earlier_scale:
        before = earlier_scale[-1]
        when = _month(before.finished_at)
        sentences.append(_compare(
            ucla_score(latest), ucla_score(before),
            _("Your answers about company and feeling left out were a little harder than in %(when)s.", when=when),
            _("Your answers about company and feeling left out were better than in %(when)s.", when=when),
            _("Your answers about company and feeling left out were about the same as in %(when)s.", when=when),
        ))
    if not sentences:
        sentences.append(_("Thank you for your answers. After your next check-in, we will show you how things have changed."))
    return sentences


def export_rows(user: User) -> list[dict]:
    labels = {q.field: dict(q.choices) for q in QUESTIONS}
    return [
        {
            "started": c.started_at.isoformat(),
            "finished": c.finished_at.isoformat() if c.finished_at else None,
            **{str(q.text): str(labels[q.field].get(getattr(c, q.field), "skipped")) for q in QUESTIONS},
        }
        for c in db.session.scalars(sa.select(Checkin).where(Checkin.user_id == user.id).order_by(Checkin.id))
    ]


def erase(user: User) -> None:
    db.session.execute(sa.delete(Checkin).where(Checkin.user_id == user.id))
    user.checkins_chosen_at = None
