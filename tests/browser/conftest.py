"""Browser-test fixtures: the real server in a subprocess on a fresh SQLite file with the demo cast,
an in-process app on the same database (for set-up and reading the outbox), and one Chromium.

Chromium is Debian's (/usr/bin/chromium), never a downloaded one. Without it the browser tests are
skipped on a laptop and fail in CI, like the other services (tests/services_check.py).
"""
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import services_check

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class Site:
    base_url: str
    database_url: str
    outbox_dir: Path
    env: dict

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(*args):
    # sys.executable is the virtualenv's python when pytest runs from it, in CI as on a laptop.
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def _wait_until_answering(url: str, process: subprocess.Popen, log_path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The Kindred server stopped (exit {process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"The Kindred server did not answer {url} within {seconds}s:\n{log_path.read_text()}")


def server_env(instance_dir: Path, **settings) -> dict:
    """The environment of a real server (and its `flask` commands) whose files live in instance_dir."""
    env = {
        **os.environ,
        "KINDRED_INSTANCE_DIR": str(instance_dir),
        "KINDRED_ENV": "development",
        "RATELIMIT_ENABLED": "false",
        "OUTBOX_DIR": str(instance_dir / "outbox"),
        "DATABASE_URL": f"sqlite:///{instance_dir / 'kindred.sqlite'}",
        "FLASK_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        **settings,
    }
    for name in ("SERVER_NAME", "REDIS_URL", "MAIL_SERVER"):
        if name not in settings:
            env.pop(name, None)
    return env


def run_folder(tmp_path_factory) -> Path:
    """The folder all pytest-xdist workers of this run share (the run's own temporary folder)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def first_worker_only(tmp_path_factory, name: str):
    """`with first_worker_only(f, "x") as folder:` - inside, the workers take turns (a file lock),
    so the first to get there can make what `folder` should hold and the others find it made."""
    folder = run_folder(tmp_path_factory)
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder


@pytest.fixture(scope="session")
def demo_site_files(tmp_path_factory) -> Path:
    """A directory holding the demo site's files (kindred.sqlite, outbox), migrated and seeded by the
    real `flask db upgrade` and `flask seed-demo` once per run: pytest-xdist's workers share it
    under a lock. Each server copies it (copy_demo_site), so none sees another's changes. Seeding
    takes 5-8 s; before, every server paid it (a site per worker, three pairs of chat servers)."""
    with first_worker_only(tmp_path_factory, "demo-site") as shared:
        ready = shared / "demo-site"
        if not ready.exists():
            building = shared / f"demo-site-{os.getpid()}"
            building.mkdir()
            env = server_env(building)
            for task in (("db", "upgrade"), ("seed-demo",)):
                done = subprocess.run(_flask(*task), cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
                assert done.returncode == 0, f"`flask {' '.join(task)}` failed:\n{done.stdout}\n{done.stderr}"
            building.rename(ready)
    return ready


def copy_demo_site(demo_site_files: Path, instance_dir: Path) -> None:
    shutil.copytree(demo_site_files, instance_dir, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def site(tmp_path_factory, demo_site_files):
    """The real server (`flask run`) on a free port, on its own copy of the seeded demo site."""
    tmp = tmp_path_factory.mktemp("kindred-site")
    copy_demo_site(demo_site_files, tmp)
    env = server_env(tmp)
    database_url, outbox = env["DATABASE_URL"], tmp / "outbox"

    port = _free_port()
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            _flask("run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger"),
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_answering(base_url + "/help", process, log_path)
        yield Site(base_url=base_url, database_url=database_url, outbox_dir=outbox, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def site_app(site):
    """The app in this process, on the server's database: for set-up through services, and the outbox."""
    from app import create_app
    from app.extensions import db

    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=site.database_url,
        OUTBOX_DIR=str(site.outbox_dir),
        RATELIMIT_ENABLED=False,
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def chromium_path():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Debian's Chromium is not installed at {CHROMIUM} (run `make chromium`)"
        if services_check.in_ci():
            pytest.fail(f"{message}. In CI the browser tests must run.", pytrace=False)
        print(f"\nSkipping the browser tests: {message}.")
        pytest.skip(f"{message}; skipping the browser tests.")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context_factory(browser, site):
    """new_context(**options) for one test; every context it made is closed afterwards."""
    made = []

    def new_context(**options):
        options.setdefault("base_url", site.base_url)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield new_context
    for context in made:
        context.close()
