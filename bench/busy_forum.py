"""A busy forum, in-process: visitors read thread pages while members reply, and how many of the
pages come from the page cache.

Readers and writers pick among the newest THREADS threads with Zipf-like popularity (the k-th most
popular is read 1/k as often), as on a real forum, where a few threads are busy and most are quiet.
Every READS_PER_REPLY page views, a member replies to one of them (through forums.reply, as the
site does). Run twice: with each thread page holding its own version (the page cache as it is),
and with one version for the whole forums section (as before issue 15's finer versions: every
reply left every forum page behind), simulated by giving every forum page and every forum change
the section's version alone. Prints the share of page views served from the cache and the CPU ms
per page view (process time, so waiting on PostgreSQL or Redis is not counted).

Usage: PYTHONPATH=. DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/busy_forum.py \
         [--reads 3000] [--reads-per-reply 20] [--threads 1000]
Writes replies into the database it runs on: use the bench database, not a real one.
"""
import argparse
import itertools
import random
import threading
import time

import sqlalchemy as sa

from app import page_cache
from app.extensions import db
from app.models import Thread, User
from app.services import forums
from bench.wsgi_bench import app

for thread in threading.enumerate():  # the safety model loads in a thread: not part of the figures
    if thread.name == "safety-model":
        thread.join()


def one_version_for_the_forums():
    """The page cache as it was: a forum page holds the section's version only, and any change to a
    forums table moves it."""
    page_cache._page_versions = lambda section: (section,)
    page_cache._forum_versions_of = lambda session, instance, table: {"forums"}
    page_cache._forum_versions_of_statement = lambda statement, table_name: {"forums"}


def run(reads: int, reads_per_reply: int, thread_count: int, seed: int) -> tuple[float, float, int]:
    chooser = random.Random(seed)
    with app.app_context():
        thread_ids = list(db.session.scalars(
            sa.select(Thread.id).where(Thread.is_deleted.is_(False), Thread.is_hidden.is_(False))
            .order_by(Thread.last_post_at.desc()).limit(thread_count)
        ))
        writers = list(db.session.scalars(sa.select(User.id).where(User.deleted_at.is_(None)).order_by(User.id).limit(200)))
    weights = [1 / rank for rank in range(1, len(thread_ids) + 1)]
    client = app.test_client()
    hits = cpu = 0.0
    replies = 0
    for view in range(1, reads + 1):
        thread_id = chooser.choices(thread_ids, weights)[0]
        started = time.process_time()
        response = client.get(f"/threads/{thread_id}")
        cpu += time.process_time() - started
        hits += response.headers.get("X-Page-Cache") == "hit"
        if view % reads_per_reply == 0:
            replies += reply_to_one(chooser, thread_ids, weights, writers, "A reply on a busy evening")
    return hits / reads, cpu * 1000 / reads, replies


_numbers = itertools.count(1)


def reply_to_one(chooser: random.Random, thread_ids: list[int], weights: list[float], writers: list[int], words: str) -> bool:
    """One of the writers replies to one of the threads (picked by popularity), through
    forums.reply as the site does; False when that writer may not reply there."""
    with app.test_request_context():
        thread = db.session.get(Thread, chooser.choices(thread_ids, weights)[0])
        writer = db.session.get(User, chooser.choice(writers))
        try:
            forums.reply(writer, thread, f"{words}, number {next(_numbers)}.")
        except Exception:  # noqa: BLE001 - a thread they may not reply in (locked, or a category only some may write in): the next one replies
            db.session.rollback()
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument("--reads-per-reply", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    options = parser.parse_args()
    with app.app_context():
        page_cache.cache.clear()
    share, cpu, replies = run(options.reads, options.reads_per_reply, options.threads, options.seed)
    print(f"BUSY|each thread its own version|reads={options.reads} replies={replies} kept={share:.1%} cpu_ms={cpu:.2f}")
    one_version_for_the_forums()
    with app.app_context():
        page_cache.cache.clear()
    share, cpu, replies = run(options.reads, options.reads_per_reply, options.threads, options.seed)
    print(f"BUSY|one version for the forums (before)|reads={options.reads} replies={replies} kept={share:.1%} cpu_ms={cpu:.2f}")


if __name__ == "__main__":
    main()
