"""Who may use each moderation page and action: visitor, member, author, moderator, admin.
Every route is checked on the server; each assertion says what the person sees or what is stored."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Appeal, AuditEntry, CaseStatus, Post, PostStatus
from app.services import forums, moderation, watched_words
from app.services.errors import NotAllowed
from tests.forum_fixtures import categories, val, welcome  # noqa: F401
from tests.helpers import page_text
from tests.moderation_support import case_for, eve  # noqa: F401


@pytest.fixture
def scene(app, alice, bob, eve, maya, root, welcome):
    """Eve wrote a rude reply; Alice reported it; Maya hid it; Eve appealed. A second report is open."""
    thread = forums.start_thread(bob, welcome, "Garden tips", "Deadheading roses helps.").thread
    rude = forums.reply(eve, thread, "What a stupid tip.").post
    moderation.report(alice, "post", rude.id, "unkind")
    decided = case_for("post", rude.id)
    moderation.act(maya, decided, "hide", "Please be kind.")
    appeal = moderation.appeal(eve, decided, "I was only joking.").appeal
    second = forums.reply(eve, thread, "Still stupid.").post
    moderation.report(alice, "post", second.id, "unkind")
    entry = watched_words.save(root, label="Test word", pattern="grumble", kind="word", action="hold", message="")
    return {"thread": thread, "rude": rude, "decided": decided, "appeal": appeal, "open": case_for("post", second.id), "entry": entry}


def _people(client, client_for, alice, eve, maya, root):
    return {"visitor": client, "member": client_for(alice), "author": client_for(eve), "moderator": client_for(maya), "admin": client_for(root)}


PAGES = [
    # (path, who may see it) -- "author" is Eve, whose content the cases are about
    ("/moderation", {"moderator", "admin"}),
    ("/moderation/cases/{open}", {"moderator", "admin"}),
    ("/moderation/cases/{open}/hide", {"moderator", "admin"}),
    ("/moderation/appeals/{appeal}", {"moderator", "admin"}),
    ("/moderation/log", {"moderator", "admin"}),
    ("/admin/watched-words", {"admin"}),
    ("/admin/watched-words/new", {"admin"}),
    ("/admin/watched-words/{entry}", {"admin"}),
    ("/admin/watched-words/{entry}/delete", {"admin"}),
    ("/admin/moderators", {"admin"}),
    ("/settings/moderation-history", {"member", "author", "moderator", "admin"}),
    ("/settings/reports", {"member", "author", "moderator", "admin"}),
    ("/moderation/cases/{decided}/appeal", {"author"}),
    ("/report/post/{post}", {"member", "moderator", "admin"}),  # not the author: it is their own
]


@pytest.mark.parametrize("path,allowed", PAGES)
def test_every_moderation_page_answers_only_the_right_people(path, allowed, scene, client, client_for, alice, eve, maya, root):
    people = _people(client, client_for, alice, eve, maya, root)
    url = path.format(open=scene["open"].id, appeal=scene["appeal"].id, entry=scene["entry"].id, decided=scene["decided"].id,
                      post=scene["open"].content_id if "report" in path else 0)
    for who, browser in people.items():
        response = browser.get(url)
        if who in allowed:
            assert response.status_code == 200, f"{who} should see {url}"
            assert "<h1>" in response.get_data(as_text=True)
        elif who == "visitor":
            assert response.status_code == 302 and "/sign-in" in response.headers["Location"], f"visitor on {url}"
        else:
            assert response.status_code in (403, 404), f"{who} should not see {url} (got {response.status_code})"


def test_the_author_cannot_report_her_own_post(scene, client_for, eve):
    assert client_for(eve).post(f"/report/post/{scene['open'].content_id}", data={"reason": "unkind"}).status_code == 403
    with pytest.raises(NotAllowed, match="This is your own"):
        moderation.report(eve, "post", scene["open"].content_id, "unkind")


ACTIONS = ["dismiss", "hide", "restore", "edit", "delete", "warn", "silence", "suspend", "escalate"]


@pytest.mark.parametrize("action", ACTIONS)
def test_only_moderators_and_admins_can_take_each_action(action, scene, client, client_for, alice, eve, maya, root):
    case = scene["open"]
    data = {"reason": "A reason for Eve.", "days": "1", "new_text": "Edited.", "confirmed": "yes"}
    for who, browser in (("visitor", client), ("member", client_for(alice)), ("author", client_for(eve))):
        response = browser.post(f"/moderation/cases/{case.id}/{action}", data=data)
        assert response.status_code in (302, 403, 404)
        if who == "visitor":
            assert "/sign-in" in response.headers["Location"]
        db.session.refresh(case)
        assert case.status == CaseStatus.OPEN and not case.escalated, f"{who} changed the case with {action}"
    response = client_for(maya).post(f"/moderation/cases/{case.id}/{action}", data=data)
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.escalated if action == "escalate" else case.status == CaseStatus.RESOLVED
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.actor_id == maya.id).order_by(AuditEntry.id.desc())) is not None


def test_members_cannot_decide_appeals_and_the_first_moderator_cannot_either(scene, client_for, alice, eve, maya, root):
    row = scene["appeal"]
    for browser in (client_for(alice), client_for(eve)):
        browser.post(f"/moderation/appeals/{row.id}", data={"decision": "overturn", "reason": "x"})
    page = client_for(maya).get(f"/moderation/appeals/{row.id}")
    assert "a different volunteer or an administrator decides it" in page_text(page)
    client_for(maya).post(f"/moderation/appeals/{row.id}", data={"decision": "overturn", "reason": "I changed my mind"})
    db.session.refresh(row)
    assert row.status.value == "waiting"
    assert row.id not in [a.id for a in moderation.waiting_appeals(maya)]
    client_for(root).post(f"/moderation/appeals/{row.id}", data={"decision": "overturn", "reason": "It was a joke between friends."})
    db.session.refresh(row)
    assert row.status.value == "overturned" and row.decided_by_id == root.id
    assert db.session.get(Post, scene["rude"].id).status == PostStatus.VISIBLE


def test_an_appeal_can_be_made_once(scene, client_for, eve):
    page = client_for(eve).post(f"/moderation/cases/{scene['decided'].id}/appeal", data={"words": "Again please"})
    assert "cannot appeal this decision" in page_text(page) or "already appealed" in page_text(page)
    assert db.session.scalar(sa.select(sa.func.count(Appeal.id))) == 1


def test_only_admins_grant_moderator_powers_and_only_to_approved_volunteers(client_for, alice, bob, maya, root):
    client_for(maya).post(f"/admin/moderators/{bob.id}", data={"moderator": "yes"})
    db.session.refresh(bob)
    assert not bob.is_moderator
    page = client_for(root).post(f"/admin/moderators/{bob.id}", data={"moderator": "yes"}, follow_redirects=True)
    assert "not an approved volunteer" in page_text(page)
    client_for(root).post(f"/admin/moderators/{maya.id}", data={"moderator": "no"})
    db.session.refresh(maya)
    assert not maya.is_moderator
    assert client_for(maya).get("/moderation").status_code == 403
    client_for(root).post(f"/admin/moderators/{maya.id}", data={"moderator": "yes"})
    db.session.refresh(maya)
    assert maya.is_moderator
    assert "Review queue" in page_text(client_for(maya).get("/moderation"))
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.target_type == "user").order_by(AuditEntry.id))]
    assert actions[-2:] == ["remove_moderator", "grant_moderator"]


def test_an_unapproved_volunteer_has_no_moderator_powers(client_for, val):
    assert client_for(val).get("/moderation").status_code == 403
