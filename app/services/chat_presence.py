"""Who is connected to which chat room. In memory for one process; in Redis (when REDIS_URL is
set) so that every server process sees the same "Who's here".

Each entry lives PRESENCE_TTL seconds unless its process renews it: every process renews the
entries of its own connections every HEARTBEAT_SECONDS. A process that crashes stops renewing,
so the people it was serving drop off "Who's here" within PRESENCE_TTL, not hours later.
If Redis cannot be reached, presence carries on in this process's memory (logged) and the next
heartbeat after Redis is back writes this process's connections there again."""
import logging
import threading
import time

from flask import current_app
from app.extensions import socketio

log = logging.getLogger(__name__)

PRESENCE_TTL = 90  # seconds an entry lives without a heartbeat
HEARTBEAT_SECONDS = 30  # how often a process renews its own entries (well inside the TTL)


class MemoryPresence:
    def __init__(self):
        self._lock = threading.Lock()
        self._rooms: dict[int, dict[str, tuple[int, float]]] = {}

    def add(self, room_id: int, sid: str, user_id: int) -> None:
        with self._lock:
            self._rooms.setdefault(room_id, {})[sid] = (user_id, time.time() + PRESENCE_TTL)

    def remove(self, room_id: int, sid: str) -> None:
        with self._lock:
            self._rooms.get(room_id, {}).pop(sid, None)

    def user_ids(self, room_id: int) -> set[int]:
        now = time.time()
        with self._lock:
            entries = self._rooms.get(room_id, {})
            for sid in [sid for sid, (_, expires) in entries.items() if expires <= now]:
                del entries[sid]
            return {user_id for user_id, _ in entries.values()}


class RedisPresence:
    """One hash per room: socket id -> "user id|expiry"; reading drops expired entries."""

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)

    @staticmethod
    def _key(room_id: int) -> str:
        return f"kindred:chat:presence:{room_id}"

    def add(self, room_id: int, sid: str, user_id: int) -> None:
        self._redis.hset(self._key(room_id), sid, f"{user_id}|{int(time.time()) + PRESENCE_TTL}")

    def remove(self, room_id: int, sid: str) -> None:
        self._redis.hdel(self._key(room_id), sid)

    def user_ids(self, room_id: int) -> set[int]:
        now = time.time()
        found, expired = set(), []
        for sid, value in self._redis.hgetall(self._key(room_id)).items():
            user_id, _, expires = value.decode().partition("|")
            if float(expires or 0) > now:
                found.add(int(user_id))
            else:
                expired.append(sid)
        if expired:
            self._redis.hdel(self._key(room_id), *expired)
        return found


class RedisWithFallback:
    """Redis while it answers; this process's memory while it does not (Redis is a helper)."""

    def __init__(self, redis_store: RedisPresence):
        self.redis = redis_store
        self.memory = MemoryPresence()
        self._down = False

    def _try(self, operation: str, *args):
        from redis.exceptions import RedisError

        try:
            result = getattr(self.redis, operation)(*args)
        except (RedisError, OSError) as error:
            if not self._down:
                log.warning("Who's here is kept in this process for now: Redis cannot be reached (%s)", error)
            self._down = True
            return None, False
        if self._down:
            log.warning("Redis is back: Who's here is shared between processes again")
            self._down = False
        return result, True

    def add(self, room_id: int, sid: str, user_id: int) -> None:
        self.memory.add(room_id, sid, user_id)
        self._try("add", room_id, sid, user_id)

    def remove(self, room_id: int, sid: str) -> None:
        self.memory.remove(room_id, sid)
        self._try("remove", room_id, sid)

    def user_ids(self, room_id: int) -> set[int]:
        found, ok = self._try("user_ids", room_id)
        return found if ok else self.memory.user_ids(room_id)


class Presence:
    """The store, plus which rooms each socket of this process joined (for disconnects and heartbeats)."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._sockets: dict[str, tuple[int, set[int]]] = {}  # sid -> (user id, room ids)

    def join(self, room_id: int, sid: str, user_id: int) -> None:
        self.store.add(room_id, sid, user_id)
        with self._lock:
            self._sockets.setdefault(sid, (user_id, set()))[1].add(room_id)

    def leave(self, room_id: int, sid: str) -> None:
        self.store.remove(room_id, sid)
        with self._lock:
            self._sockets.get(sid, (0, set()))[1].discard(room_id)

    def disconnect(self, sid: str) -> set[int]:
        with self._lock:
            _, rooms = self._sockets.pop(sid, (0, set()))
        for room_id in rooms:
            self.store.remove(room_id, sid)
        return rooms

    def heartbeat(self) -> None:
        """Renew the entries of every connection this process holds."""
        with self._lock:
            entries = [(room_id, sid, user_id) for sid, (user_id, rooms) in self._sockets.items() for room_id in rooms]
        for room_id, sid, user_id in entries:
            self.store.add(room_id, sid, user_id)

    def user_ids(self, room_id: int) -> set[int]:
        return self.store.user_ids(room_id)


_create_lock = threading.Lock()


def _keep_renewing(found: Presence, seconds: float) -> None:
    while True:
        socketio.sleep(seconds)
        try:
            found.heartbeat()
        except Exception:  # noqa: BLE001 - a heartbeat must never stop for good
            log.exception("Chat presence heartbeat failed")


def presence() -> Presence:
    app = current_app._get_current_object()
    found = app.extensions.get("kindred_chat_presence")
    if found is not None:
        return found
    with _create_lock:
        found = app.extensions.get("kindred_chat_presence")
        if found is not None:
            return found
        url = app.config.get("REDIS_URL")
        found = Presence(RedisWithFallback(RedisPresence(url)) if url else MemoryPresence())
        app.extensions["kindred_chat_presence"] = found
        seconds = app.config.get("CHAT_PRESENCE_HEARTBEAT", HEARTBEAT_SECONDS)
        if seconds:
            socketio.start_background_task(_keep_renewing, found, seconds)
    return found
