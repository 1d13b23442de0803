"""Wellbeing check-ins: Alice chooses to be asked, answers one question a page, may skip any,
is never asked while a volunteer looks after her in a safety case, sees her own trend, and
her answers go with her in "Download my information" and when her account is erased."""
import io
import re
import json
import zipfile

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import Checkin, Outcome, ReportReason
from app.services import checkins, forums, moderation, my_data
from tests.forum_fixtures import categories, welcome  # noqa: F401 - fixtures
from tests.helpers import page_text

EARLY_MARCH = "2026-03-04 10:00:00+00:00"
EARLY_APRIL = "2026-04-08 10:00:00+00:00"


def at(moment):
    return time_machine.travel(moment, tick=False)


def answer_all(client, answers):
    """Press the buttons through the four pages; None presses "Skip this question"."""
    client.post("/check-in/start")
    for number, score in enumerate(answers, start=1):
        form = {"skip": "yes"} if score is None else {"answer": str(score)}
        response = client.post(f"/check-in/question/{number}", data=form)
        assert response.status_code == 302
    return client.get("/check-in")


def test_nobody_is_asked_until_they_choose_to_be(alice, client_for):
    client = client_for(alice)
    assert "wellbeing check-in" not in page_text(client.get("/"))
    page = page_text(client.get("/check-in"))
    assert "Yes, ask me every few weeks" in page
    assert "Only you see your own answers" in page
    client.post("/check-in/start")
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0
    assert client.get("/check-in/question/1").headers["Location"].endswith("/check-in")


def test_alice_opts_in_answers_one_question_a_page_and_skips_one(alice, client_for):
    client = client_for(alice)
    with at(EARLY_MARCH):
        client.post("/check-in/choice", data={"wanted": "yes"})
        assert "It is time for your wellbeing check-in" in page_text(client.get("/"))
        client.post("/check-in/start")
        first = page_text(client.get("/check-in/question/1"))
        assert "Question 1 of 4" in first and "How often do you feel lonely?" in first
        assert "Often or always" in first and "Skip this question" in first
        assert "Check-in question 1 of 4 – Kindred" in first
        client.post("/check-in/question/1", data={"answer": "4"})
        client.post("/check-in/question/2", data={"skip": "yes"})
        nothing_chosen = client.post("/check-in/question/3", data={})
        assert "Error: Check-in question 3 of 4" in page_text(nothing_chosen)
        assert "Choose an answer, or skip this question." in page_text(nothing_chosen)
        client.post("/check-in/question/3", data={"answer": "2"})
        done = client.post("/check-in/question/4", data={"answer": "3"}, follow_redirects=True)
    stored = db.session.scalars(sa.select(Checkin)).one()
    assert (stored.lonely, stored.lack_companionship, stored.left_out, stored.isolated) == (4, None, 2, 3)
    assert stored.finished_at is not None
    text = page_text(done)
    assert "Thank you for answering." in text
    assert "Your next check-in will be ready on Wednesday 1 April 2026" in text


def test_an_answer_that_is_not_offered_is_refused_with_a_sentence(alice, client_for):
    client = client_for(alice)
    checkins.choose(alice, True)
    client.post("/check-in/start")
    response = client.post("/check-in/question/2", data={"answer": "5"})  # the UCLA items go to 3
    assert "Choose one of the answers, or skip this question." in page_text(response)
    nonsense = client.post("/check-in/question/2", data={"answer": "lots"})
    assert "Choose one of the answers, or skip this question." in page_text(nonsense)
    assert db.session.scalars(sa.select(Checkin)).one().lack_companionship is None


def test_a_half_finished_check_in_waits_where_alice_left_it(alice, client_for):
    client = client_for(alice)
    checkins.choose(alice, True)
    client.post("/check-in/start")
    client.post("/check-in/question/1", data={"answer": "3"})
    page = page_text(client_for(alice).get("/check-in"))
    assert "Carry on with the check-in" in page
    assert re.search(r'<input checked[^>]*value="3"', client.get("/check-in/question/1").get_data(as_text=True))


def test_every_few_weeks_not_more(alice, client_for):
    client = client_for(alice)
    with at(EARLY_MARCH):
        checkins.choose(alice, True)
        answer_all(client, [4, 2, 2, 2])
        assert not checkins.is_due(alice)
    with at("2026-03-31 10:00:00+00:00"):
        assert "It is time" not in page_text(client.get("/"))
    with at("2026-04-01 10:00:01+00:00"):
        assert checkins.is_due(alice)


def test_never_asked_while_in_an_open_safety_case(alice, bob, maya, welcome, client_for):  # noqa: F811
    client = client_for(alice)
    checkins.choose(alice, True)
    client.post("/check-in/start")  # she had started, then wrote something worrying
    thread = forums.start_thread(alice, welcome, "A hard day", "Some days are hard.").thread
    report = moderation.report(bob, "post", forums.first_post(thread).id, ReportReason.SAFETY, "I am worried about Alice.").report
    assert not checkins.is_due(alice)
    assert "It is time" not in page_text(client.get("/"))
    assert client.get("/check-in/question/1").headers["Location"].endswith("/check-in")
    client.post("/check-in/question/1", data={"answer": "5"})
    assert db.session.scalars(sa.select(Checkin)).one().lonely is None
    moderation.act(maya, report.case, Outcome.DISMISS, "Maya phoned Alice; she is safe.")
    assert checkins.is_due(alice)


def test_alice_sees_her_own_trend_in_words(alice, client_for):
    client = client_for(alice)
    with at(EARLY_MARCH):
        checkins.choose(alice, True)
        first = page_text(answer_all(client, [4, 3, 3, 2]))
    assert "After your next check-in, we will show you how things have changed." in first
    with at(EARLY_APRIL):
        text = page_text(answer_all(client, [2, 2, 2, 2]))
    assert "You said you felt lonely less often than in March." in text
    assert "Your answers about company and feeling left out were better than in March." in text


def test_stopping_means_no_more_questions(alice, client_for):
    client = client_for(alice)
    checkins.choose(alice, True)
    client.post("/check-in/start")
    client.post("/check-in/choice", data={"wanted": "no"})
    assert not checkins.is_due(alice)
    assert "We will not ask you any more check-in questions." in page_text(client.get("/check-in"))
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id))) == 0


def test_answers_are_in_the_download_and_erased_with_the_account(alice, bob, client_for):
    client = client_for(alice)
    with at(EARLY_MARCH):
        checkins.choose(alice, True)
        answer_all(client, [4, None, 2, 3])
    archive = zipfile.ZipFile(io.BytesIO(client.get("/settings/my-data/download").data))
    data = json.loads(archive.read("my-kindred-information.json"))["checkins"]
    assert data["asked_for_checkins_since"] == "2026-03-04T10:00:00+00:00"
    assert data["answers"][0]["How often do you feel lonely?"] == "Some of the time"
    assert data["answers"][0]["How often do you feel that you lack companionship?"] == "skipped"
    assert "Your wellbeing check-ins" in archive.read("my-kindred-information.html").decode()

    checkins.choose(bob, True)
    my_data.purge(alice)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Checkin.id)).where(Checkin.user_id == alice.id)) == 0
    assert alice.checkins_chosen_at is None
    assert bob.checkins_chosen_at is not None


def test_the_privacy_page_says_what_is_counted_and_why(client):
    text = page_text(client.get("/privacy"))
    assert "What we count, and why" in text
    assert "at least 5 people" in text
    assert "how often you feel lonely" in text
