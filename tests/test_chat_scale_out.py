"""Scale-out: two real server processes share rooms through Redis. Alice is connected to one,
Bob to the other; what Bob says reaches Alice."""
import os
import subprocess
import sys
import threading
import uuid

import pytest
import requests
import socketio as socketio_client

from app.services.demo import DEMO_PASSWORD
from tests.browser.conftest import REPO_ROOT, _flask, _free_port, _wait_until_answering

pytestmark = pytest.mark.redis


def _sign_in(base_url: str, address: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(base_url + "/sign-in", timeout=10).text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answer = browser.post(base_url + "/sign-in", data={"csrf_token": token, "email": address, "password": DEMO_PASSWORD}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, f"{address} could not sign in"
    return browser


def _connect(base_url: str, browser: requests.Session) -> socketio_client.Client:
    client = socketio_client.Client(reconnection=False)
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    client.connect(base_url, namespaces=["/chat"], transports=["websocket"], headers={"Cookie": cookie}, wait_timeout=10)
    return client


@pytest.fixture
def two_servers(tmp_path, redis_url):
    env = {
        **os.environ,
        "KINDRED_INSTANCE_DIR": str(tmp_path),
        "KINDRED_ENV": "development",
        "RATELIMIT_ENABLED": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kindred.sqlite'}",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "REDIS_URL": redis_url,
        # A channel of its own, so other test runs on the same Redis cannot cross-talk.
        "SOCKETIO_CHANNEL": f"kindred-test-{uuid.uuid4().hex}",
        "FLASK_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SERVER_NAME", None)
    for task in (("db", "upgrade"), ("seed-demo",)):
        done = subprocess.run(_flask(*task), cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    servers = []
    try:
        for n in range(2):
            port = _free_port()
            log_path = tmp_path / f"server-{n}.log"
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    _flask("run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger"),
                    cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                )
            servers.append(process)
            _wait_until_answering(f"http://127.0.0.1:{port}/help", process, log_path)
            servers[-1].base_url = f"http://127.0.0.1:{port}"
        yield [server.base_url for server in servers]
    finally:
        for process in servers:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_message_sent_through_one_server_arrives_through_the_other(two_servers):
    first, second = two_servers
    alice = _connect(first, _sign_in(first, "alice@example.org"))
    bob = _connect(second, _sign_in(second, "bob@example.org"))
    arrived, both_here = threading.Event(), threading.Event()
    seen = []

    @alice.on("presence", namespace="/chat")
    def _on_presence(data):
        if data["names"] == ["Alice Morgan", "Bob Morgan"]:
            both_here.set()

    @alice.on("new_message", namespace="/chat")
    def _on_message(data):
        seen.append(data)
        arrived.set()

    try:
        joined = alice.call("join", {"room_id": 1}, namespace="/chat", timeout=10)
        assert joined["ok"] is True
        assert bob.call("join", {"room_id": 1}, namespace="/chat", timeout=10)["ok"] is True

        answer = bob.call("send", {"room_id": 1, "body": "Hello from the other server", "client_id": "scale-1"}, namespace="/chat", timeout=10)

        assert answer["ok"] is True
        assert arrived.wait(10), "Alice, on the first server, never got Bob's message"
        assert [(m["author"], m["body"]) for m in seen] == [("Bob Morgan", "Hello from the other server")]
        # "Who's here" lives in Redis too: Alice sees Bob, who is connected to the other server.
        assert both_here.wait(10), "Alice's server never showed Bob under Who's here"
    finally:
        alice.disconnect()
        bob.disconnect()
