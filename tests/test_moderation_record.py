"""Sanctions (silence, suspension), reminders about late cases, and the append-only staff action log."""
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app import create_app
from app.extensions import db
from app.models import AuditEntry, CaseStatus, User
from app.models.types import utcnow
from app.services import audit, forums, moderation
from app.services.errors import Conflict, NotAllowed
from tests.forum_fixtures import categories, welcome  # noqa: F401
from tests.helpers import emails_to, email_text, page_text
from tests.moderation_support import case_for, dan, eve  # noqa: F401


def reported_reply(eve, alice, welcome, body="Rude words."):
    thread = forums.start_thread(alice, welcome, "A thread", "Hello.").thread
    post = forums.reply(eve, thread, body).post
    moderation.report(alice, "post", post.id, "unkind")
    return thread, post, case_for("post", post.id)


def test_silenced_eve_can_read_but_not_post_reply_or_react_and_sees_why_and_until(client_for, alice, eve, maya, welcome):
    thread, post, case = reported_reply(eve, alice, welcome)
    moderation.act(maya, case, "silence", "Please take a break and read our guidelines.", days=3)
    eve_client = client_for(eve)
    page = page_text(eve_client.get(f"/threads/{thread.id}"))
    assert "paused your posting until" in page and "Please take a break" in page and "appeal" in page
    response = eve_client.post(f"/threads/{thread.id}/reply", data={"body": "Let me talk!"})
    assert "You cannot post or reply until" in page_text(response)
    with pytest.raises(NotAllowed):
        forums.start_thread(eve, welcome, "Hi", "Hi")
    with pytest.raises(NotAllowed):
        forums.react(eve, forums.first_post(thread), "hug")
    assert not moderation.can_participate(eve)
    with time_machine.travel(utcnow() + timedelta(days=3, minutes=1), tick=False):
        db.session.expire_all()
        assert moderation.can_participate(db.session.get(User, eve.id))


def test_suspended_eve_sees_only_the_suspension_page_with_why_until_and_how_to_appeal(client_for, alice, eve, maya, welcome):
    thread, post, case = reported_reply(eve, alice, welcome)
    moderation.act(maya, case, "suspend", "Threats to another member.", days=7)
    eve_client = client_for(eve)
    response = eve_client.get(f"/threads/{thread.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/suspended")
    page = page_text(eve_client.get("/suspended"))
    assert "Your account is suspended" in page and "Threats to another member." in page and "appeal" in page
    history = page_text(eve_client.get("/settings/moderation-history"))
    assert "Appeal this decision" in history
    eve_client.post(f"/moderation/cases/{case.id}/appeal", data={"words": "I am sorry, it will not happen again."})
    assert "You appealed" in page_text(eve_client.get("/settings/moderation-history"))


def test_an_appeal_goes_to_a_different_moderator_who_can_lift_the_suspension(client_for, alice, eve, maya, dan, welcome):
    thread, post, case = reported_reply(eve, alice, welcome)
    moderation.act(maya, case, "suspend", "Threats.", days=7)
    row = moderation.appeal(eve, case, "It was a misunderstanding.").appeal
    assert moderation.waiting_appeals(maya) == [] and moderation.waiting_appeals(dan) == [row]
    with pytest.raises(NotAllowed):
        moderation.decide_appeal(maya, row, True, "I was wrong")
    moderation.decide_appeal(dan, row, True, "Alice confirmed it was a misunderstanding.")
    db.session.expire_all()
    assert moderation.suspension_of(db.session.get(User, eve.id)) is None
    assert client_for(eve).get(f"/threads/{thread.id}").status_code == 200


def test_a_claim_stops_a_second_moderator_and_lapses_after_30_minutes(alice, eve, maya, dan, welcome):
    thread, post, case = reported_reply(eve, alice, welcome)
    moderation.claim(maya, case)
    with pytest.raises(Conflict, match="Maya Patel is looking at this case"):
        moderation.claim(dan, case)
    with pytest.raises(Conflict, match="Maya Patel is looking at this case"):
        moderation.act(dan, case, "hide", "Rude.")
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        moderation.act(dan, case, "hide", "Rude.")
    db.session.refresh(case)
    assert case.resolved_by_id == dan.id
    with pytest.raises(Conflict, match="Dan Price already handled this at"):
        moderation.act(maya, case, "dismiss", "")


# ---- Two moderators at the same moment ---------------------------------------------------------------


