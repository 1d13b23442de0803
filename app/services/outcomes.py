"""Outcomes for partners and commissioners: what Kindred changes, as counts that never expose a member.

THE RULE (why each part is there is written beside it, and in tests/test_outcomes_privacy.py):

1. Periods are whole calendar months that have finished. Asking for 1 March to 2 March is not
   possible, so "A" and "A plus one day" are the same question; and a finished month's figures
   do not change from one day to the next, so watching a figure move cannot show one person.
2. Areas are everywhere, one local authority or one postcode district, from a fixed list:
   never an address or a hand-picked set of streets.
3. A count of people below 5 (zero included, so "fewer than 5" never tells that somebody is
   there) is shown as "fewer than 5". Any other count of people is rounded to the nearest 5.
   So every figure, and every difference between two figures (two overlapping periods, a local
   authority and one of its districts), is a multiple of 5: it can never say "one person".
4. A count of things (posts, messages, places, reminders) is shown only when at least 5
   people are behind it, and is rounded to the nearest 5 as well.
5. Shares are worked out from the two rounded counts already shown, so they add nothing to
   them; a median needs at least 5 people and is rounded to whole hours.
6. No names, no text, nothing about a single member; partners see only the people who came to
   their own organisation's meet-ups.

Meet-ups held are counted exactly: they are public listings, not people.
"""
import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timezone

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import aliased

from app.extensions import db
from app.formatting import DEFAULT_ZONE, full_date, local
from app.models import (
    Case, CaseStatus, Checkin, CircleLink, Connection, ConnectionStatus, Meetup, MeetupStatus, Message, Organisation,
    OrganisationMember, Post, ReminderSent, Report, Role, Rsvp, RsvpStatus, Thread, Urgency, User,
)
from app.models.types import utcnow
from app.permissions import is_admin, is_verified_partner
from app.services import places
from app.services.errors import Invalid, NotAllowed
from app.services.moderation import OVERDUE

SMALLEST = 5  # the fewest people any figure may describe
FEWER = _l("fewer than 5")
HIDDEN = _l("not shown: fewer than 5 people")
MONTHS_BACK = 36
DEFAULT_MONTHS = 3
ROLES = ((Role.LIVING_WITH_DEMENTIA, _l("People living with dementia")), (Role.CARER, _l("Carers")), (Role.VOLUNTEER, _l("Volunteers")))
# Each role's figures in whole sentences (one msgid each, so each language can word them its own way).
ROLE_FIGURES = {
    Role.LIVING_WITH_DEMENTIA: (
        _l("People living with dementia who joined"), _l("People living with dementia whose account was made during the period."),
        _l("People living with dementia who took part"),
        _l("People living with dementia who wrote a post or chat message, had a place at a meet-up, or answered a check-in during the period."),
    ),
    Role.CARER: (
        _l("Carers who joined"), _l("Carers whose account was made during the period."),
        _l("Carers who took part"),
        _l("Carers who wrote a post or chat message, had a place at a meet-up, or answered a check-in during the period."),
    ),
    Role.VOLUNTEER: (
        _l("Volunteers who joined"), _l("Volunteers whose account was made during the period."),
        _l("Volunteers who took part"),
        _l("Volunteers who wrote a post or chat message, had a place at a meet-up, or answered a check-in during the period."),
    ),
}


# ---- The rule, as small functions ----

