"""CPU and wall ms for the meet-ups listing, in-process, on a database filled by bench/meetups_fill.py:
the whole UK (no place), and near a town, as a signed-in member sees it (members' meet-up pages are
not kept in the page cache, so each view makes the page). Usage: DATABASE_URL=... .venv/bin/python
bench/meetups_listing.py COOKIE [repeats, default 20] (COOKIE from bench/member_cookie.py)
"""
import html
import re
import sys
import threading
import time

from bench.wsgi_bench import app

for thread in threading.enumerate():  # the safety model loads in a thread: not part of the figures
    if thread.name == "safety-model":
        thread.join()

REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
client = app.test_client()
client.set_cookie(*sys.argv[1].split("=", 1))


def page_address(path: str, number: int) -> str:
    """The address of page `number`, reached by "Later meet-ups" as a reader would (paged by key)."""
    for _ in range(number - 1):
        found = re.search(r'<a href="([^"]+)" rel="next">', client.get(path).get_data(as_text=True))
        path = html.unescape(found.group(1))
    return path


for name, path in (("whole UK, page 1", "/meetups"), ("whole UK, page 20", page_address("/meetups", 20)),
                   ("within 25 miles of Birmingham", "/meetups?filter=1&near=Birmingham&miles=25")):
    for _ in range(3):
        client.get(path)
    started_cpu, started_wall = time.thread_time(), time.perf_counter()
    for _ in range(REPEATS):
        response = client.get(path)
    cpu = (time.thread_time() - started_cpu) * 1000 / REPEATS
    wall = (time.perf_counter() - started_wall) * 1000 / REPEATS
    print(f"MEETUPS|{name}|{path}|cpu_ms={cpu:.1f} wall_ms={wall:.1f} status={response.status_code} bytes={len(response.get_data())}")
