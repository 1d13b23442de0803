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
    listing: paging.KeysetPage  # rows are (meet-up, miles away or None), soonest first
    total: int
    place: places.Place | None = None
    problem: str = ""
    # For a repeating meet-up, shown once: how many of its dates match (series id -> count).
    series_dates: dict[int, int] = field(default_factory=dict)
    choices: tuple[places.Town, ...] = ()  # same-named towns: ask which one

    @property
    def meetups(self) -> list[tuple[Meetup, float | None]]:
        return self.listing.rows


PER_PAGE = 20
DISTANCES = (5, 10, 25)
# Soonest first: when it starts, then its id. In the address "older" means later in the list
# (paging's words for the direction a list is read in); the links say "Later meet-ups".
UPCOMING_KEY = paging.KeyFormat((paging.TIME, paging.ID))


def _nothing(place=None, problem="", choices=()) -> Found:
    return Found(paging.KeysetPage([], None, None), 0, place, problem, choices=choices)


def find_upcoming(filters: Filters, position: paging.Position = paging.Position(), *, now: datetime | None = None) -> Found:
    """One page of upcoming meet-ups that match, soonest first, one row per series, paged by key.

    The database does all the choosing: which date stands for each series (its next one going
    ahead: a window over the series), the exact distance, how many match, and the page from the
    key of the row at its edge. So a page costs the same whatever its number and however many
    meet-ups the UK has. Before, every match was read into Python to choose and count (about 7 µs
    a meet-up; 15 ms of CPU a page at 5,500, bench/README.md). Two statements: the page's rows with
    the count, then the page's meet-ups loaded whole."""
    now = now or utcnow()
    conditions = [Meetup.status.in_((MeetupStatus.PUBLISHED, MeetupStatus.CANCELLED)), Meetup.ends_at > now]
    if filters.audience in (MeetupAudience.LIVING_WITH_DEMENTIA.value, MeetupAudience.CARERS.value):
        conditions.append(Meetup.audience.in_((MeetupAudience(filters.audience), MeetupAudience.BOTH, MeetupAudience.EVERYONE)))
    for key in filters.access:
        if key in ACCESS_KEYS:
            conditions.append(getattr(Meetup, f"access_{key}") == Access.YES.value)
    if filters.free_only:
        conditions.append(Meetup.cost_pence == 0)
    if filters.online_only:
        conditions.append(Meetup.online.is_(True))
    place, distance = None, sa.null()
    if filters.near.strip():
        looked_up = places.search(filters.near)
        if looked_up.choices:
            return _nothing(choices=looked_up.choices)
        place = looked_up.place
        if place is None:
            return _nothing(problem=_(
                "We do not know a place called “%(name)s”. Check the spelling, or try a nearby "
                "town or city, a postcode like CF10 1EP, or the first half of one, like CF10.", name=filters.near.strip()
            ))
        low_lat, high_lat, low_lon, high_lon = places.bounding_box(place.latitude, place.longitude, filters.miles)
        distance = places.miles_between_sql(place.latitude, place.longitude, Meetup.latitude, Meetup.longitude)
        conditions += [
            Meetup.in_person.is_(True),
            Meetup.latitude.between(low_lat, high_lat),  # the index narrows; the distance decides
            Meetup.longitude.between(low_lon, high_lon),
            distance <= filters.miles,
        ]
    # A one-off meet-up is a "series" of its own (minus its id: series ids are positive).
    series = sa.func.coalesce(Meetup.series_id, -Meetup.id)
    going_ahead_first = sa.case((Meetup.status == MeetupStatus.CANCELLED, 1), else_=0)
    matches = (
        sa.select(
            Meetup.id, Meetup.series_id, Meetup.starts_at, distance.label("distance"),
            sa.func.row_number().over(partition_by=series, order_by=(going_ahead_first, Meetup.starts_at, Meetup.id)).label("choice"),
            sa.func.count().over(partition_by=series).label("dates"),
        )
        .where(*conditions)
        .cte("matches")
    )
    total = sa.select(sa.func.count()).select_from(matches).where(matches.c.choice == 1).scalar_subquery()
    shown = sa.select(matches.c.id, matches.c.series_id, matches.c.starts_at, matches.c.distance, matches.c.dates,
                      total.label("total")).where(matches.c.choice == 1)
    counted = {"total": 0}

    def fetch(direction: str, key: tuple | None, how_many: int) -> list:
        ordered = paging.in_order_from_key(shown, (matches.c.starts_at, matches.c.id), direction, descending=False)
        rows = db.session.execute(ordered.limit(how_many), paging.key_parameters(key)).all()
        if rows:
            counted["total"] = rows[0].total
        return rows

    page = paging.read_page(fetch, lambda row: (row.starts_at, row.id), UPCOMING_KEY, position, PER_PAGE)
    series_dates = {row.series_id: row.dates for row in page.rows if row.series_id is not None}
    whole = {meetup.id: meetup for meetup in db.session.scalars(
        sa.select(Meetup).where(Meetup.id.in_([row.id for row in page.rows] or [0]))
        .options(selectinload(Meetup.organisation), selectinload(Meetup.series))
    )}
    # (A meet-up deleted between the two statements is left out rather than failing the page.)
    page.rows = [(whole[row.id], row.distance) for row in page.rows if row.id in whole]
    return Found(page, counted["total"], place, "", series_dates)


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
