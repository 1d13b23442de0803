"""Scale-out: two real server processes share rooms through Redis. Alice is connected to one,
Bob to the other; what Bob says reaches Alice."""
import subprocess
import threading
import time
import uuid

import pytest
import requests
import socketio as socketio_client

from app.services.demo import DEMO_PASSWORD
from tests.browser.conftest import REPO_ROOT, _flask, _free_port, _wait_until_answering, copy_demo_site, demo_site_files, server_env  # noqa: F401
from tests.outage_support import throwaway_redis  # noqa: F401

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


def _start_two_servers(tmp_path, redis_url, demo_site_files):
    """Two real server processes on one copy of the demo site's SQLite file, sharing `redis_url`."""
    copy_demo_site(demo_site_files, tmp_path)
    # A channel of its own, so other test runs on the same Redis cannot cross-talk.
    env = server_env(tmp_path, REDIS_URL=redis_url, SOCKETIO_CHANNEL=f"kindred-test-{uuid.uuid4().hex}", CHAT_PRESENCE_HEARTBEAT="1")
    servers = []
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
        process.base_url = f"http://127.0.0.1:{port}"
    return servers


def _stop(servers):
    for process in servers:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def two_servers(tmp_path, redis_url, demo_site_files):
    servers = []
    try:
        servers = _start_two_servers(tmp_path, redis_url, demo_site_files)
        yield [server.base_url for server in servers]
    finally:
        _stop(servers)


@pytest.fixture
def two_servers_and_their_redis(tmp_path, throwaway_redis, demo_site_files):
    servers = []
    try:
        servers = _start_two_servers(tmp_path, throwaway_redis.url, demo_site_files)
        yield [server.base_url for server in servers], throwaway_redis
    finally:
        _stop(servers)


class Screen:
    """A live chat connection that remembers every message it was given, as chat.js does."""

    def __init__(self, base_url, browser):
        self.base_url, self.browser = base_url, browser
        self.messages, self.arrived = [], threading.Event()
        self.client = None

    def connect(self):
        self.client = _connect(self.base_url, self.browser)

        @self.client.on("new_message", namespace="/chat")
        def _on_message(data):
            self.messages.append(data)
            self.arrived.set()

        return self

    def join(self, after_id=None):
        data = {"room_id": 1} if after_id is None else {"room_id": 1, "after_id": after_id}
        answer = self.client.call("join", data, namespace="/chat", timeout=10)
        assert answer["ok"] is True, answer
        self.messages.extend(answer.get("messages", []))
        return answer

    def send(self, body, client_id):
        return self.client.call("send", {"room_id": 1, "body": body, "client_id": client_id}, namespace="/chat", timeout=10)

    def catch_up(self):
        answer = self.client.call("catch_up", {"room_id": 1, "after_id": self.last_id()}, namespace="/chat", timeout=10)
        self.messages.extend(answer["messages"])

    def last_id(self):
        return max((m["id"] for m in self.messages), default=0)

    def bodies(self):
        return [m["body"] for m in sorted({m["id"]: m for m in self.messages}.values(), key=lambda m: m["id"])]

    def wait_for(self, body, seconds=10):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if body in self.bodies():
                return True
            self.arrived.wait(0.2)
            self.arrived.clear()
        return False

    def disconnect(self):
        if self.client is not None and self.client.connected:
            self.client.disconnect()


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


def test_a_message_sent_while_alice_is_reconnecting_reaches_her_when_she_is_back(two_servers):
    first, second = two_servers
    alice = Screen(first, _sign_in(first, "alice@example.org")).connect()
    bob = Screen(second, _sign_in(second, "bob@example.org")).connect()
    try:
        alice.join(), bob.join()
        assert bob.send("Are you up, Mum?", "bob-up-1")["ok"] is True
        assert alice.wait_for("Are you up, Mum?")

        alice.disconnect()  # her phone drops off the wifi for a moment
        assert bob.send("I'll bring milk.", "bob-milk-1")["ok"] is True
        alice.connect().join(after_id=alice.last_id())  # what chat.js does when it reconnects

        assert alice.bodies()[-2:] == ["Are you up, Mum?", "I'll bring milk."]
        assert alice.bodies().count("I'll bring milk.") == 1
    finally:
        alice.disconnect()
        bob.disconnect()


def test_with_redis_down_chat_still_works_and_shares_again_when_it_returns(two_servers_and_their_redis):
    (first, second), redis = two_servers_and_their_redis
    alice_browser = _sign_in(first, "alice@example.org")
    alice = Screen(first, alice_browser).connect()
    maya = Screen(first, _sign_in(first, "maya@example.org")).connect()
    bob = Screen(second, _sign_in(second, "bob@example.org")).connect()
    try:
        alice.join(), maya.join(), bob.join()
        redis.stop()

        page = alice_browser.get(first + "/chat/1", timeout=10)
        assert page.status_code == 200 and "Morning cuppa" in page.text and "Maya Patel" in page.text
        # Stored and delivered to everyone on the same process at once.
        assert maya.send("Is the kettle on?", "maya-kettle")["ok"] is True
        assert alice.wait_for("Is the kettle on?")
        # Bob is on the other process: his message is stored, and Alice's screen gets it by catching up.
        answer = bob.send("On my way with biscuits.", "bob-biscuits")
        assert answer["ok"] is True, answer
        alice.catch_up()
        assert "On my way with biscuits." in alice.bodies()

        redis.start()
        # Live sharing between the processes comes back by itself.
        deadline, n = time.monotonic() + 40, 0
        while time.monotonic() < deadline and not alice.wait_for(f"Redis is back {n}", 1):
            n += 1
            assert bob.send(f"Redis is back {n}", f"bob-back-{n}")["ok"] is True
        assert any(body.startswith("Redis is back") for body in alice.bodies()), "live messages never crossed again"
        assert "Bob Morgan" in requests.get(first + "/chat/1", cookies=alice_browser.cookies, timeout=10).text
    finally:
        for screen in (alice, maya, bob):
            screen.disconnect()
