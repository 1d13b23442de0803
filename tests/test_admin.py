"""Root approves volunteers and organisations; nobody else can."""
import sqlalchemy as sa

from app.extensions import db
from app.models import ApprovalStatus, AuditEntry, Role, User
from app.services import accounts
from tests.helpers import CAST_PASSWORD, emails_to, page_text


def waiting_volunteer():
    return accounts.register("Vic Green", "vic@example.org", CAST_PASSWORD, Role.VOLUNTEER, confirmed=True)


def test_root_sees_who_is_waiting_and_approves_a_volunteer_who_becomes_a_moderator(client_for, root):
    vic = waiting_volunteer()
    admin = client_for(root)
    listing = page_text(admin.get("/admin"))
    assert "Vic Green Volunteer" in listing
    page = page_text(admin.get(f"/admin/approvals/{vic.id}"))
    assert "Decide about Vic Green" in page and "vic@example.org" in page

    response = admin.post(f"/admin/approvals/{vic.id}", data={"decision": "approve", "reason": "DBS checked"})
    assert "You approved Vic Green as volunteer" in page_text(admin.get(response.headers["Location"]))
    db.session.expire_all()
    vic = db.session.get(User, vic.id)
    assert vic.approval == ApprovalStatus.APPROVED and not vic.is_moderator  # powers are a separate step
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.target_id == vic.id)).one()
    assert (entry.actor_id, entry.action, entry.reason) == (root.id, "approve_role", "DBS checked")
    assert "Good news" in emails_to("vic@example.org")[-1].get_body(("plain",)).get_content()
    assert "Nobody is waiting for approval" in page_text(admin.get("/admin"))

    # Then, as its own step, root gives Vic moderator powers.
    listed = page_text(admin.get("/admin/moderators"))
    assert "Give moderator powers to Vic Green" in listed
    done = admin.post(f"/admin/moderators/{vic.id}", data={"moderator": "yes"}, follow_redirects=True)
    assert "Vic Green can now moderate." in page_text(done)
    db.session.expire_all()
    assert db.session.get(User, vic.id).is_moderator


def test_root_declines_an_organisation_which_stays_an_ordinary_member(client_for, root):
    org = accounts.register("Sunny Days Ltd", "sunny@example.org", CAST_PASSWORD, Role.ORGANISATION, confirmed=True)
    client_for(root).post(f"/admin/approvals/{org.id}", data={"decision": "decline"})
    db.session.expire_all()
    org = db.session.get(User, org.id)
    assert org.approval == ApprovalStatus.DECLINED and not org.is_moderator
    assert "could not approve you" in emails_to("sunny@example.org")[-1].get_body(("plain",)).get_content()


def test_a_decision_without_a_choice_is_explained(client_for, root):
    vic = waiting_volunteer()
    response = client_for(root).post(f"/admin/approvals/{vic.id}", data={"reason": "hmm"})
    assert "Choose approve or decline." in page_text(response)
    assert "hmm" in response.get_data(as_text=True)


def test_nobody_but_an_admin_can_approve(client, client_for, alice, maya):
    vic = waiting_volunteer()
    for member in (alice, maya):
        browser = client_for(member)
        assert "You cannot see this page" in page_text(browser.get("/admin"))
        assert "You cannot see this page" in page_text(browser.post(f"/admin/approvals/{vic.id}", data={"decision": "approve"}))
    assert client.get("/admin").headers["Location"].startswith("/sign-in?next=")
    db.session.expire_all()
    assert db.session.get(User, vic.id).approval == ApprovalStatus.PENDING