def rounded(count: int) -> int:
    """To the nearest 5 (halves upwards): 5, 6, 7 -> 5; 8 to 12 -> 10."""
    return SMALLEST * ((count + SMALLEST // 2) // SMALLEST)


def people_text(count: int) -> str:
    return FEWER if count < SMALLEST else str(rounded(count))


def things_text(count: int, people: int) -> str:
    return HIDDEN if people < SMALLEST else str(rounded(count))


def share_text(part: int, whole: int) -> str:
    """From the rounded counts, so it says no more than they do."""
    if part < SMALLEST or whole < SMALLEST:
        return HIDDEN
    return _("about %(percent)s%%", percent=round(100 * rounded(part) / rounded(whole)))


def median_hours_text(hours: list[float]) -> str:
    if len(hours) < SMALLEST:
        return HIDDEN
    median = round(statistics.median(hours))
    return _("less than 1 hour") if median < 1 else ngettext("about %(num)d hour", "about %(num)d hours", median)


# ---- Period and area ----

@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def name(self) -> str:
        return format_date(date(self.year, self.month, 1), "LLLL y", locale=get_locale() or "en")

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def start(self) -> datetime:
        """Midnight on the 1st, London time, as UTC."""
        return datetime(self.year, self.month, 1, tzinfo=DEFAULT_ZONE).astimezone(timezone.utc)


@dataclass(frozen=True)
class Period:
    first: Month
    last: Month

    @property
    def start(self) -> datetime:
        return self.first.start()

    @property
    def end(self) -> datetime:
        return self.last.next().start()

    @property
    def name(self) -> str:
        return self.first.name if self.first == self.last else _("%(first)s to %(last)s", first=self.first.name, last=self.last.name)


def month_choices(now: datetime | None = None) -> list[Month]:
    """Finished months, newest first (rule 1)."""
    today = local(now or utcnow())
    month = Month(today.year, today.month)
    choices = []
    for _ in range(MONTHS_BACK):
        month = Month(month.year - (month.month == 1), 12 if month.month == 1 else month.month - 1)
        choices.append(month)
    return choices


def choose_period(first_key: str | None, last_key: str | None, now: datetime | None = None) -> Period:
    choices = month_choices(now)
    by_key = {month.key: month for month in choices}
    if not first_key and not last_key:
        return Period(choices[DEFAULT_MONTHS - 1], choices[0])
    first, last = by_key.get(first_key or ""), by_key.get(last_key or "")
    if first is None or last is None:
        raise Invalid(_("Choose a month that has finished, from the lists."), field="first" if first is None else "last")
    if (first.year, first.month) > (last.year, last.month):
        raise Invalid(_("The first month must come before the last month."), field="first")
    return Period(first, last)


def choose_area(key: str | None) -> places.Area:
    area = places.area_of(key or "")
    if area is None:
        raise Invalid(_("Choose an area from the list."), field="area")
    return area


# ---- Who sees what ----

@dataclass(frozen=True)
class Viewer:
    """Admins see everyone; a partner sees the people who came to its own meet-ups."""

    organisations: tuple[Organisation, ...] | None  # None: every organisation (an admin)

    @property
    def names(self) -> str:
        return _("All of Kindred") if self.organisations is None else ", ".join(org.name for org in self.organisations)


def can_see_outcomes(user: User) -> bool:
    return is_admin(user) or is_verified_partner(user)


def viewer_for(user: User) -> Viewer:
    if is_admin(user):
        return Viewer(None)
    if not is_verified_partner(user):
        raise NotAllowed(_("Outcomes are for administrators and verified partner organisations."))
    organisations = tuple(db.session.scalars(
        sa.select(Organisation).join(OrganisationMember)
        .where(OrganisationMember.user_id == user.id, Organisation.verified_at.is_not(None))
        .order_by(Organisation.name)
    ))
    if not organisations:
        raise NotAllowed(_("Your organisation's page needs to be checked by Kindred before you can see outcomes."))
    return Viewer(organisations)


# ---- The figures ----

@dataclass(frozen=True)
class Figure:
    label: str
    shown: str
    definition: str


@dataclass(frozen=True)
class Section:
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class Outcomes:
    period: Period
    area: places.Area
    viewer: Viewer
    made_at: datetime
    sections: list[Section]

    @property
    def made_on(self) -> str:
        return full_date(self.made_at)


class _Scope:
    """SQL pieces for the chosen period, area and viewer."""

    def __init__(self, period: Period, area: places.Area, viewer: Viewer):
        self.start, self.end = period.start, period.end
        meetups = sa.select(Meetup.id).where(Meetup.status == MeetupStatus.PUBLISHED)
        if viewer.organisations is not None:
            meetups = meetups.where(Meetup.organisation_id.in_([org.id for org in viewer.organisations]))
        if area.districts:
            # Stored postcodes are tidied to "CH1 2AB", so the district is everything before the space.
            meetups = meetups.where(sa.or_(*[sa.func.upper(Meetup.postcode).like(f"{code} %") for code in sorted(area.districts)]))
        self.meetups = meetups
        self.everyone = viewer.organisations is None and area.is_everywhere
        # The people an area or a partner reached: anyone who asked for a place at one of its meet-ups
        # (by the end of the period, so a finished period's figures stay the same).
        self.people = sa.select(Rsvp.member_id).where(Rsvp.meetup_id.in_(meetups), Rsvp.created_at < self.end)

    def during(self, column):
        return sa.and_(column >= self.start, column < self.end)

    def among(self, column):
        return sa.true() if self.everyone else column.in_(self.people)

    def held(self):
        """Meet-ups in scope that took place in the period."""
        return sa.select(Meetup.id).where(
            Meetup.id.in_(self.meetups), self.during(Meetup.starts_at), Meetup.starts_at < utcnow()
        )


def _by_role(rows) -> dict:
    counts = {role: 0 for role, _label in ROLES}
    for role, count in rows:
        if role in counts:
            counts[role] = count
    return counts


def _members(scope: _Scope) -> Section:
    joined = _by_role(db.session.execute(
        sa.select(User.role, sa.func.count(User.id)).where(scope.during(User.created_at), scope.among(User.id)).group_by(User.role)
    ))
    active_ids = sa.union(
        sa.select(Post.author_id.label("user_id")).where(scope.during(Post.created_at)),
        sa.select(Message.author_id).where(scope.during(Message.created_at)),
        sa.select(Rsvp.member_id).where(Rsvp.status == RsvpStatus.GOING, Rsvp.meetup_id.in_(
            sa.select(Meetup.id).where(scope.during(Meetup.starts_at)))),
        sa.select(Checkin.user_id).where(scope.during(Checkin.finished_at)),
    ).subquery()
    active = _by_role(db.session.execute(
        sa.select(User.role, sa.func.count(User.id)).where(User.id.in_(sa.select(active_ids.c.user_id)), scope.among(User.id))
        .group_by(User.role)
    ))
    figures = []
    for role, _label in ROLES:
        joined_label, joined_definition = ROLE_FIGURES[role][:2]
        figures.append(Figure(str(joined_label), people_text(joined[role]), str(joined_definition)))
    for role, _label in ROLES:
        took_part_label, took_part_definition = ROLE_FIGURES[role][2:]
        figures.append(Figure(str(took_part_label), people_text(active[role]), str(took_part_definition)))
    return Section(_("Members"), figures)


def _meetups(scope: _Scope) -> Section:
    held = db.session.scalar(sa.select(sa.func.count()).select_from(scope.held().subquery()))
    seats, people = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(1 + Rsvp.companions), 0), sa.func.count(sa.distinct(Rsvp.member_id)))
        .where(Rsvp.status == RsvpStatus.GOING, Rsvp.meetup_id.in_(scope.held()))
    ).one()
    # Came back: the person's second (or later) meet-up in scope took place in this period.
    visits = (
        sa.select(
            Rsvp.member_id,
            sa.func.count(Rsvp.id).label("before_end"),
            sa.func.sum(sa.case((Meetup.starts_at >= scope.start, 1), else_=0)).label("in_period"),
        )
        .join(Meetup, Meetup.id == Rsvp.meetup_id)
        .where(Rsvp.status == RsvpStatus.GOING, Meetup.id.in_(scope.meetups), Meetup.starts_at < scope.end, Meetup.starts_at < utcnow())
        .group_by(Rsvp.member_id)
        .subquery()
    )
    came_back = db.session.scalar(
        sa.select(sa.func.count()).select_from(visits).where(visits.c.before_end >= 2, visits.c.in_period >= 1)
    )
    return Section(_("Meet-ups"), [
        Figure(_("Meet-ups held"), str(held), _("Published meet-ups that took place during the period (not cancelled). This is a count of meet-ups, not people, so it is exact.")),
        Figure(_("People who had a place"), people_text(people), _("Members who still had a place when a meet-up held in the period began.")),
        Figure(_("Places taken"), things_text(seats, people), _("Places held at those meet-ups, counting companions who came along.")),
        Figure(_("People who came back"), people_text(came_back),
               _("Members whose second or later meet-up took place during the period.")),
        Figure(_("Share of people who came back"), share_text(came_back, people), _("People who came back out of people who had a place.")),
    ])


