"""Safeguarding that catches scams, personal details and crisis in every place people write:
the detector, the helplines, hostile input, what people see, moderators' decisions and the commands."""
import json
import statistics
import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, Message, MessageStatus, Post, PostStatus, ReportReason, SafetyDecision, Urgency
from app.services import chat, forums, moderation, my_data, personal_details, safety, safety_model
from tests.chat_support import cuppa, rooms, say, socket_for  # noqa: F401
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import emails_to, page_text
from tests.moderation_support import case_for
from tests.people import write_profile

SCAM = "Hello this is Martin from the fraud team at Lloyds. To stop the payment I just need you to read me the code we sent to your phone"
CRISIS = "I've been saving up my tablets for a few weeks now. Everyone would be better off without me"
PHONE = "Lovely to meet you at the café, ring me any time on 07700 900381"
ORDINARY = "I'm dying for a cuppa, just got back from the hospital with mum, 3 hours waiting!"


@pytest.fixture
def app_overrides():
    return {"MODERATION_FIRST_POSTS_HELD": 0, "MODERATION_LINK_TRUSTED_AFTER": 0, "CHAT_TRUSTED_AFTER_MESSAGES": 0}


# ---- The detector ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, kind", [
    ("ring me on 07700 900381 after 4", "phone number"),
    ("text me darling +234 803 123 4567", "phone number"),
    ("my mobile is oh seven seven double oh nine oh oh three eight one", "phone number"),
    ("0 7 7 0 0 - 9 0 0 1 2 3", "phone number"),
    ("write to me at john dot smith at gmail dot com", "email address"),
    ("margaret.hollis54@gmail.com", "email address"),
    ("sort code 20-45-77 account 41234567", "bank details"),
    ("the card is 4111 1111 1111 1111", "card number"),
    ("my NI number is QQ 12 34 56 C", "National Insurance number"),
    ("send it to 22 Acacia Road, Chester CH1 1QQ", "home address"),
])
def test_personal_details_are_found_in_every_usual_spelling(text, kind):
    assert kind in [found.kind for found in personal_details.find(text)]


def test_public_helplines_are_not_personal_details():
    for line in personal_details.helplines():
        text = f"You can ring {line.name} on {line.number}, they are lovely"
        assert personal_details.find(text) == [], line.name
    assert "personal_details" not in safety.judge_text("Dementia Connect 0333 150 3456, Samaritans 116 123, Action Fraud 0300 123 2040").kinds


def test_every_helpline_says_where_its_number_comes_from():
    lines = personal_details.helplines()
    assert len(lines) >= 10 and all(line.source.startswith("https://") for line in lines)
    names = " ".join(line.name for line in lines)
    for needed in ("Dementia Connect", "Samaritans", "Age UK", "Silver Line", "Admiral Nurse", "Carers UK", "NHS 111", "Police", "Action Fraud"):
        assert needed in names


def test_a_verified_organisations_own_number_is_not_a_personal_detail():
    allowed = personal_details.numbers_in("Call our office on 01244 312456")
    assert personal_details.find("Ring us on 01244 312456 to book", allowed) == []
    assert personal_details.find("Ring us on 01244 312456 to book") != []


@pytest.mark.parametrize("text, kind", [(SCAM, "scam"), (CRISIS, "crisis"), (PHONE, "personal_details")])
def test_each_kind_is_caught(text, kind):
    assert kind in safety.judge_text(text).kinds


@pytest.mark.parametrize("text", [
    ORDINARY, "Mum passed away in March", "my daughter set up a WhatsApp group", "bank holiday Monday, no group",
    "my grandson beats me at chess", "We meet at 10:30 in room 14, it costs £3.50", "Can you bring milk?", "Note 10", "Note 55",
])
def test_ordinary_messages_publish(text):
    result = safety.judge_text(text)
    assert (result.action, result.kinds, result.support) == ("publish", [], False)


