"""Chat benchmark: N members in one room on one or more server processes, each sending at a steady rate.

Each server process is gunicorn with one worker, exactly as in the README's production commands
(gevent by default, or threading/gthread), on SQLite, or on PostgreSQL with Redis as the
Socket.IO message queue; with --processes 2 the clients are split between two processes that
share Redis, all in one room. The clients (python-socketio AsyncClient over WebSocket, all in this
process, so one clock) behave like chat.js: every send waits for an acknowledgement with the stored
id, retries with the same client id after "not sent yet" or no answer in 5 s, a dropped connection
re-joins with after_id, and at the end each client asks (fetch) for exactly the room numbers of the
stored messages it never received live.

    .venv/bin/python bench/chat_bench.py --clients 50,200,500 --mode threading --db sqlite
    .venv/bin/python bench/chat_bench.py --clients 500 --mode gevent --db postgres --seconds 110 --processes 2 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_chat --redis-url redis://127.0.0.1:6379/13

The room's total send rate is fixed (--room-rate messages per second, default 5: a busy room);
each member sends every N / room-rate seconds, its first send at a random moment in that interval
(so --seconds >= N / room-rate gives the full rate). It prints a Markdown row per size, then one
JSON line per size; the last line is the JSON of the last size, with the keys clients, processes,
messages_sent, messages_stored, send_errors, deliveries_expected, delivered_live,
delivered_after_catch_up, lost, p50_ms, p95_ms, p99_ms, load_average (and some context).
"""
import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import string
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args, instance: Path) -> dict:
    env = {
        **os.environ,
        "KINDRED_INSTANCE_DIR": str(instance),
        "KINDRED_ENV": "development",
        "RATELIMIT_ENABLED": "false",
        "CHAT_RATE_LIMITS_ENABLED": "false",  # the benchmark sends on purpose; limits are tested elsewhere
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "64",
        "SOCKETIO_ASYNC_MODE": args.mode,
        "SOCKETIO_CHANNEL": f"kindred-bench-{uuid.uuid4().hex}",
        "DATABASE_URL": args.database_url or f"sqlite:///{instance / 'bench.sqlite'}",
        "OUTBOX_DIR": str(instance / "outbox"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def prepare_database(env: dict, members: int) -> list[str]:
    """Migrate, seed, make `members` members; return a signed session cookie for each."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    if env["DATABASE_URL"].startswith("postgresql"):
        import sqlalchemy as sa

        engine = sa.create_engine(env["DATABASE_URL"])
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    for task in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + task, cwd=REPO, env=env, check=True, capture_output=True)
    os.environ.update({k: env[k] for k in ("KINDRED_INSTANCE_DIR", "ARGON2_TIME_COST", "ARGON2_MEMORY_COST")})
    from app import create_app
    from app.extensions import db
    from app.models import Role, User
    from app.models.types import utcnow
    from app.services import accounts

    app = create_app("development", SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], REDIS_URL=None)
    cookies = []
    with app.app_context():
        existing = {u.email for u in db.session.query(User).filter(User.email.like("bench%")).all()}
        for n in range(members):
            address = f"bench{n}@example.org"
            if address not in existing:
                db.session.add(User(email=address, display_name=f"Member {n}", password_hash="!", role=Role.CARER, email_confirmed_at=utcnow()))
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        for n in range(members):
            user = db.session.query(User).filter_by(email=f"bench{n}@example.org").one()
            accounts.begin_session(user)  # a signed-in browser is a session row on the server
            cookies.append(serializer.dumps({"_user_id": user.get_id(), "_fresh": True}))
        db.engine.dispose()
    return cookies


def start_server(args, env: dict, port: int, log: Path) -> subprocess.Popen:
    """One gunicorn process with one worker, started with exactly the README's production command."""
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "120"]
    if args.mode == "gevent":
        gunicorn += ["-k", "gevent", "--worker-connections", "2000"]
    else:
        gunicorn += ["-k", "gthread", "--threads", str(max(100, args.max_clients + 100))]
    process = subprocess.Popen(gunicorn + ["wsgi:app"], cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/help", timeout=2)
            return process
        except Exception:  # noqa: BLE001
            if process.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.2)
    raise RuntimeError("server did not start:\n" + log.read_text())


ACK_WAIT = 5.0  # seconds, as chat.js: no acknowledgement by then means "not sent yet", try again
RETRY_MAX = 15.0
SENT_AT: dict[str, float] = {}  # client id -> when it was first sent (one clock: all clients are in this process)
GRACE = 30.0  # after the window, unacknowledged sends keep retrying this long before they count as errors


class Member:
    """One benchmark client that behaves like chat.js: same client id on every retry, re-joins
    with after_id when its connection comes back, and records what arrived live."""

    def __init__(self, index, cookie, base_url, room_id, tag):
        self.index, self.cookie, self.base_url, self.room_id, self.tag = index, cookie, base_url, room_id, tag
        self.client = None
        self.live: set[int] = set()  # message ids that arrived as new_message
        self.caught_up: set[int] = set()  # message ids that arrived by catch-up (re-join or fetch)
        self.latencies: list[float] = []
        self.last_id = 0
        self.reconnects = 0
        self._reconnecting = None

    def _new_client(self):
        import socketio

        client = socketio.AsyncClient(reconnection=False)

        @client.on("new_message", namespace="/chat")
        async def on_message(data):
            body = data.get("body", "")
            if body.startswith(f"bench {self.tag} ") and data["id"] not in self.live:
                self.live.add(data["id"])
                self.latencies.append(time.perf_counter() - SENT_AT[data["client_id"]])
            self.last_id = max(self.last_id, data["id"])

        return client

    def healthy(self) -> bool:
        return self.client is not None and self.client.connected and "/chat" in self.client.namespaces

    async def connect(self, after_id=None):
        self.client = self._new_client()
        await self.client.connect(self.base_url, namespaces=["/chat"], transports=["websocket"],
                                  headers={"Cookie": f"kindred_session={self.cookie}"}, wait_timeout=60)
        await self.join(after_id)

    async def reconnect(self):
        """As the browser's Socket.IO client does after a dropped connection: connect again and
        re-join with the last id seen (the catch-up). One at a time per member."""
        if self._reconnecting is None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())
        try:
            await self._reconnecting
        finally:
            self._reconnecting = None

    async def _reconnect(self):
        try:
            await self.client.disconnect()
        except Exception:  # noqa: BLE001
            pass
        for delay in (1, 2, 4, 5, 5, 5):
            try:
                await self.connect(after_id=self.last_id)
                self.reconnects += 1
                return
            except Exception:  # noqa: BLE001
                await asyncio.sleep(delay)

    async def join(self, after_id=None):
        data = {"room_id": self.room_id} if after_id is None else {"room_id": self.room_id, "after_id": after_id}
        answer = await self.client.call("join", data, namespace="/chat", timeout=60)
        assert answer["ok"], answer
        self._caught(answer.get("messages", []))

    def _caught(self, messages):
        for message in messages:
            if message["body"].startswith(f"bench {self.tag} ") and message["id"] not in self.live:
                self.caught_up.add(message["id"])
            self.last_id = max(self.last_id, message["id"])

    async def send(self, body, counts, deadline):
        """Send until acknowledged (or the deadline): returns the stored message, or None."""
        client_id = uuid.uuid4().hex
        SENT_AT[client_id] = time.perf_counter()  # latency is measured from the first attempt
        tries = 0
        while time.perf_counter() < deadline:
            tries += 1
            if tries > 1:
                counts["retries"] += 1
            try:
                if not self.healthy():
                    await self.reconnect()
                answer = await self.client.call("send", {"room_id": self.room_id, "body": body, "client_id": client_id},
                                                namespace="/chat", timeout=ACK_WAIT)
                if answer.get("ok"):
                    return answer["message"]
                if not answer.get("retry"):
                    counts["refused"] += 1
                    return None
                counts["not_sent_yet"] += 1
            except Exception:  # noqa: BLE001 - no acknowledgement in time, or not connected
                counts["no_ack"] += 1
            await asyncio.sleep(min(RETRY_MAX, 2 ** (tries - 1)))
        return None

    async def fetch_missing(self, expected: dict[int, int]):
        """Ask for exactly the room numbers of the stored messages that never arrived (as chat.js does on a gap)."""
        missing = sorted(seq for message_id, seq in expected.items() if message_id not in self.live and message_id not in self.caught_up)
        for start in range(0, len(missing), 100):
            for _ in range(5):
                try:
                    if not self.healthy():
                        await self.reconnect()
                    answer = await self.client.call("fetch", {"room_id": self.room_id, "seqs": missing[start:start + 100]}, namespace="/chat", timeout=30)
                    self._caught(answer.get("messages", []))
                    break
                except Exception:  # noqa: BLE001 - no answer in time: ask again
                    await asyncio.sleep(1)


