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
    now = now or utcnow()
    query = (
        sa.select(Meetup)
        .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)), Meetup.ends_at > now)
        .options(selectinload(Meetup.organisation), selectinload(Meetup.series))
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
    rows = db.session.scalars(query).all()
    found = []
    for meetup in rows:
        distance = None
        if place is not None:
            distance = places.miles_between(place.latitude, place.longitude, meetup.latitude, meetup.longitude)
            if distance > filters.miles:
                continue
        found.append((meetup, distance))
    found, series_counts = _one_row_per_series(found)
    total = len(found)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    return Found(found[(page - 1) * PER_PAGE : page * PER_PAGE], total, pages, place, problem, series_counts)


def _one_row_per_series(found: list[tuple[Meetup, float | None]]) -> tuple[list[tuple[Meetup, float | None]], dict[int, int]]:
    """A weekly café is one row, at its next date that is going ahead (calm lists: not the same
    café seven times). Its other dates are on the series page."""
    counts: dict[int, int] = {}
    chosen: dict[int, tuple[Meetup, float | None]] = {}
    for meetup, distance in found:
        if meetup.series_id is None:
            continue
        counts[meetup.series_id] = counts.get(meetup.series_id, 0) + 1
        kept = chosen.get(meetup.series_id)
        if kept is None or (kept[0].is_cancelled and not meetup.is_cancelled):
            chosen[meetup.series_id] = (meetup, distance)
    rows = [row for row in found if row[0].series_id is None or chosen[row[0].series_id][0] is row[0]]
    return rows, counts


PAST_KEY = paging.KeyFormat((paging.TIME, paging.ID))  # when it started, its id


def find_past(position: paging.Position = paging.Position(), *, now: datetime | None = None) -> paging.KeysetPage:
    """Meet-ups that have happened, most recent first, paged by key (the archive only grows)."""
    now = now or utcnow()
    statement = (
        sa.select(Meetup)
        .where(Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)), Meetup.ends_at <= now)
        .options(selectinload(Meetup.organisation))
    )

    def fetch(direction: str, key: tuple | None, how_many: int) -> list[Meetup]:
        ordered = paging.in_order_from_key(statement, (Meetup.starts_at, Meetup.id), direction)
        return list(db.session.scalars(ordered.limit(how_many), paging.key_parameters(key)))

    return paging.read_page(fetch, lambda meetup: (meetup.starts_at, meetup.id), PAST_KEY, position, PER_PAGE)
