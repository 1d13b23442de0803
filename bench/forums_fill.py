"""Fill a PostgreSQL database with a large forum for benchmarking (COPY, so a million posts take minutes).

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE bench_forums'
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_forums .venv/bin/flask db upgrade
    .venv/bin/python bench/forums_fill.py --database postgresql://postgres@127.0.0.1/bench_forums [--scale 1.0]

Scale 1.0 is 100,000 members, 50,000 threads and 1,000,000 posts. One thread ("A very long
conversation") gets DEEP_POSTS posts so that a deep page (page 200+) can be measured.
"""
import argparse
import random
import time
from datetime import datetime, timedelta, timezone

import psycopg

from app.text import render

WORDS = ("garden tea biscuit memory café carer walk music dog cat sunday tablets doctor nurse bus "
         "library daughter son husband wife friend laugh tired hope rain sunshine roses pond kettle "
         "radio photo holiday seaside knitting crossword puzzle bread soup clock diary calendar").split()
CATEGORIES = [
    ("welcome-and-introductions", "Welcome and introductions", "EVERYONE", "MEMBERS"),
    ("living-with-dementia", "Living with dementia", "MEMBERS", "LIVING_WITH_DEMENTIA"),
    ("caring-for-someone", "Caring for someone", "CARERS", "CARERS"),
    ("tips-that-help", "Tips that help", "EVERYONE", "MEMBERS"),
    ("local-news-and-meet-ups", "Local news and meet-ups", "EVERYONE", "MEMBERS"),
    ("just-for-fun", "Just for fun", "MEMBERS", "MEMBERS"),
]
ROLES = ["LIVING_WITH_DEMENTIA", "CARER", "VOLUNTEER", "ORGANISATION"]
DEEP_POSTS = 5_000


# Real text has a long tail of rarer words; 20,000 made-up ones ("orchid17") give searches that
# match a realistic few hundred posts rather than nearly all of them.
RARE = [f"{word}{n}" for n in range(500) for word in WORDS[:40]]


def sentence(rng, low=8, high=40):
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    words[rng.randrange(len(words))] = rng.choice(RARE)
    return " ".join(words).capitalize() + "."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    members, threads, posts = int(100_000 * args.scale), int(50_000 * args.scale), int(1_000_000 * args.scale)
    rng = random.Random(42)
    # Plain words render to one paragraph; app.text.render takes ~2 ms a post, too slow for a million.
    sample = sentence(random.Random(1))
    assert render(sample) == f"<p>{sample}</p>"
    start = time.monotonic()
    base = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with psycopg.connect(args.database) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE forum_reactions, forum_bookmarks, forum_drafts, forum_thread_reads, forum_thread_follows, "
                    "forum_post_revisions, forum_posts, forum_threads, forum_categories, audit_entries, email_tokens, users RESTART IDENTITY CASCADE")
        # Migration 0016 keeps each post's tsvector in a generated column (computed during COPY);
        # before it, an expression index. Either way the GIN indexes are built after loading.
        cur.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'forum_posts' AND column_name = 'forum_search_vector'")
        stored_vector = cur.fetchone() is not None
        # Migration 0018 does the same for thread titles.
        cur.execute("SELECT 1 FROM information_schema.columns WHERE table_name = 'forum_threads' AND column_name = 'forum_search_vector'")
        stored_title_vector = cur.fetchone() is not None
        cur.execute("DROP INDEX IF EXISTS ix_forum_search_posts")
        cur.execute("DROP INDEX IF EXISTS ix_forum_search_vector")
        cur.execute("DROP INDEX IF EXISTS ix_forum_search_threads")
        cur.execute("DROP INDEX IF EXISTS ix_forum_search_thread_vector")
        with cur.copy("COPY users (email, display_name, password_hash, role, approval, is_moderator, is_admin, session_epoch, "
                      "text_size, colour_scheme, timezone, created_at) FROM STDIN") as copy:
            for n in range(1, members + 1):
                copy.write_row((f"member{n}@example.org", f"Member {n}", "not-a-hash", ROLES[n % 4], "NOT_NEEDED",
                                False, False, 0, "standard", "standard", "Europe/London", base))
        print(f"{members:,} members in {time.monotonic() - start:.0f}s")
        for position, (slug, name, read, post) in enumerate(CATEGORIES):
            cur.execute("INSERT INTO forum_categories (slug, name, description, position, read_audience, post_audience, "
                        "thread_count, post_count, created_at) VALUES (%s, %s, '', %s, %s, %s, 0, 0, %s)",
                        (slug, name, position, read, post, base))
        # Posts per thread: the deep thread first, the rest spread at random (at least one each).
        counts = [1] * threads
        counts[0] = min(DEEP_POSTS, posts - threads + 1)
        for _ in range(posts - sum(counts)):
            counts[rng.randrange(1, threads)] += 1
        thread_rows = []
        for thread_id in range(1, threads + 1):
            category_id = 1 if thread_id == 1 else rng.randint(1, len(CATEGORIES))
            author = rng.randint(1, members)
            when = base + timedelta(minutes=thread_id)
            last = when + timedelta(seconds=counts[thread_id - 1])
            title = "A very long conversation" if thread_id == 1 else sentence(rng, 3, 8)[:150]
            thread_rows.append((category_id, author, title, counts[thread_id - 1], counts[thread_id - 1], when, last, author))
        with cur.copy("COPY forum_threads (category_id, author_id, title, last_post_number, post_count, created_at, "
                      "last_post_at, last_poster_id, is_pinned, is_locked, is_deleted) FROM STDIN") as copy:
            for row in thread_rows:
                copy.write_row(row + (False, False, False))
        with cur.copy("COPY forum_posts (thread_id, number, author_id, body, body_html, status, created_at) FROM STDIN") as copy:
            for thread_id, row in enumerate(thread_rows, start=1):
                author, when = row[1], row[5]
                for number in range(1, counts[thread_id - 1] + 1):
                    body = sentence(rng)
                    copy.write_row((thread_id, number, author if number == 1 else rng.randint(1, members), body,
                                    f"<p>{body}</p>", "VISIBLE", when + timedelta(seconds=number)))
                if thread_id % 10_000 == 0:
                    print(f"  {thread_id:,} threads' posts written ({time.monotonic() - start:.0f}s)")
        cur.execute("""UPDATE forum_categories c SET thread_count = s.threads, post_count = s.posts, last_post_at = s.last
                       FROM (SELECT category_id, count(*) threads, sum(post_count) posts, max(last_post_at) last
                             FROM forum_threads GROUP BY category_id) s WHERE s.category_id = c.id""")
        cur.execute("""UPDATE forum_categories c SET last_thread_id = (SELECT id FROM forum_threads t WHERE t.category_id = c.id
                       ORDER BY last_post_at DESC LIMIT 1)""")
        print(f"{posts:,} posts in {threads:,} threads written ({time.monotonic() - start:.0f}s); building search indexes")
        if stored_vector:
            cur.execute("CREATE INDEX ix_forum_search_vector ON forum_posts USING gin (forum_search_vector)")
        else:
            cur.execute("CREATE INDEX ix_forum_search_posts ON forum_posts USING gin (to_tsvector('english', body))")
        if stored_title_vector:
            cur.execute("CREATE INDEX ix_forum_search_thread_vector ON forum_threads USING gin (forum_search_vector)")
        else:
            cur.execute("CREATE INDEX ix_forum_search_threads ON forum_threads USING gin (to_tsvector('english', title))")
        conn.commit()
    with psycopg.connect(args.database, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"done in {time.monotonic() - start:.0f}s")


if __name__ == "__main__":
    main()