def _connections(scope: _Scope) -> Section:
    made, requesters, addressees = db.session.execute(
        sa.select(sa.func.count(Connection.id), sa.func.count(sa.distinct(Connection.requester_id)),
                  sa.func.count(sa.distinct(Connection.addressee_id)))
        .where(Connection.status == ConnectionStatus.ACCEPTED, scope.during(Connection.accepted_at),
               sa.or_(scope.among(Connection.requester_id), scope.among(Connection.addressee_id)))
    ).one()
    circles, persons, carers = db.session.execute(
        sa.select(sa.func.count(CircleLink.id), sa.func.count(sa.distinct(CircleLink.person_id)), sa.func.count(sa.distinct(CircleLink.carer_id)))
        .where(CircleLink.started_at.is_not(None), scope.during(CircleLink.started_at),
               sa.or_(scope.among(CircleLink.person_id), scope.among(CircleLink.carer_id)))
    ).one()
    # At least as many people as the larger side are behind each count.
    return Section(_("Connections"), [
        Figure(_("Connections made"), things_text(made, max(requesters, addressees)),
               _("Two members agreed to connect during the period.")),
        Figure(_("Circles of support formed"), things_text(circles, max(persons, carers)),
               _("A person and a carer both agreed, during the period, that the carer may help them on Kindred.")),
    ])


