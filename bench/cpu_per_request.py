"""CPU milliseconds per request, in-process (no network, no gunicorn): the app's own cost.

Each address is requested a few times to warm up (and fill the visitors' page cache, as under
load), then N times; the figure is process CPU time divided by N, so waiting on PostgreSQL or
Redis is not counted. Usage: bench/cpu_per_request.py COOKIE name=path [name=path ...]
(a name starting with "member" is requested with the member's cookie; one ending in "-made" with
members' pages not kept, PAGE_CACHE_MEMBERS off, so each request makes the page; one ending in
"-br" asks as a browser does, for a compressed answer: Accept-Encoding: gzip, deflate, br, zstd).
"""
import os
import sys
import threading
import time

from bench.wsgi_bench import app

# The app loads its safety model in a background thread as it starts (app/__init__.py): process CPU
# time counts that thread too, so wait for it before measuring (it made the first rows' figures
# several times too high).
for thread in threading.enumerate():
    if thread.name == "safety-model":
        thread.join()

REPEATS = int(os.environ.get("CPU_REPEATS", "200"))


BROWSER_ENCODINGS = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium and Firefox send


def cpu_ms(path: str, cookie: str | None, headers: dict) -> tuple[float, float, int]:
    client = app.test_client()
    if cookie:  # the test client keeps its own cookies (a Cookie header would be ignored)
        client.set_cookie(*cookie.split("=", 1))
    for _ in range(5):
        client.get(path, headers=headers)
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    for _ in range(REPEATS):
        size = len(client.get(path, headers=headers).get_data())
    return (time.process_time() - started_cpu) * 1000 / REPEATS, (time.perf_counter() - started_wall) * 1000 / REPEATS, size


cookie = sys.argv[1]
for spec in sys.argv[2:]:
    name, path = spec.split("=", 1)
    app.config["PAGE_CACHE_MEMBERS"] = not name.removesuffix("-br").endswith("-made")
    cpu, wall, size = cpu_ms(path, cookie if name.startswith("member") else None, BROWSER_ENCODINGS if name.endswith("-br") else {})
    print(f"CPU|{name}|{path}|cpu_ms={cpu:.2f} wall_ms={wall:.2f} bytes={size}")
