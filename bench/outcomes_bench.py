"""How long the outcomes page's figures take on a large PostgreSQL site, and in how many queries.

Fills an empty, migrated database with generate_series (members, meet-ups across the shipped
postcode districts, places, forum posts, chat messages, cases, reminders, check-ins spread over
2025-2026), then times services.outcomes.outcomes() for three areas. Usage (see bench/README.md):

    PYTHONPATH=. .venv/bin/python bench/outcomes_bench.py --database postgresql://postgres@127.0.0.1/h19_bench --members 50000
"""
import argparse
import statistics
import time

import sqlalchemy as sa

FILL = """
INSERT INTO users (email, display_name, password_hash, role, approval, is_moderator, is_admin, session_epoch,
                   text_size, colour_scheme, timezone, created_at)
SELECT 'member' || n || '@example.org', 'Member ' || n, 'x',
       (ARRAY['LIVING_WITH_DEMENTIA', 'CARER', 'CARER', 'VOLUNTEER'])[1 + n % 4], 'NOT_NEEDED', false, n = 1, 0,
       'standard', 'standard', 'Europe/London', timestamptz '2025-01-01' + (n % 600) * interval '1 day'
FROM generate_series(1, :members) AS n;

INSERT INTO organisations (name, kind, registration, website, description, contact_email, contact_phone, created_at, verified_at)
SELECT 'Charity ' || n, 'charity', '', '', '', '', '', now(), now() FROM generate_series(1, 20) AS n;

INSERT INTO meetups (organisation_id, status, title, description, starts_at, ends_at, in_person, venue_name, address, town,
                     postcode, online, joining_link, dial_in, cost_pence, audience, places_taken, contact_phone,
                     access_step_free, access_accessible_toilet, access_hearing_loop, access_quiet_space, access_parking,
                     access_public_transport, access_carers_free, access_trained_staff, sequence, decision_reason,
                     created_at, updated_at)
SELECT 1 + n % 20, 'PUBLISHED', 'Memory café', '', timestamptz '2025-01-01' + (n % 600) * interval '1 day' + interval '14 hours',
       timestamptz '2025-01-01' + (n % 600) * interval '1 day' + interval '16 hours', true, 'Hall', '', '',
       (CAST(:districts AS text[]))[1 + n % :district_count] || ' 1AA', false, '', '', 0, 'EVERYONE', 0, '',
       'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 0, '', now(), now()
FROM generate_series(1, :meetups) AS n;

INSERT INTO rsvps (meetup_id, member_id, status, companions, created_at, updated_at)
SELECT DISTINCT ON (m, u) m, u, CASE WHEN n % 10 = 0 THEN 'CANCELLED' ELSE 'GOING' END, n % 2,
       timestamptz '2025-01-01', timestamptz '2025-01-01'
FROM (SELECT n, 1 + (n::bigint * 7919) % :meetups AS m, 1 + (n::bigint * 104729) % :members AS u FROM generate_series(1, :rsvps) AS n) AS pick;

INSERT INTO reminders_sent (rsvp_id, kind, starts_at, sent_at)
SELECT r.id, 'day_before', m.starts_at, m.starts_at - interval '1 day' FROM rsvps r JOIN meetups m ON m.id = r.meetup_id;

INSERT INTO forum_categories (slug, name, description, position, read_audience, post_audience, thread_count, post_count, created_at)
VALUES ('welcome', 'Welcome', '', 0, 'EVERYONE', 'MEMBERS', 0, 0, now());

INSERT INTO forum_threads (category_id, author_id, title, is_pinned, is_locked, is_deleted, is_hidden, last_post_number,
                           post_count, created_at, last_post_at)
SELECT 1, 1 + (n * 31) % :members, 'Thread ' || n, false, false, false, false, 1, 1,
       timestamptz '2025-01-01' + (n % 600) * interval '1 day', now()
FROM generate_series(1, :threads) AS n;

INSERT INTO forum_posts (thread_id, number, author_id, body, body_html, status, created_at)
SELECT 1 + n % :threads, 1 + n / :threads, 1 + (n * 17) % :members, 'Hello', '<p>Hello</p>', 'VISIBLE',
       timestamptz '2025-01-01' + (n % 600) * interval '1 day' + (n % 48) * interval '1 hour'
FROM generate_series(0, :posts - 1) AS n;

INSERT INTO chat_rooms (kind, name, description, slow_mode_seconds, created_at) VALUES ('OPEN', 'Tea room', '', 0, now());

INSERT INTO chat_messages (room_id, author_id, body, status, held_reason, created_at)
SELECT 1, 1 + (n * 13) % :members, 'Hi', 'VISIBLE', '', timestamptz '2025-01-01' + (n % 600) * interval '1 day'
FROM generate_series(1, :messages) AS n;

INSERT INTO moderation_cases (content_type, content_id, author_id, status, urgency, summary, held_for_approval,
                              hidden_by_reports, escalated, created_at, resolved_at, outcome_reason)
SELECT 'post', n, 1 + (n * 17) % :members, 'RESOLVED', CASE WHEN n % 20 = 0 THEN 'SAFETY' ELSE 'NORMAL' END, '', false,
       false, false, timestamptz '2025-01-01' + (n % 600) * interval '1 day',
       timestamptz '2025-01-01' + (n % 600) * interval '1 day' + (n % 30) * interval '1 hour', ''
FROM generate_series(1, :cases) AS n;

INSERT INTO checkins (user_id, started_at, finished_at, lonely, lack_companionship, left_out, isolated)
SELECT 1 + (n * 3) % :members, timestamptz '2025-01-01' + (n % 600) * interval '1 day',
       timestamptz '2025-01-01' + (n % 600) * interval '1 day', 1 + n % 5, 1 + n % 3, 1 + n % 3, 1 + n % 3
FROM generate_series(1, :checkins) AS n;
ANALYZE;
"""


def fill(url: str, members: int) -> None:
    from app.services import places

    districts = sorted(places._places()[0])  # noqa: SLF001 - the shipped districts
    sizes = {"district_count": len(districts), "members": members, "meetups": members // 25, "rsvps": members * 4, "threads": members // 5,
             "posts": members * 4, "messages": members * 4, "cases": members // 10, "checkins": members // 2}
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in FILL.split(";\n"):
            if statement.strip():
                values = {"districts": districts, **sizes}
                connection.execute(sa.text(statement), {key: value for key, value in values.items() if f":{key}" in statement})
    engine.dispose()
    print("filled:", sizes)


def measure(url: str, repeats: int) -> None:
    import time_machine

    from app import create_app
    from app.extensions import db
    from app.models import User
    from app.services import outcomes, places
    from tests.helpers import count_queries

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.test_request_context(), time_machine.travel("2026-07-15 10:00:00+00:00", tick=True):
        root = db.session.get(User, 1)
        period = outcomes.choose_period("2026-01", "2026-06")
        for key in ("", "authority:Cheshire West and Chester", "district:CH1"):
            area = places.area_of(key)
            timings = []
            for _ in range(repeats):
                with count_queries() as queries:
                    started = time.perf_counter()
                    outcomes.outcomes(root, period, area)
                    timings.append((time.perf_counter() - started) * 1000)
            print(f"{area.name:35} median {statistics.median(timings):7.0f} ms  max {max(timings):7.0f} ms  {queries.count} queries")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--members", type=int, default=50000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-fill", action="store_true")
    args = parser.parse_args()
    if not args.no_fill:
        fill(args.database, args.members)
    measure(args.database.replace("postgresql://", "postgresql+psycopg://"), args.repeats)