def _first_replies(scope: _Scope) -> Section:
    reply = aliased(Post)
    rows = db.session.execute(
        sa.select(Thread.author_id, Thread.created_at, sa.func.min(reply.created_at))
        .join(User, User.id == Thread.author_id)
        .outerjoin(reply, sa.and_(reply.thread_id == Thread.id, reply.number > 1, reply.author_id != Thread.author_id))
        .where(scope.during(User.created_at), scope.during(Thread.created_at), scope.among(User.id))
        .group_by(Thread.id, Thread.author_id, Thread.created_at)
        .order_by(Thread.created_at)
    ).all()
    first_thread = {}
    for author_id, asked_at, replied_at in rows:
        first_thread.setdefault(author_id, (asked_at, replied_at))
    waits = [(replied - asked).total_seconds() / 3600 for asked, replied in first_thread.values() if replied is not None]
    asked = len(first_thread)
    return Section(_("Welcome"), [
        Figure(_("New members who started a conversation"), people_text(asked),
               _("Members who joined in the period and started a forum thread in it.")),
        Figure(_("New members who got a reply"), people_text(len(waits)), _("Of those, members whose first thread got a reply from someone else.")),
        Figure(_("Share who got a reply"), share_text(len(waits), asked), _("New members who got a reply out of those who started a conversation.")),
        Figure(_("Time to a first reply (median)"), median_hours_text(waits),
               _("Half of the new members waited less than this for the first reply to their first thread, half waited longer.")),
    ])


def _activity(scope: _Scope) -> Section:
    posts, writers = db.session.execute(
        sa.select(sa.func.count(Post.id), sa.func.count(sa.distinct(Post.author_id))).where(scope.during(Post.created_at), scope.among(Post.author_id))
    ).one()
    messages, talkers = db.session.execute(
        sa.select(sa.func.count(Message.id), sa.func.count(sa.distinct(Message.author_id)))
        .where(scope.during(Message.created_at), scope.among(Message.author_id))
    ).one()
    return Section(_("Forums and chat"), [
        Figure(_("People who wrote in the forums"), people_text(writers), _("Members who wrote at least one forum post during the period.")),
        Figure(_("Forum posts"), things_text(posts, writers), _("Threads started and replies written during the period.")),
        Figure(_("People who chatted"), people_text(talkers), _("Members who sent at least one chat message during the period.")),
        Figure(_("Chat messages"), things_text(messages, talkers), _("Messages sent in chat rooms and private chats during the period.")),
    ])


def _safety(scope: _Scope) -> Section:
    cases = db.session.execute(
        sa.select(Case.author_id, Case.urgency, Case.created_at, Case.resolved_at, Case.status)
        .where(scope.during(Case.created_at), scope.among(Case.author_id))
    ).all()
    reports, reporters = db.session.execute(
        sa.select(sa.func.count(Report.id), sa.func.count(sa.distinct(Report.reporter_id)))
        .where(scope.during(Report.created_at), scope.among(Report.reporter_id))
    ).one()
    safety = [row for row in cases if row.urgency == Urgency.SAFETY]
    decided = [row for row in cases if row.status == CaseStatus.RESOLVED and row.resolved_at is not None]
    in_time = [row for row in decided if row.resolved_at - row.created_at <= OVERDUE[row.urgency]]
    authors = len({row.author_id for row in cases})
    safety_authors = len({row.author_id for row in safety})
    return Section(_("Safety"), [
        Figure(_("Reports from members"), things_text(reports, reporters), _("Reports members made about posts, messages or profiles during the period.")),
        Figure(_("Cases for the volunteers"), things_text(len(cases), authors),
               _("Things held or reported for a volunteer to look at, opened during the period.")),
        Figure(_("Safety cases"), things_text(len(safety), safety_authors),
               _("Cases about someone's safety (crisis words, scams or money requests), opened during the period.")),
        Figure(_("Cases decided"), things_text(len(decided), authors), _("Of the cases, those a volunteer has decided.")),
        Figure(_("Share decided in time"), share_text(len(in_time), len(cases)) if authors >= SMALLEST else HIDDEN,
               _("Cases decided within their deadline (2 hours for safety cases, 24 hours for others) out of all cases.")),
    ])


