"""Fill a bench database with upcoming meet-ups across Great Britain: SERIES weekly meet-ups with
DATES dates each, and as many one-off ones, at random places (a UK-wide listing, for
bench/meetups_listing.py). Usage: DATABASE_URL=... .venv/bin/python bench/meetups_fill.py [series, default 500] [dates, default 10]
"""
import random
import sys
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Meetup, MeetupAudience, MeetupStatus, Series, User
from app.models.meetups import Repeat
from app.models.types import utcnow

SERIES = int(sys.argv[1]) if len(sys.argv) > 1 else 500
DATES = int(sys.argv[2]) if len(sys.argv) > 2 else 10
chooser = random.Random(15)
app = create_app()
with app.app_context():
    author = db.session.scalar(sa.select(User.id).order_by(User.id).limit(1))
    now = utcnow()

    def meetup(n, starts, series_id=None):
        return {"series_id": series_id, "author_id": author, "status": MeetupStatus.PUBLISHED, "title": f"Memory café {n}",
                "description": "Tea, cake and music.", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                "in_person": True, "venue_name": "Community centre", "address": "1 High Street", "town": "Town",
                "postcode": "", "latitude": chooser.uniform(50.5, 56.0), "longitude": chooser.uniform(-4.5, 1.0),
                "audience": MeetupAudience.BOTH, "created_at": now, "updated_at": now}

    rows = []
    for n in range(SERIES):
        first = now + timedelta(days=chooser.randint(1, 7), hours=chooser.randint(0, 8))
        series = Series(repeat=Repeat.WEEKLY, weekday=first.weekday())
        db.session.add(series)
        db.session.flush()
        rows += [meetup(n, first + timedelta(weeks=week), series.id) for week in range(DATES)]
    rows += [meetup(SERIES + n, now + timedelta(days=chooser.randint(1, 90), hours=chooser.randint(0, 8))) for n in range(SERIES)]
    db.session.execute(sa.insert(Meetup), rows)
    db.session.commit()
    print(f"{len(rows):,} upcoming meet-ups: {SERIES} weekly series of {DATES} dates and {SERIES} one-off")
