"""Who is connected to which chat room. In memory for one process; in Redis (when REDIS_URL is
set) so that every server process sees the same "Who's here". A process that dies leaves its
entries behind until they expire (PRESENCE_TTL), so a crash never shows people for long."""
import threading
import time

from flask import current_app

PRESENCE_TTL = 6 * 60 * 60  # seconds; refreshed on every join


class MemoryPresence:
    def __init__(self):
        self._lock = threading.Lock()
        self._rooms: dict[int, dict[str, int]] = {}

    def add(self, room_id: int, sid: str, user_id: int) -> None:
        with self._lock:
            self._rooms.setdefault(room_id, {})[sid] = user_id

    def remove(self, room_id: int, sid: str) -> None:
        with self._lock:
            self._rooms.get(room_id, {}).pop(sid, None)

    def user_ids(self, room_id: int) -> set[int]:
        with self._lock:
            return set(self._rooms.get(room_id, {}).values())


class RedisPresence:
    """One hash per room: socket id -> "user id|expiry"; read filters out expired entries."""

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url)

    @staticmethod
    def _key(room_id: int) -> str:
        return f"kindred:chat:presence:{room_id}"

    def add(self, room_id: int, sid: str, user_id: int) -> None:
        self._redis.hset(self._key(room_id), sid, f"{user_id}|{int(time.time()) + PRESENCE_TTL}")

    def remove(self, room_id: int, sid: str) -> None:
        self._redis.hdel(self._key(room_id), sid)

    def user_ids(self, room_id: int) -> set[int]:
        now = time.time()
        found = set()
        for value in self._redis.hvals(self._key(room_id)):
            user_id, _, expires = value.decode().partition("|")
            if float(expires or 0) > now:
                found.add(int(user_id))
        return found


class Presence:
    """The store, plus which rooms each socket of this process joined (for disconnects)."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._rooms_of_sid: dict[str, set[int]] = {}

    def join(self, room_id: int, sid: str, user_id: int) -> None:
        self.store.add(room_id, sid, user_id)
        with self._lock:
            self._rooms_of_sid.setdefault(sid, set()).add(room_id)

    def leave(self, room_id: int, sid: str) -> None:
        self.store.remove(room_id, sid)
        with self._lock:
            self._rooms_of_sid.get(sid, set()).discard(room_id)

    def disconnect(self, sid: str) -> set[int]:
        with self._lock:
            rooms = self._rooms_of_sid.pop(sid, set())
        for room_id in rooms:
            self.store.remove(room_id, sid)
        return rooms

    def user_ids(self, room_id: int) -> set[int]:
        return self.store.user_ids(room_id)


_create_lock = threading.Lock()


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
        found = Presence(RedisPresence(url) if url else MemoryPresence())
        app.extensions["kindred_chat_presence"] = found
    return found
