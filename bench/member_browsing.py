"""A member's evening on the forum, in-process: how many of their pages come kept.

The member goes back and forth between a category page and its threads, as people do: the
category, a thread, the category, another thread... Threads are picked among the category's newest
THREADS with Zipf-like popularity (the k-th most popular is read 1/k as often), so they often come
back to one they read before. Every PAGES_PER_REPLY of their page views, someone else replies to one
of those threads (through forums.reply, as the site does); the member follows the FOLLOWS busiest,
so a reply there sends them a notification. Each thread page view moves their read marker when
there is something new to them.

Run twice, each time for another member (--member, then the next id; pick new ones to run it again
on the same database: a run leaves read markers behind): with the finer versions (their read
marker, follow and draft for a thread move their version for that thread, app/page_cache.py
MEMBER_THREAD_TABLES; a notification, only the count in the header: MEMBER_UNREAD_TABLES), and with
one version per member (as before: any of their rows moving, a notification too, left all their
kept pages behind), simulated by tying every such row to the member alone. Prints the share of the member's page views
served kept and the CPU ms per page view (process time, so waiting on PostgreSQL or Redis is not
counted).

Usage: PYTHONPATH=. DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/member_browsing.py \
         [--views 2000] [--pages-per-reply 10] [--threads 200] [--follows 20]
         [--member 2 (3 for the second run, 4 to warm up)]
Writes replies and read markers into the database it runs on: use the bench database, not a real one.
"""
import argparse
import os
import random
import subprocess
import sys
import threading
import time

import sqlalchemy as sa

from app import page_cache
from app.extensions import db
from app.models import Category, Thread, User
from app.services import forums
from bench.busy_forum import reply_to_one
from bench.wsgi_bench import app

for thread in threading.enumerate():  # the safety model loads in a thread: not part of the figures
    if thread.name == "safety-model":
        thread.join()


def one_version_per_member():
    """The members' versions as they were: a row of theirs about a thread, or a notification for
    them, moves their one version."""
    page_cache._threads_of_row = lambda instance, is_new: None
    page_cache._threads_in_statement = lambda state: None
    page_cache._member_page_versions = lambda user_id: ()
    page_cache.MEMBER_UNREAD_TABLES = frozenset()


def run(views: int, pages_per_reply: int, thread_count: int, member: int, cookie: str, slug: str, seed: int, follows: int):
    chooser = random.Random(seed)
    with app.app_context():
        category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
        thread_ids = list(db.session.scalars(
            sa.select(Thread.id).where(Thread.category_id == category.id, Thread.is_deleted.is_(False),
                                       Thread.is_hidden.is_(False), Thread.is_locked.is_(False))
            .order_by(Thread.last_post_at.desc()).limit(thread_count)
        ))
        writers = [writer for writer in db.session.scalars(
            sa.select(User.id).where(User.deleted_at.is_(None)).order_by(User.id).limit(200)) if writer != member]
    weights = [1 / rank for rank in range(1, len(thread_ids) + 1)]
    with app.test_request_context():  # they follow the busiest threads: replies there notify them
        reader = db.session.get(User, member)
        for thread_id in thread_ids[:follows]:
            forums.follow(reader, db.session.get(Thread, thread_id))
        db.session.commit()
    client = app.test_client()
    client.set_cookie(*cookie.split("=", 1))
    kept = {"category": 0, "thread": 0}
    seen = {"category": 0, "thread": 0}
    cpu = 0.0
    replies = 0
    for view in range(1, views + 1):
        kind = "category" if view % 2 else "thread"
        path = f"/forums/{slug}" if kind == "category" else f"/threads/{chooser.choices(thread_ids, weights)[0]}"
        started = time.process_time()
        response = client.get(path)
        cpu += time.process_time() - started
        assert response.status_code == 200, (path, response.status_code)
        seen[kind] += 1
        kept[kind] += response.headers.get("X-Page-Cache") == "hit"
        if view % pages_per_reply == 0:
            replies += reply_to_one(chooser, thread_ids, weights, writers, "Another reply this evening")
    shares = {kind: kept[kind] / max(seen[kind], 1) for kind in kept}
    return sum(kept.values()) / views, shares, cpu * 1000 / views, replies


def member_cookie(member: int) -> str:
    made = subprocess.run([sys.executable, "bench/member_cookie.py", str(member)], check=True, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": "."})
    return made.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=2000)
    parser.add_argument("--pages-per-reply", type=int, default=10)
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--member", type=int, default=2)
    parser.add_argument("--category", default="welcome-and-introductions")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--warm-up", type=int, default=300)
    parser.add_argument("--follows", type=int, default=20, help="how many of the busiest threads the member follows")
    options = parser.parse_args()
    # First a warm-up by a third member (templates compiled, posts' fragments made), not counted:
    # otherwise the first run pays for it.
    run(options.warm_up, options.pages_per_reply, options.threads, options.member + 2, member_cookie(options.member + 2),
        options.category, options.seed + 1, options.follows)
    # Two members, one for each run, so that neither starts with the read markers of the other run.
    runs = [("a version per thread for each member", None, options.member),
            ("one version per member (before)", one_version_per_member, options.member + 1)]
    for name, change, member in runs:
        if change is not None:
            change()
        with app.app_context():
            page_cache.cache.clear()
        share, shares, cpu, replies = run(options.views, options.pages_per_reply, options.threads, member, member_cookie(member),
                                          options.category, options.seed, options.follows)
        print(f"BROWSING|{name}|views={options.views} replies={replies} kept={share:.1%} "
              f"category_kept={shares['category']:.1%} thread_kept={shares['thread']:.1%} cpu_ms={cpu:.2f}")


if __name__ == "__main__":
    main()
