"""Listen: what people read, spoken aloud; the sound file only for people who may read the words."""
import io
import wave

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post
from app.services import forums
from tests.forum_fixtures import categories, welcome  # noqa: F401 - fixtures
from tests.helpers import page_text

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # files and a program: the database does not matter


def duration_of(response) -> float:
    """Parse the WAV header the way a media player does, and say how long it plays."""
    with wave.open(io.BytesIO(response.get_data())) as sound:
        assert sound.getnchannels() == 1 and sound.getsampwidth() == 2
        return sound.getnframes() / sound.getframerate()


@pytest.fixture
def bobs_carers_post(bob, categories):  # noqa: F811
    thread = forums.start_thread(bob, categories["Caring for someone"], "Tired tonight", "Mum did not sleep, so neither did I.").thread
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.number == 1))


def test_bob_hears_his_post_as_real_audio_of_the_right_type_and_length(bob, bobs_carers_post, client_for):
    browser = client_for(bob)
    page = browser.get(f"/threads/{bobs_carers_post.thread_id}").get_data(as_text=True)
    link = f"/listen/post/{bobs_carers_post.id}.wav"
    assert f'href="{link}"' in page and "Listen" in page

    response = browser.get(link)
    assert response.mimetype == "audio/wav"
    assert int(response.headers["Content-Length"]) == len(response.get_data()) > 44
    assert duration_of(response) > 1.0  # "Bob Morgan wrote: Mum did not sleep, so neither did I."
    assert response.headers["Cache-Control"].startswith("private")


def test_the_same_words_are_spoken_once_and_kept(bob, bobs_carers_post, client_for, app, tmp_path):
    browser = client_for(bob)
    first = browser.get(f"/listen/post/{bobs_carers_post.id}.wav").get_data()
    assert browser.get(f"/listen/post/{bobs_carers_post.id}.wav").get_data() == first
    assert len(list((tmp_path / "listen").glob("*.wav"))) == 1


def test_alice_and_visitors_cannot_hear_a_post_in_the_carers_space(alice, bobs_carers_post, client_for, client):
    link = f"/listen/post/{bobs_carers_post.id}.wav"
    assert client_for(alice).get(link).status_code == 404  # the same as the page: it does not exist for her
    assert client.get(link).status_code == 404
    assert client_for(alice).get(f"/listen/thread/{bobs_carers_post.thread_id}.wav").status_code == 404


def test_a_notification_is_heard_only_by_the_member_it_is_for(alice, bob, client_for, app):
    from app.services.notifications import notify

    note = notify(alice, "forum_reply", "Bob Morgan replied in “Gardening”, a thread you follow.", "/forums")
    db.session.commit()
    assert duration_of(client_for(alice).get(f"/listen/notification/{note.id}.wav")) > 1.0
    assert client_for(bob).get(f"/listen/notification/{note.id}.wav").status_code == 404
    assert f"/listen/notification/{note.id}.wav" in client_for(alice).get("/notifications").get_data(as_text=True)


def test_a_visitor_hears_the_help_page_and_slower_speech_lasts_longer(alice, client, client_for):
    normal = duration_of(client.get("/listen/help/help.wav"))
    assert normal > 10
    alice.speech_rate = "slower"
    db.session.commit()
    assert duration_of(client_for(alice).get("/listen/help/help.wav")) > normal * 1.1
    assert client.get("/listen/help/not-a-page.wav").status_code == 404


def test_alice_can_turn_the_listen_button_off(alice, client_for, client):
    browser = client_for(alice)
    assert "/listen/help/help.wav" in browser.get("/help").get_data(as_text=True)
    response = browser.post("/settings/listening", data={"speech_rate": "slower", "show_listen": "", "show_newcomer_badge": "y"})
    assert "Your listening settings are saved." in page_text(browser.get(response.headers["Location"]))
    assert "/listen/help/help.wav" not in browser.get("/help").get_data(as_text=True)
    assert alice.speech_rate == "slower" and alice.show_listen is False


@pytest.mark.parametrize("app_overrides", [{"ESPEAK_COMMAND": "espeak-ng-not-installed"}])
def test_without_espeak_the_listen_link_says_so_in_a_sentence(client):
    assert "Listen is not available on this site at the moment." in page_text(client.get("/help"))
    response = client.get("/listen/help/help.wav")
    assert response.status_code == 503
    assert "This site cannot make sound files at the moment." in page_text(response)


def test_a_meetup_waiting_to_be_checked_is_heard_only_by_its_organiser_and_volunteers(alice, bob, maya, client_for):
    from tests.meetups_support import list_meetup

    walk = list_meetup(bob, title="Walking group", description="A gentle walk by the river.")
    assert walk.status.value == "awaiting_approval"
    link = f"/listen/meetup/{walk.id}.wav"
    assert client_for(alice).get(link).status_code == 404
    assert duration_of(client_for(bob).get(link)) > 1.0
    assert duration_of(client_for(maya).get(link)) > 1.0


@pytest.fixture
def voices_used(monkeypatch):
    """The voice espeak-ng was asked for, each time it really made a sound file."""
    import subprocess

    from app.services import listen

    used, real_run = [], subprocess.run

    def run(command, *args, **kwargs):
        used.append(command[command.index("-v") + 1])
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(listen.subprocess, "run", run)
    return used


def test_a_welsh_page_is_heard_in_a_welsh_voice_and_kept_apart_from_the_english(client, voices_used, tmp_path):
    english = client.get("/listen/help/help.wav")
    client.set_cookie("kindred_language", "cy")
    assert 'lang="cy"' in client.get("/help").get_data(as_text=True)
    welsh = client.get("/listen/help/help.wav")
    assert duration_of(welsh) > 10
    assert voices_used == ["en-gb", "cy"]
    assert welsh.get_data() != english.get_data()
    assert len(list((tmp_path / "listen").glob("*.wav"))) == 2


def test_bobs_post_marked_as_welsh_is_heard_in_a_welsh_voice_on_an_english_page(bob, bobs_carers_post, client_for, voices_used):
    bobs_carers_post.language = "cy"
    db.session.commit()
    assert duration_of(client_for(bob).get(f"/listen/post/{bobs_carers_post.id}.wav")) > 1.0
    assert voices_used == ["cy"]