def _reminders(scope: _Scope) -> Section:
    sent, reminded_places, reminded_people, kept = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(ReminderSent.id)), sa.func.count(sa.distinct(Rsvp.id)), sa.func.count(sa.distinct(Rsvp.member_id)),
            sa.func.count(sa.distinct(sa.case((Rsvp.status == RsvpStatus.GOING, Rsvp.id)))),
        )
        .join(Rsvp, Rsvp.id == ReminderSent.rsvp_id)
        .where(scope.during(ReminderSent.sent_at), Rsvp.meetup_id.in_(scope.meetups))
    ).one()
    return Section(_("Reminders"), [
        Figure(_("Reminders sent"), things_text(sent, reminded_people), _("Emails sent the day before, and on the morning of, a meet-up.")),
        Figure(_("Places kept after a reminder"), share_text(kept, reminded_places) if reminded_people >= SMALLEST else HIDDEN,
               _("Places still held when the meet-up began, out of places that were reminded about.")),
    ])


def _wellbeing(scope: _Scope) -> Section:
    # People who answered twice or more, the latest time in this period: their first answer against their latest.
    answered = sa.and_(Checkin.finished_at.is_not(None), Checkin.finished_at < scope.end, Checkin.lonely.is_not(None))
    spans = (
        sa.select(Checkin.user_id, sa.func.min(Checkin.finished_at).label("first_at"), sa.func.max(Checkin.finished_at).label("last_at"))
        .where(answered, scope.among(Checkin.user_id))
        .group_by(Checkin.user_id)
        .having(sa.func.count(Checkin.id) >= 2, sa.func.max(Checkin.finished_at) >= scope.start)
        .subquery()
    )
    first, last = aliased(Checkin), aliased(Checkin)
    change = last.lonely - first.lonely
    answered_twice, less, same, more = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(spans.c.user_id)),
            *[sa.func.count(sa.distinct(sa.case((condition, spans.c.user_id)))) for condition in (change < 0, change == 0, change > 0)],
        )
        .select_from(spans)
        .join(first, sa.and_(first.user_id == spans.c.user_id, first.finished_at == spans.c.first_at, first.lonely.is_not(None)))
        .join(last, sa.and_(last.user_id == spans.c.user_id, last.finished_at == spans.c.last_at, last.lonely.is_not(None)))
    ).one()
    return Section(_("Wellbeing check-ins"), [
        Figure(_("People who answered twice or more"), people_text(answered_twice),
               _('Members who chose to answer check-ins, answered "How often do you feel lonely?" at least twice, the latest time during the period.')),
        Figure(_("Felt lonely less often"), people_text(less), _("Their latest answer was less often than their first.")),
        Figure(_("Felt lonely about as often"), people_text(same), _("Their latest answer was the same as their first.")),
        Figure(_("Felt lonely more often"), people_text(more), _("Their latest answer was more often than their first.")),
    ])


def outcomes(user: User, period: Period, area: places.Area) -> Outcomes:
    """Every figure for one period and area, in a fixed number of queries whatever the data."""
    viewer = viewer_for(user)
    scope = _Scope(period, area, viewer)
    sections = [build(scope) for build in (_members, _meetups, _connections, _first_replies, _activity, _safety, _reminders, _wellbeing)]
    return Outcomes(period, area, viewer, utcnow(), sections)


RULE_WORDS = _l(
    "Every count of people is rounded to the nearest 5; a count below 5, zero included, is shown as \"fewer than 5\". "
    "Counts of posts, messages, places and reminders are shown only when 5 or more people are behind them. "
    "Periods are whole months that have finished; areas are a council or a postcode district. "
    "So no figure, and no difference between two figures, can point to one person."
)


def _cell(text: str) -> str:
    """A partner's name is typed by a person: a spreadsheet must not run it as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(report: Outcomes) -> str:
    """The report for funders' spreadsheets: what it covers first, then one row per figure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Kindred outcomes")])
    writer.writerow([_("Period"), report.period.name])
    writer.writerow([_("Area"), report.area.name])
    writer.writerow([_("Meet-ups of"), _cell(report.viewer.names)])
    writer.writerow([_("Made on"), report.made_on])
    writer.writerow([_("How figures are protected"), str(RULE_WORDS)])
    writer.writerow([])
    writer.writerow([_("Section"), _("Figure"), _("Value"), _("Definition")])
    for section in report.sections:
        for figure in section.figures:
            writer.writerow([section.title, figure.label, figure.shown, figure.definition])
    return buffer.getvalue()
