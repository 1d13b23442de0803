"""Chat benchmark: N members in one room on ONE server process, each sending at a steady rate.

Measures messages stored per second, deliveries per second and send-to-receive latency (p50, p95,
p99) as seen by the clients (python-socketio AsyncClient over WebSocket, all in this process, so
one clock). The server is gunicorn with one worker, in threading (gthread) or gevent mode, on
SQLite, or on PostgreSQL with Redis as the Socket.IO message queue.

    .venv/bin/python bench/chat_bench.py --clients 50,200,500 --mode threading --db sqlite
    .venv/bin/python bench/chat_bench.py --clients 500 --mode gevent --db postgres \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_chat --redis-url redis://127.0.0.1:6379/13

The room's total send rate is fixed (--room-rate messages per second, default 5: a busy room);
each member sends every N / room-rate seconds, starting at a random moment.
"""
import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
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
            cookies.append(serializer.dumps({"_user_id": user.get_id(), "_fresh": True}))
        db.engine.dispose()
    return cookies


def start_server(args, env: dict, port: int, log: Path) -> subprocess.Popen:
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "120"]
    if args.mode == "gevent":
        gunicorn += ["-k", "gevent", "--worker-connections", "4000"]
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


async def run_round(base_url: str, cookies: list[str], room_id: int, seconds: float, room_rate: float) -> dict:
    import socketio

    latencies: list[float] = []
    counts = {"sent": 0, "acked": 0, "errors": 0, "delivered": 0}
    clients = []

    async def connect(cookie):
        client = socketio.AsyncClient(reconnection=False)

        @client.on("new_message", namespace="/chat")
        async def on_message(data):
            body = data.get("body", "")
            if body.startswith("bench "):
                latencies.append(time.perf_counter() - float(body.split()[2]))
                counts["delivered"] += 1

        await client.connect(base_url, namespaces=["/chat"], transports=["websocket"], headers={"Cookie": f"kindred_session={cookie}"}, wait_timeout=30)
        answer = await client.call("join", {"room_id": room_id}, namespace="/chat", timeout=60)
        assert answer["ok"], answer
        clients.append(client)

    started = time.perf_counter()
    for batch in range(0, len(cookies), 25):
        await asyncio.gather(*(connect(c) for c in cookies[batch:batch + 25]))
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2)  # let presence settle

    interval = len(clients) / room_rate
    stop_at = time.perf_counter() + seconds

    async def sender(index, client):
        await asyncio.sleep(random.uniform(0, interval))
        while time.perf_counter() < stop_at:
            counts["sent"] += 1
            body = f"bench {index} {time.perf_counter():.6f}"
            try:
                answer = await client.call("send", {"room_id": room_id, "body": body, "client_id": uuid.uuid4().hex}, namespace="/chat", timeout=30)
                counts["acked" if answer.get("ok") else "errors"] += 1
            except Exception:  # noqa: BLE001
                counts["errors"] += 1
            await asyncio.sleep(max(0.0, min(interval, stop_at - time.perf_counter())))

    measured = time.perf_counter()
    await asyncio.gather(*(sender(i, c) for i, c in enumerate(clients)))
    await asyncio.sleep(3)  # the last deliveries
    elapsed = time.perf_counter() - measured
    for client in clients:
        await client.disconnect()
    latencies.sort()

    def pct(p):
        return 1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")

    expected = counts["acked"] * len(clients)
    return {
        "clients": len(clients),
        "connect_s": connect_seconds,
        "stored_per_s": counts["acked"] / elapsed,
        "delivered_per_s": counts["delivered"] / elapsed,
        "delivered_ratio": counts["delivered"] / expected if expected else 0,
        "errors": counts["errors"],
        "p50": pct(50), "p95": pct(95), "p99": pct(99),
        "mean": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="50,200,500")
    parser.add_argument("--mode", choices=["threading", "gevent"], default="threading")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--room-rate", type=float, default=5.0, help="messages per second in the whole room")
    args = parser.parse_args()
    sizes = [int(n) for n in args.clients.split(",")]
    args.max_clients = max(sizes)
    if args.db == "postgres" and not args.database_url:
        parser.error("--db postgres needs --database-url (and usually --redis-url)")

    instance = Path(tempfile.mkdtemp(prefix="kindred-bench-"))
    env = server_env(args, instance)
    cookies = prepare_database(env, args.max_clients)
    port = free_port()
    server = start_server(args, env, port, instance / "server.log")
    try:
        print(f"| mode | database | clients | connect s | stored msg/s | deliveries/s | delivered | p50 ms | p95 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for n in sizes:
            r = asyncio.run(run_round(f"http://127.0.0.1:{port}", cookies[:n], 1, args.seconds, args.room_rate))
            database = "SQLite" if args.db == "sqlite" else "PostgreSQL + Redis"
            print(
                f"| {args.mode} | {database} | {r['clients']} | {r['connect_s']:.1f} | {r['stored_per_s']:.1f} | {r['delivered_per_s']:.0f} | "
                f"{100 * r['delivered_ratio']:.1f}% | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} |",
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
