"""Finding meet-ups: the filters, upcoming ones (near a place, one row per series) and past ones."""
import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, selectinload

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
    ahead, else its next cancelled one), the exact distance, how many match, and the page from the
    key of the row at its edge. Two statements: the page's rows with the count, then the page's
    meet-ups loaded whole.

    The page walks the start-time index from the key and keeps a date only when no other matching
    date of its series comes before it (_chosen_for_its_series), so a page reads about the rows it
    shows. Before, a window over every match chose each series' date (row_number over the series)
    before the page could be cut: at 5,500 upcoming meet-ups, 13 ms of PostgreSQL a view against
    1.9 ms now (EXPLAIN ANALYZE), most of it now the count; a member's whole-UK page took 17.7 ms
    and now 10.5 (bench/meetups_listing.py, bench/README.md). Before that, every match was read
    into Python (15 ms of CPU a page at 5,500)."""
    now = now or utcnow()
    place = None
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
    shape = _Shape(
        audience=filters.audience if filters.audience in (MeetupAudience.LIVING_WITH_DEMENTIA.value, MeetupAudience.CARERS.value) else "",
        access=tuple(key for key in ACCESS_KEYS if key in filters.access),
        free_only=bool(filters.free_only), online_only=bool(filters.online_only), near=place is not None,
    )
    values = {"now": now}
    if place is not None:
        low_lat, high_lat, low_lon, high_lon = places.bounding_box(place.latitude, place.longitude, filters.miles)
        values.update(places.point_parameters(place.latitude, place.longitude), miles=filters.miles,
                      low_latitude=low_lat, high_latitude=high_lat, low_longitude=low_lon, high_longitude=high_lon)
    found = {"total": 0}

    def fetch(direction: str, key: tuple | None, how_many: int) -> list:
        rows = db.session.execute(_upcoming_statement(shape, direction, how_many), {**values, **paging.key_parameters(key)}).all()
        if rows:
            found["total"] = rows[0].total
        return rows

    page = paging.read_page(fetch, lambda row: (row.starts_at, row.id), UPCOMING_KEY, position, PER_PAGE)
    series_dates = {row.series_id: row.dates for row in page.rows if row.series_id is not None}
    whole = {meetup.id: meetup for meetup in db.session.scalars(
        sa.select(Meetup).where(Meetup.id.in_([row.id for row in page.rows] or [0]))
        .options(selectinload(Meetup.organisation), selectinload(Meetup.series))
    )}
    # (A meet-up deleted between the two statements is left out rather than failing the page.)
    page.rows = [(whole[row.id], row.distance) for row in page.rows if row.id in whole]
    return Found(page, found["total"], place, "", series_dates)


class _Shape(NamedTuple):
    """Which filters a listing uses (their values are bound parameters): one statement each."""
    audience: str  # "" for everyone, or the audience chosen (a fixed word of our own)
    access: tuple[str, ...]
    free_only: bool
    online_only: bool
    near: bool


@functools.lru_cache(maxsize=256)  # the shapes people use are few; any other is built again
def _upcoming_statement(shape: _Shape, direction: str, how_many: int):
    """find_upcoming's statement, built once per process for each shape of filters and way of
    reading: putting together its three subqueries for every page cost more CPU than running it.
    Its values are bound parameters (now, and near a place: the place, its box and the miles)."""
    distance = places.miles_from_point_sql(Meetup.latitude, Meetup.longitude) if shape.near else sa.null()
    # Every match's series once (a one-off meet-up is a "series" of its own: minus its id, as
    # series ids are positive): worked out once for the page, whatever its number.
    counted = aliased(Meetup, name="counted")
    total = (sa.select(sa.func.count(sa.distinct(sa.func.coalesce(counted.series_id, -counted.id))))
             .where(*_matching(counted, shape)).scalar_subquery())
    shown = (
        sa.select(Meetup.id, Meetup.series_id, Meetup.starts_at, distance.label("distance"),
                  _dates_matching(shape).label("dates"), total.label("total"))
        .where(*_matching(Meetup, shape), _chosen_for_its_series(shape))
    )
    # How many rows written into the SQL, not bound: so PostgreSQL may keep one plan for a prepared
    # statement (as forums.reading._thread_listing_statement explains).
    return (paging.in_order_from_key(shown, (Meetup.starts_at, Meetup.id), direction, descending=False)
            .limit(sa.literal_column(str(int(how_many)), sa.Integer)))


def _matching(meetup, shape: _Shape) -> list:
    """The conditions a date of `meetup` (the Meetup class, or an alias of it) must meet to be listed."""
    # Comparisons rather than IN (...) lists, which SQLAlchemy expands at every execution.
    conditions = [sa.or_(meetup.status == MeetupStatus.PUBLISHED, meetup.status == MeetupStatus.CANCELLED),
                  meetup.ends_at > sa.bindparam("now", type_=Meetup.ends_at.type)]
    if shape.audience:
        conditions.append(sa.or_(*(meetup.audience == audience for audience in
                                   (MeetupAudience(shape.audience), MeetupAudience.BOTH, MeetupAudience.EVERYONE))))
    for key in shape.access:
        conditions.append(getattr(meetup, f"access_{key}") == Access.YES.value)
    if shape.free_only:
        conditions.append(meetup.cost_pence == 0)
    if shape.online_only:
        conditions.append(meetup.online.is_(True))
    if shape.near:
        conditions += [
            meetup.in_person.is_(True),
            # the index narrows; the distance decides
            meetup.latitude.between(sa.bindparam("low_latitude", type_=sa.Float), sa.bindparam("high_latitude", type_=sa.Float)),
            meetup.longitude.between(sa.bindparam("low_longitude", type_=sa.Float), sa.bindparam("high_longitude", type_=sa.Float)),
            places.miles_from_point_sql(meetup.latitude, meetup.longitude) <= sa.bindparam("miles", type_=sa.Float),
        ]
    return conditions


def _going_ahead_first(meetup):
    """A series' dates in the order one is chosen to stand for it: going ahead before cancelled,
    then the soonest (and by id, for two at the same time)."""
    return sa.tuple_(sa.case((meetup.status == MeetupStatus.CANCELLED, 1), else_=0), meetup.starts_at, meetup.id)


def _chosen_for_its_series(shape: _Shape):
    """Whether a listed date stands for its series: a one-off does; a series' date does when no
    other matching date of that series comes before it (_going_ahead_first), found through the
    series' index."""
    earlier = aliased(Meetup, name="earlier")
    return sa.or_(
        Meetup.series_id.is_(None),
        ~sa.exists().where(earlier.series_id == Meetup.series_id, *_matching(earlier, shape),
                           _going_ahead_first(earlier) < _going_ahead_first(Meetup)),
    )


def _dates_matching(shape: _Shape):
    """How many of a listed date's series' dates match (1 for a one-off)."""
    same_series = aliased(Meetup, name="same_series")
    dates = (sa.select(sa.func.count()).where(same_series.series_id == Meetup.series_id, *_matching(same_series, shape))
             .scalar_subquery())
    return sa.case((Meetup.series_id.is_(None), 1), else_=dates)


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
