"""Finding meet-ups: the filters, upcoming ones (near a place, one row per series) and past ones."""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Access, Meetup, MeetupAudience, MeetupStatus
from app.models.types import utcnow
from app.services import paging, places
from app.services.meetups.common import ACCESS_KEYS


@dataclass
class Filters:
    near: str = ""
    miles: int = 10
    audience: str = ""
    access: list[str] = field(default_factory=list)
    free_only: bool = False
    online_only: bool = False


@dataclass
class Found:
    meetups: list[tuple[Meetup, float | None]]
    total: int
    pages: int
    place: places.Place | None = None
    problem: str = ""
    # For a repeating meet-up, shown once: how many of its dates match (series id -> count).
    series_dates: dict[int, int] = field(default_factory=dict)
    choices: tuple[places.Town, ...] = ()  # same-named towns: ask which one


PER_PAGE = 20
DISTANCES = (5, 10, 25)


def find_upcoming(filters: Filters, page: int = 1, *, now: datetime | None = None) -> Found:
    """One page of upcoming meet-ups that match, soonest first, one row per series.

    Everything that matches is read as five plain columns (id, series, cancelled, where), which is
    what choosing one date per series, the exact distance and the count need; only the page's own
    meet-ups are then loaded whole. Loading every upcoming meet-up in the UK as a whole record, with
    its organisation and series, cost 360-410 ms of CPU a page at 5,500 of them (bench/README.md)."""
    now = now or utcnow()
    query = (
        sa.select(Meetup.id, Meetup.series_id, (Meetup.status == MeetupStatus.CANCELLED).label("is_cancelled"),
                  Meetup.latitude, Meetup.longitude)
        .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)), Meetup.ends_at > now)
        .order_by(Meetup.starts_at, Meetup.id)
    )
    if filters.audience in (MeetupAudience.LIVING_WITH_DEMENTIA.value, MeetupAudience.CARERS.value):
        query = query.where(Meetup.audience.in_((MeetupAudience(filters.audience), MeetupAudience.BOTH, MeetupAudience.EVERYONE)))
    for key in filters.access:
        if key in ACCESS_KEYS:
            query = query.where(getattr(Meetup, f"access_{key}") == Access.YES.value)
    if filters.free_only:
        query = query.where(Meetup.cost_pence == 0)
    if filters.online_only:
        query = query.where(Meetup.online.is_(True))
    place, problem = None, ""
    if filters.near.strip():
        looked_up = places.search(filters.near)
        if looked_up.choices:
            return Found([], 0, 0, None, "", choices=looked_up.choices)
        place = looked_up.place
        if place is None:
            problem = _(
                "We do not know a place called “%(name)s”. Check the spelling, or try a nearby "
                "town or city, a postcode like CF10 1EP, or the first half of one, like CF10.", name=filters.near.strip()
            )
            return Found([], 0, 0, None, problem)
        low_lat, high_lat, low_lon, high_lon = places.bounding_box(place.latitude, place.longitude, filters.miles)
        query = query.where(
            Meetup.in_person.is_(True),
            Meetup.latitude.between(low_lat, high_lat),
            Meetup.longitude.between(low_lon, high_lon),
        )
    found = []  # (id, series id, cancelled, distance), soonest first
    for meetup_id, series_id, is_cancelled, latitude, longitude in db.session.execute(query):
        distance = None
        if place is not None:
            distance = places.miles_between(place.latitude, place.longitude, latitude, longitude)
            if distance > filters.miles:
                continue
        found.append((meetup_id, series_id, is_cancelled, distance))
    found, series_counts = _one_row_per_series(found)
    total = len(found)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    whole = {meetup.id: meetup for meetup in db.session.scalars(
        sa.select(Meetup).where(Meetup.id.in_([row[0] for row in shown] or [0]))
        .options(selectinload(Meetup.organisation), selectinload(Meetup.series))
    )}
    # (A meet-up deleted between the two statements is left out rather than failing the page.)
    return Found([(whole[row[0]], row[3]) for row in shown if row[0] in whole], total, pages, place, problem, series_counts)


def _one_row_per_series(found: list[tuple]) -> tuple[list[tuple], dict[int, int]]:
    """A weekly café is one row, at its next date that is going ahead (calm lists: not the same
    café seven times). Its other dates are on the series page. Rows are (id, series id, cancelled,
    distance), soonest first; returns the rows kept and how many dates each series has here."""
    counts: dict[int, int] = {}
    chosen: dict[int, tuple] = {}
    for row in found:
        series_id = row[1]
        if series_id is None:
            continue
        counts[series_id] = counts.get(series_id, 0) + 1
        kept = chosen.get(series_id)
        if kept is None or (kept[2] and not row[2]):
            chosen[series_id] = row
    return [row for row in found if row[1] is None or chosen[row[1]] is row], counts


PAST_KEY = paging.KeyFormat((paging.TIME, paging.ID))  # when it started, its id


def find_past(position: paging.Position = paging.Position(), *, now: datetime | None = None) -> paging.KeysetPage:
    """Meet-ups that have happened, most recent first, paged by key (the archive only grows)."""
    now = now or utcnow()
    statement = (
        sa.select(Meetup)
        .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)), Meetup.ends_at <= now)
        .options(selectinload(Meetup.organisation))
    )
    return paging.read_rows(statement, (Meetup.starts_at, Meetup.id), PAST_KEY, position, PER_PAGE)
