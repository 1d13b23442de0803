"""Chat when the database stops in the middle of a conversation (a throwaway PostgreSQL cluster the
test starts and stops): the send answers "not sent yet" and goes once when the database is back.
Redis going away is tested with real server processes in test_chat_scale_out.py."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Message
from app.services import chat
from tests.chat_support import cuppa, join, received, rooms, say, socket_for  # noqa: F401
from tests.outage_support import throwaway_postgres  # noqa: F401


def stored_bodies(room):
    return db.session.scalars(sa.select(Message.body).where(Message.room_id == room.id).order_by(Message.id)).all()


@pytest.mark.committed  # its own PostgreSQL cluster, stopped and started again
class TestPostgresStops:
    @pytest.fixture
    def backend(self):
        return "postgresql"

    @pytest.fixture
    def database_url(self, throwaway_postgres):
        from tests.conftest import _migrated_app

        if not getattr(throwaway_postgres, "migrated", False):
            _migrated_app(throwaway_postgres.url)
            throwaway_postgres.migrated = True
        return throwaway_postgres.url

    def test_a_send_while_the_database_is_down_is_not_sent_yet_then_stored_once(self, throwaway_postgres, socket_for, alice, bob, cuppa):
        alice_live, bob_live = socket_for(alice), socket_for(bob)
        join(alice_live, cuppa), join(bob_live, cuppa)
        assert say(alice_live, cuppa, "Bob, are you coming for tea?", client_id="alice-1")["ok"] is True
        received(bob_live, "new_message")
        db.session.refresh(cuppa)  # loaded, so the room can still be named while the database is down
        db.session.close()

        throwaway_postgres.stop()
        try:
            answer = say(alice_live, cuppa, "Bring the photos, please.", client_id="alice-2")
        finally:
            throwaway_postgres.start()

        assert answer["ok"] is False and answer["retry"] is True
        assert answer["error"] == chat.NOT_SENT_YET
        assert answer["client_id"] == "alice-2"
        assert received(bob_live, "new_message") == []

        # Alice's screen tries again with the same label once the database is back.
        retry = say(alice_live, cuppa, "Bring the photos, please.", client_id="alice-2")
        again = say(alice_live, cuppa, "Bring the photos, please.", client_id="alice-2")
        assert retry["ok"] is True and again["message_id"] == retry["message_id"]
        assert stored_bodies(cuppa) == ["Bob, are you coming for tea?", "Bring the photos, please."]
        assert [m["body"] for m in received(bob_live, "new_message")] == ["Bring the photos, please."]
