"""A common word searched for after many searches for a rare one, in one process (one connection):
the case where a prepared search statement's single plan, made for any words, would suit the rare
word and hold the common one to the 3-second timeout (app/services/search.py, plan_cache_mode).
Prints each common-word search's time and size (a page of about 2,700 bytes is the "too broad"
answer the timeout gives) and the connection's prepared statements with their generic and custom
plan counts. Usage: DATABASE_URL=... PYTHONPATH=. bench/search_after_rare_words.py [rare] [common]
"""
import sys
import threading
import time

import sqlalchemy as sa

from bench.wsgi_bench import app
from app.extensions import db

for thread in threading.enumerate():
    if thread.name == "safety-model":
        thread.join()
rare, common = (sys.argv[1:3] + ["garden17", "garden"][len(sys.argv[1:3]):])
client = app.test_client()
for _ in range(40):
    client.get(f"/search?q={rare}")
for _ in range(5):
    started = time.perf_counter()
    page = client.get(f"/search?q={common}")
    print(f"{common} after 40 searches for {rare}: {(time.perf_counter() - started) * 1000:.0f} ms, {len(page.get_data())} bytes")
with app.app_context(), db.engine.connect() as connection:
    for generic, custom, statement in connection.execute(sa.text(
            "SELECT generic_plans, custom_plans, left(regexp_replace(statement, '\\s+', ' ', 'g'), 70) FROM pg_prepared_statements")):
        print(f"prepared: generic plans {generic}, custom plans {custom}: {statement}")
