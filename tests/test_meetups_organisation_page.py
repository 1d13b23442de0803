"""Hope keeps her organisation's page up to date, with a logo checked like a photo."""
import io

from PIL import Image

from app.extensions import db
from app.models import Organisation
from tests.helpers import page_text
from tests.meetups_support import hope_dementia_care

DETAILS = {"name": "Hope Dementia Care", "kind": "charity", "registration": "1234567", "website": "https://hope.example.org",
           "description": "Memory cafés and singing across Cheshire.", "contact_email": "hello@hope.example.org",
           "contact_phone": "01244 000000"}


def _png():
    out = io.BytesIO()
    Image.new("RGB", (800, 400), (20, 60, 140)).save(out, "PNG")
    out.seek(0)
    return out


def test_hope_changes_the_description_and_adds_a_logo(client_for, hope, root, app):
    org = hope_dementia_care(hope, root)
    browser = client_for(hope)
    assert "Change the organisation page or logo" in page_text(browser.get(f"/organisations/{org.id}"))
    reply = browser.post(f"/organisations/{org.id}/edit", data={**DETAILS, "description": "Now in Wrexham too.", "logo": (_png(), "logo.png")},
                         content_type="multipart/form-data")
    page = browser.get(reply.headers["Location"])
    assert "The organisation page is saved." in page_text(page) and "Now in Wrexham too." in page_text(page)
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert org.logo_filename and org.logo_filename.endswith(".jpg")
    logo = client_for(hope).get(f"/organisations/{org.id}/logo/{org.logo_filename}")
    assert logo.mimetype == "image/jpeg" and logo.headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(logo.data)).size == (512, 256)  # made smaller, re-encoded as JPEG
    assert 'alt="The logo of Hope Dementia Care"' in page.get_data(as_text=True)


def test_a_text_file_as_a_logo_is_explained_and_the_typed_words_are_kept(client_for, hope, root):
    org = hope_dementia_care(hope, root)
    response = client_for(hope).post(
        f"/organisations/{org.id}/edit", data={**DETAILS, "description": "Kept words", "logo": (io.BytesIO(b"not a picture"), "logo.png")},
        content_type="multipart/form-data",
    )
    text = page_text(response)
    assert text.startswith("Error: ") and "There is a problem" in text
    assert "Kept words" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).description == "Memory cafés across Cheshire."


def test_only_the_organisations_own_members_can_change_it(client_for, hope, root, alice):
    org = hope_dementia_care(hope, root)
    assert client_for(alice).get(f"/organisations/{org.id}/edit").status_code == 403
    client_for(alice).post(f"/organisations/{org.id}/edit", data={**DETAILS, "description": "Hacked"})
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).description == "Memory cafés across Cheshire."