async def run_round(base_urls: list[str], cookies: list[str], room_id: int, seconds: float, room_rate: float, database_url: str) -> dict:
    # Letters only: a run of digits in a message reads as a phone or account number to the safety checks.
    tag = "".join(random.choice(string.ascii_lowercase) for _ in range(8))
    members = [Member(i, cookie, base_urls[i % len(base_urls)], room_id, tag) for i, cookie in enumerate(cookies)]
    counts = {"sent": 0, "acked": 0, "retries": 0, "not_sent_yet": 0, "no_ack": 0, "refused": 0}

    started = time.perf_counter()
    for batch in range(0, len(members), 25):
        await asyncio.gather(*(m.connect() for m in members[batch:batch + 25]))
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2)  # let presence settle

    interval = len(members) / room_rate
    stop_at = time.perf_counter() + seconds

    async def sender(member):
        # Each member's first send falls at a random moment of its interval, so the room's rate is
        # room_rate from the start (every member sends at least once when seconds >= N / room_rate).
        await asyncio.sleep(min(random.uniform(0, interval), max(0.0, stop_at - time.perf_counter())))
        while time.perf_counter() < stop_at:
            counts["sent"] += 1
            # Plain words: long numbers would look like phone or bank numbers to the watched words.
            body = f"bench {tag} a message from member {member.index}"
            stored = await member.send(body, counts, stop_at + GRACE)
            if stored is not None:
                counts["acked"] += 1
            await asyncio.sleep(max(0.0, min(interval, stop_at - time.perf_counter())))

    measured = time.perf_counter()
    await asyncio.gather(*(sender(m) for m in members))
    await asyncio.sleep(3)  # the last live deliveries
    elapsed = time.perf_counter() - measured

    # The truth: what the database holds. Every member should have every one of these.
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, room_seq FROM chat_messages WHERE room_id = :room AND body LIKE :tag AND status = 'VISIBLE'"),
            {"room": room_id, "tag": f"bench {tag} %"},
        ).all()
    engine.dispose()
    expected = {row.id: row.room_seq for row in rows}
    delivered_live = sum(len(m.live & expected.keys()) for m in members)
    for batch in range(0, len(members), 50):
        await asyncio.gather(*(m.fetch_missing(expected) for m in members[batch:batch + 50]))
    delivered_after = sum(len((m.caught_up - m.live) & expected.keys()) for m in members)
    for member in members:
        try:
            await member.client.disconnect()
        except Exception:  # noqa: BLE001
            pass

    latencies = sorted(x for m in members for x in m.latencies)

    def pct(p):
        return round(1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1) if latencies else None

    deliveries_expected = len(expected) * len(members)
    return {
        "clients": len(members),
        "processes": len(base_urls),
        "messages_sent": counts["sent"],
        "messages_stored": len(expected),
        "send_errors": counts["sent"] - counts["acked"],
        "deliveries_expected": deliveries_expected,
        "delivered_live": delivered_live,
        "delivered_after_catch_up": delivered_after,
        "lost": deliveries_expected - delivered_live - delivered_after,
        "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        # Context (not required keys): how the run went.
        "seconds": seconds,
        "connect_s": round(connect_seconds, 1),
        "stored_per_s": round(len(expected) / elapsed, 2),
        "delivered_live_per_s": round(delivered_live / elapsed, 1),
        "retries": counts["retries"], "not_sent_yet_answers": counts["not_sent_yet"], "no_ack_in_time": counts["no_ack"],
        "refused": counts["refused"], "reconnects": sum(m.reconnects for m in members),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="50,200,500")
    parser.add_argument("--mode", choices=["threading", "gevent"], default="gevent")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--room-rate", type=float, default=5.0, help="messages per second in the whole room")
    parser.add_argument("--processes", type=int, default=1, help="server processes sharing Redis; clients are split between them")
    args = parser.parse_args()
    sizes = [int(n) for n in args.clients.split(",")]
    args.max_clients = max(sizes)
    if args.db == "postgres" and not args.database_url:
        parser.error("--db postgres needs --database-url (and usually --redis-url)")
    if args.processes > 1 and not args.redis_url:
        parser.error("--processes 2 or more needs --redis-url: the processes share rooms through Redis")

    instance = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
    env = server_env(args, instance)
    cookies = prepare_database(env, args.max_clients)
    servers, urls = [], []
    try:
        for n in range(args.processes):
            port = free_port()
            servers.append(start_server(args, env, port, instance / f"server-{n}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        print("| mode | database | processes | clients | stored msg/s | send errors | delivered live | after catch-up | lost | p50 ms | p95 ms | p99 ms | load average |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        results = []
        for n in sizes:
            r = asyncio.run(run_round(urls, cookies[:n], 1, args.seconds, args.room_rate, env["DATABASE_URL"]))
            results.append(r)
            database = "SQLite" if args.db == "sqlite" else "PostgreSQL + Redis"
            expected = r["deliveries_expected"] or 1
            print(
                f"| {args.mode} | {database} | {r['processes']} | {r['clients']} | {r['stored_per_s']} | {r['send_errors']} | "
                f"{100 * r['delivered_live'] / expected:.1f}% | {100 * r['delivered_after_catch_up'] / expected:.1f}% | {r['lost']} | "
                f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {' '.join(str(x) for x in r['load_average'])} |",
                flush=True,
            )
        for r in results:
            print(json.dumps(r), flush=True)  # the last line is one JSON object (the last size)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