def test_two_moderators_acting_at_once_one_wins_and_the_other_is_told_who(postgres_database, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=postgres_database, OUTBOX_DIR=str(tmp_path / "outbox"))
    from app.models import Role
    from app.services import accounts

    with app.test_request_context("/"):
        try:
            root = accounts.create_admin("Kindred Admin", "root@example.org", "teapot garden sunny bus")
            maya = accounts.register("Maya Patel", "maya@example.org", "teapot garden sunny bus", Role.VOLUNTEER, confirmed=True)
            accounts.decide_approval(root, maya, approve=True)
            moderation.set_moderator(root, maya, True)
            eve = accounts.register("Eve Stone", "eve@example.org", "teapot garden sunny bus", Role.CARER, confirmed=True)
            alice = accounts.register("Alice Morgan", "alice@example.org", "teapot garden sunny bus", Role.CARER, confirmed=True)
            from app.models import Audience

            category = forums.save_category(root, "Welcome", "", 1, Audience.EVERYONE, Audience.MEMBERS)
            thread = forums.start_thread(eve, category, "Hi", "Rude words.").thread
            moderation.report(alice, "post", forums.first_post(thread).id, "unkind")
            case_id, ids = case_for("post", forums.first_post(thread).id).id, {"maya": maya.id, "root": root.id}
            db.session.remove()

            barrier = threading.Barrier(2)
            results = {}

            def decide(name, outcome):
                with app.test_request_context("/"):
                    moderator = db.session.get(User, ids[name])
                    case = moderation.get_case(moderator, case_id)
                    barrier.wait()
                    try:
                        moderation.act(moderator, case, outcome, "Decided.")
                        results[name] = "won"
                    except Conflict as error:
                        results[name] = error.message
                    finally:
                        db.session.remove()

            threads = [threading.Thread(target=decide, args=("maya", "hide")), threading.Thread(target=decide, args=("root", "dismiss"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(results.values(), key=lambda v: v != "won")[0] == "won"
            winner = next(name for name, result in results.items() if result == "won")
            loser_message = next(result for result in results.values() if result != "won")
            winner_name = {"maya": "Maya Patel", "root": "Kindred Admin"}[winner]
            assert loser_message.startswith(f"{winner_name} already handled this at")
            from app.models import Case

            case = db.session.get(Case, case_id)
            assert case.status == CaseStatus.RESOLVED and case.resolved_by_id == ids[winner]
            assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.target_type == "case")) == 1
        finally:
            db.session.remove()
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.engine.dispose()


# ---- Late cases ----------------------------------------------------------------------------------------


def test_admins_are_emailed_once_about_late_cases_and_the_queue_highlights_them(app, client_for, alice, bob, eve, maya, root, welcome):
    thread, post, case = reported_reply(eve, alice, welcome)
    start = utcnow()
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        assert moderation.send_overdue_reminders() == 0
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert moderation.send_overdue_reminders() == 1
        assert moderation.send_overdue_reminders() == 0  # once only
        assert "Waiting too long" in page_text(client_for(maya).get("/moderation"))
    mail = [m for m in emails_to(root.email) if "waiting too long" in m["Subject"]]
    assert len(mail) == 1 and "Reported by members" in email_text(mail[0])


def test_a_safety_case_is_late_after_two_hours(app, alice, eve, maya, root, welcome):
    thread = forums.start_thread(alice, welcome, "A thread", "Hello.").thread
    post = forums.reply(eve, thread, "My neighbour is shouting at her mum.").post
    moderation.report(alice, "post", post.id, "safety")
    with time_machine.travel(utcnow() + timedelta(hours=2, minutes=5), tick=False):
        assert moderation.send_overdue_reminders() == 1


def test_the_cli_command_sends_the_reminders(app, alice, eve, root, welcome):
    reported_reply(eve, alice, welcome)
    with time_machine.travel(utcnow() + timedelta(days=2), tick=False):
        result = app.test_cli_runner().invoke(args=["moderation-reminders"])
    assert "1 late case" in result.output


# ---- The staff action log --------------------------------------------------------------------------------


def test_admins_read_and_filter_the_log(client_for, alice, eve, maya, root, welcome):
    thread, post, case = reported_reply(eve, alice, welcome)
    moderation.act(maya, case, "hide", "Please be kind.")
    page = page_text(client_for(root).get("/moderation/log"))
    assert "Maya Patel" in page and "Hide content" in page and "Please be kind." in page
    only_root = page_text(client_for(root).get(f"/moderation/log?actor={root.id}"))
    assert "Please be kind." not in only_root and "Approve role user" in only_root
    by_action = page_text(client_for(root).get("/moderation/log?action=hide_content"))
    assert "Please be kind." in by_action and "Approve role user" not in by_action
    future = page_text(client_for(root).get("/moderation/log?since=2999-01-01"))
    assert "No actions match" in future


def test_a_long_log_is_read_a_page_at_a_time_keeping_the_filter(client_for, maya, root):
    """Over a busy year Maya has written 60 warnings. Root reads only Maya's actions: the newest 50,
    then "Older" shows the first 10, still only Maya's, though root's own approvals are in between."""
    for n in range(1, 61):
        audit.record(maya, "warn_member", maya, f"Warning number {n}.")
        audit.record(root, "approve_role", root, f"Approval {n}.")
        db.session.commit()
    first = client_for(root).get(f"/moderation/log?actor={maya.id}")
    assert re.findall(r"Warning number (\d+)\.", page_text(first)) == [str(n) for n in range(60, 10, -1)]
    assert "Approval" not in page_text(first)
    older_link = re.search(r'<a href="([^"]+)" rel="next">Older</a>', first.get_data(as_text=True)).group(1).replace("&amp;", "&")
    assert f"actor={maya.id}" in older_link
    older = page_text(client_for(root).get(older_link))
    assert re.findall(r"Warning number (\d+)\.", older) == [str(n) for n in range(10, 0, -1)]
    assert "Approval" not in older and "Older" not in older


def test_only_the_logs_own_filters_travel_on_its_page_links(client_for, maya, root):
    for n in range(55):
        audit.record(maya, "warn_member", maya, f"Warning number {n}.")
    db.session.commit()
    page = client_for(root).get(f"/moderation/log?actor={maya.id}&label=x&endpoint=y&utm_source=email")
    assert "Warning number 54." in page_text(page)
    older_link = re.search(r'<a href="([^"]+)" rel="next">Older</a>', page.get_data(as_text=True)).group(1)
    assert f"actor={maya.id}" in older_link and "label" not in older_link and "utm_source" not in older_link


def test_the_log_cannot_be_changed_or_deleted(app, alice, eve, maya, welcome):
    thread, post, case = reported_reply(eve, alice, welcome)
    moderation.act(maya, case, "hide", "Please be kind.")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "hide_content"))
    assert not [rule for rule in app.url_map.iter_rules() if "log" in rule.rule and rule.methods & {"POST", "PUT", "DELETE"}]
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(reason="Nothing happened"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.delete(AuditEntry).where(AuditEntry.id == entry.id))
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).reason.endswith("Please be kind.")