HOSTILE = [
    "x at " + "a." * 1000, "a" * 2000, "1" * 2000, "1 " * 1000, "oh " * 666, "a@" * 1000, "1-" * 1000,
    "12 " * 600 + "road CH1 1QQ", "+" * 2000, "( " * 1000, "double " * 280, "£" * 2000, "x" * 1999 + "@",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_judged_quickly(text):
    safety.judge_text("warm up")  # the model is loaded once per process
    started = time.perf_counter()
    safety.judge_text(text)
    # A crafted message once took 1.8 s; a catastrophic pattern takes far longer. The bound is loose
    # because the test machine may be busy: it catches backtracking, not small slowdowns.
    assert time.perf_counter() - started < 1.0


def test_a_2000_character_message_takes_milliseconds():
    text = (SCAM + " " + ORDINARY + " " + PHONE + " ")[:2000].ljust(2000, "x")
    times = []
    for _ in range(30):
        started = time.perf_counter()
        safety.judge_text(text)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.5


# ---- What people see -----------------------------------------------------------------------------


def test_a_scam_reply_is_held_the_writer_is_told_gently_and_the_case_is_urgent(client_for, alice, bob, maya, welcome):
    thread = forums.start_thread(alice, welcome, "Hello", "Hi all.").thread
    page = client_for(bob).post(f"/threads/{thread.id}/reply", data={"body": SCAM}, follow_redirects=True)
    assert "a volunteer will read this before others can see it" in page_text(page).lower()
    assert SCAM not in page_text(client_for(alice).get(f"/threads/{thread.id}"))
    case = db.session.scalar(sa.select(Case).where(Case.content_type == "post").order_by(Case.id.desc()))
    assert case.urgency == Urgency.URGENT and case.held_for_approval
    rows = moderation.queue(maya)
    assert rows[0].case.id == case.id or rows[0].case.urgency == Urgency.SAFETY
    queue_page = page_text(client_for(maya).get("/moderation"))
    assert "likely scam" in queue_page.lower() and "read me the code" in queue_page


def test_crisis_in_a_forum_reply_shows_support_at_the_top_and_reaches_the_safeguarding_lead(client_for, alice, bob, root, welcome):
    thread = forums.start_thread(alice, welcome, "Hello", "Hi all.").thread
    page = client_for(bob).post(f"/threads/{thread.id}/reply", data={"body": CRISIS}, follow_redirects=True)
    html = page.get_data(as_text=True)
    main = html[html.index('<main'):]
    assert main.index("data-support-box") < main.index("<h1")  # first thing on the page
    assert 'role="alert"' in main and "autofocus" in main and "116 123" in page_text(page)
    assert CRISIS in page_text(client_for(alice).get(f"/threads/{thread.id}"))  # published
    post = db.session.scalar(sa.select(Post).where(Post.body == CRISIS))
    case = case_for("post", post.id)
    assert case.urgency == Urgency.SAFETY and ReportReason.SAFETY in [r.reason for r in case.reports]
    assert any("safety worry" in m["Subject"].lower() for m in emails_to(root.email))


def test_a_brand_new_members_crisis_post_is_held_but_still_a_safety_case(app, alice, root, welcome):
    app.config["MODERATION_FIRST_POSTS_HELD"] = 2
    thread = forums.start_thread(alice, welcome, "Struggling", CRISIS).thread
    assert forums.first_post(thread).status == PostStatus.HELD
    assert case_for("post", forums.first_post(thread).id).urgency == Urgency.SAFETY
    assert emails_to(root.email)


def test_crisis_in_no_javascript_chat_shows_the_support_lines(client_for, bob, cuppa):
    page = client_for(bob).post(f"/chat/{cuppa.id}/send", data={"body": CRISIS}, follow_redirects=True)
    assert "data-support-box" in page.get_data(as_text=True) and "Samaritans" in page_text(page)


def test_crisis_in_live_chat_sends_the_support_lines_back(socket_for, bob, cuppa):
    answer = say(socket_for(bob), cuppa, CRISIS, "c1")
    assert answer["ok"] and "116 123" in [line["number"] for line in answer["support"]["lines"]]


def test_a_held_chat_message_opens_a_case(alice, bob, maya, cuppa):
    message = chat.post_message(bob, cuppa, PHONE)
    assert message.status == MessageStatus.HELD
    assert case_for("chat_message", message.id).held_for_approval
    assert case_for("chat_message", message.id).id in [row.case.id for row in moderation.queue(maya)]


def test_a_direct_message_asking_for_bank_details_does_not_reach_alice(alice, bob):
    room = chat.start_direct(alice, bob)
    message = chat.post_message(bob, room, "Mum, can you send me your card number and the 3 digits on the back? Don't tell anyone")
    assert message.status == MessageStatus.HELD
    assert "scam" in [r.reason.value for r in case_for("chat_message", message.id).reports]


def test_a_scam_in_a_profile_is_held(alice):
    profile = write_profile(alice, about="Let's chat on WhatsApp instead, I can tell you about a guaranteed returns investment")
    assert profile.text_status == "held" and case_for("profile", alice.id) is not None


# ---- Moderators teach it ------------------------------------------------------------------------------


def test_a_moderators_decision_is_kept_and_erased_with_the_account(app, alice, bob, maya):
    message = chat.start_direct(alice, bob)
    held = chat.post_message(bob, message, "ring me on 07700 900381 love")
    case = case_for("chat_message", held.id)
    moderation.claim(maya, case)
    moderation.act(maya, case, "approve", "")
    decision = db.session.scalar(sa.select(SafetyDecision))
    assert (decision.text, decision.kinds, decision.confirmed) == ("ring me on 07700 900381 love", "personal_details", False)
    from app.services import safety_feedback

    assert safety_feedback.as_labelled()[0].kinds == frozenset()
    assert "safety_decisions" in my_data.EXPORTERS
    my_data.ERASERS["safety_decisions"](bob)
    assert db.session.scalar(sa.select(sa.func.count(SafetyDecision.id))) == 0


# ---- The commands -------------------------------------------------------------------------------------


def test_flask_safety_check_judges_json_lines(app):
    lines = "\n".join(json.dumps({"text": t}) for t in (ORDINARY, SCAM, CRISIS, PHONE)) + "\nnot json\n"
    result = app.test_cli_runner().invoke(args=["safety", "check"], input=lines)
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert answers[0] == {"outcome": "publish", "flags": [], "support": False}
    assert answers[1]["outcome"] == "hold" and "scam" in answers[1]["flags"]
    assert answers[2]["support"] is True and "crisis" in answers[2]["flags"]
    assert answers[3]["outcome"] == "hold" and answers[3]["flags"] == ["personal_details"]
    assert "error" in answers[4]


def test_flask_safety_evaluate_prints_recall_and_false_alarms_with_intervals(app, tmp_path):
    data = tmp_path / "few.jsonl"
    data.write_text("\n".join(json.dumps(row) for row in [
        {"text": SCAM, "kinds": ["scam"]}, {"text": CRISIS, "kinds": ["crisis"]}, {"text": PHONE, "kinds": ["personal_details"]},
        {"text": ORDINARY, "kinds": []}]))
    output = app.test_cli_runner().invoke(args=["safety", "evaluate", str(data)]).output
    assert "recall scam" in output and "1/1" in output and "95% CI" in output
    assert "false alarms on ordinary     0/1" in output


def test_flask_safety_train_is_reproducible(app, tmp_path):
    data = tmp_path / "train.jsonl"
    rows = [{"text": f"{SCAM} {i}", "kinds": ["scam"]} for i in range(8)] + [{"text": f"{CRISIS} {i}", "kinds": ["crisis"]} for i in range(8)]
    rows += [{"text": f"{ORDINARY} number {i}", "kinds": []} for i in range(12)]
    data.write_text("\n".join(json.dumps(row) for row in rows))
    runner = app.test_cli_runner()
    try:
        runner.invoke(args=["safety", "train", "--data", str(data), "--out", str(tmp_path / "a.joblib")], catch_exceptions=False)
        runner.invoke(args=["safety", "train", "--data", str(data), "--out", str(tmp_path / "b.joblib")], catch_exceptions=False)
        first, second = safety_model.load(tmp_path / "a.joblib"), safety_model.load(tmp_path / "b.joblib")
        assert first["kinds"]["scam"]["threshold"] == second["kinds"]["scam"]["threshold"]
        assert (first["kinds"]["scam"]["model"].coef_ == second["kinds"]["scam"]["model"].coef_).all()
    finally:
        safety_model.load.cache_clear()


def test_root_pastes_text_on_the_watched_words_page_and_sees_what_would_happen(client_for, root):
    page = client_for(root).post("/admin/watched-words", data={"text": SCAM})
    assert "It would be held until a volunteer checks it" in page_text(page) and "likely scam" in page_text(page)
    page = client_for(root).post("/admin/watched-words", data={"text": ORDINARY})
    assert "It would be published straight away" in page_text(page) and "Nothing was flagged" in page_text(page)
    page = client_for(root).post("/admin/watched-words", data={"text": ""})
    assert "Paste or write the text you want to try" in page_text(page)
