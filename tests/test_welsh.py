"""Cymraeg: Gwen, who lives near Bangor in Gwynedd and reads Welsh more easily than English since her
diagnosis, uses Kindred in Welsh; her daughter's browser asks for Welsh; her emails come in Welsh."""
import re
from datetime import datetime, timezone

from flask_babel import force_locale

from app import formatting
from app.extensions import db
from app.models import User
from app.services import accounts, notifications
from tests.helpers import emails_to, email_text, page_text, sign_in
from tests.people import new_member


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_a_visitor_chooses_cymraeg_from_any_page_and_it_stays_chosen(client):
    forums = client.get("/forums")
    assert html_lang(forums) == "en-GB"
    # The choice is on every page, named in its own language, with lang and hreflang.
    link = re.search(r'<a href="([^"]+)" lang="cy" hreflang="cy">Cymraeg</a>', forums.get_data(as_text=True))
    assert link, "no Cymraeg link on the forums page"
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.headers["Location"] == "/forums"  # back where she was
    welsh = client.get("/forums")
    assert html_lang(welsh) == "cy"
    assert "Fforymau" in page_text(welsh) and "Neidio i’r prif gynnwys" in page_text(welsh)
    assert re.search(r'<a href="[^"]+" lang="en" hreflang="en">English</a>', welsh.get_data(as_text=True))
    assert client.get_cookie("kindred_language").value == "cy"
    assert html_lang(client.get("/meetups")) == "cy"


def test_the_language_link_only_goes_back_to_this_site(client):
    response = client.get("/settings/language?to=cy&next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_a_browser_that_asks_for_welsh_gets_welsh_and_is_offered_the_choice_in_both_languages(client):
    first = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert html_lang(first) == "cy"
    words = page_text(first)
    assert "Mae’r dudalen hon yn Gymraeg am fod eich porwr yn gofyn am Gymraeg." in words
    assert "This page is in Welsh because your browser asks for Welsh." in words
    use_english = re.search(r'<a class="button button--secondary" href="([^"]+)" lang="en" hreflang="en">Use English</a>',
                            first.get_data(as_text=True))
    client.get(use_english.group(1).replace("&amp;", "&"))
    after = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert html_lang(after) == "en-GB" and "because your browser asks for Welsh" not in page_text(after)


def test_an_english_browser_is_not_offered_anything(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(page) == "en-GB" and "Gymraeg am fod eich porwr" not in page_text(page)


def test_gwen_chooses_welsh_before_signing_in_and_it_is_kept_on_her_account(app, client):
    gwen = new_member("Gwen Parry", "gwen")
    client.get("/settings/language?to=cy&next=/sign-in")
    sign_in(client, gwen)
    db.session.expire_all()
    assert db.session.get(User, gwen.id).language == "cy"
    assert html_lang(client.get("/forums")) == "cy"
    # On another computer, with an English browser, her account decides.
    laptop = app.test_client()
    sign_in(laptop, gwen)
    assert html_lang(laptop.get("/", headers={"Accept-Language": "en-GB"})) == "cy"


def test_a_member_changes_language_with_a_form_and_a_link_never_writes(client):
    gwen = new_member("Gwen Parry", "gwen")
    sign_in(client, gwen)
    page = client.get("/forums").get_data(as_text=True)
    assert re.search(r'<button type="submit" class="link-button" name="language" value="cy" lang="cy">Cymraeg</button>', page)
    # Following a visitor's link while signed in only asks; nothing is saved.
    asked = client.get("/settings/language?to=cy&next=/forums")
    assert "Choose the language you want to read." in page_text(asked)
    db.session.expire_all()
    assert db.session.get(User, gwen.id).language is None
    client.post("/settings/language", data={"language": "cy", "next": "/forums"})
    db.session.expire_all()
    assert db.session.get(User, gwen.id).language == "cy"
    assert "Hysbysiadau" in page_text(client.get("/forums"))


def test_a_made_up_language_gets_a_sentence_in_both_languages(client):
    response = client.post("/settings/language", data={"language": "xx", "next": "/"})
    assert "Dewiswch iaith. / Choose a language." in page_text(response)


def test_dates_and_times_read_in_welsh(app):
    tuesday = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)
    with app.test_request_context(), force_locale("cy"):
        assert formatting.full_date(tuesday) == "Dydd Mawrth 1 Rhagfyr 2026"
        assert formatting.time_range(tuesday, tuesday.replace(hour=16)) == "Dydd Mawrth 1 Rhagfyr 2026, 2yp tan 4yp"
        assert formatting.clock(tuesday.replace(hour=0)) == "12 hanner nos"
        assert formatting.clock(tuesday.replace(hour=10, minute=42)) == "10:42yb"
    with app.test_request_context(), force_locale("en"):
        assert formatting.time_range(tuesday, tuesday.replace(hour=16)) == "Tuesday 1 December 2026, 2pm to 4pm"


def test_plurals_follow_welsh_rules(app):
    # Welsh has six plural forms: 1 peth, 2 beth, 3 pheth, 6 pheth, 5 peth...
    from flask_babel import ngettext

    with app.test_request_context(), force_locale("cy"):
        say = lambda n: ngettext("Your daily summary: %(num)d new thing", "Your daily summary: %(num)d new things", n)
        assert [say(n) for n in (1, 2, 3, 5, 6)] == [
            "Eich crynodeb dyddiol: 1 peth newydd", "Eich crynodeb dyddiol: 2 beth newydd",
            "Eich crynodeb dyddiol: 3 pheth newydd", "Eich crynodeb dyddiol: 5 peth newydd",
            "Eich crynodeb dyddiol: 6 pheth newydd",
        ]


def test_gwen_asks_for_a_new_password_and_the_email_comes_in_welsh(client):
    gwen = new_member("Gwen Parry", "gwen")
    accounts.update_language(gwen, "cy")
    # She asks from a page in English (a library computer): the email is in her own language.
    response = client.post("/forgotten-password", data={"email": "gwen@example.org"})
    assert "If that email address has a Kindred account" in page_text(response)
    [message] = emails_to("gwen@example.org")
    assert message["Subject"] == "Dewiswch gyfrinair newydd – Kindred"
    text = email_text(message)
    assert text.startswith("Helo Gwen Parry,")
    assert "Dyma eich dolen i ddewis cyfrinair newydd. Mae’n gweithio unwaith, am 60 munud:" in text
    assert "Nid yw eich cyfrinair wedi newid." in text
    assert "Ffoniwch linell gymorth Dementia Connect ar 0333 150 3456." in text
    assert "Here is your link" not in text and "Need to talk" not in text  # no English left
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="cy">' in html and "Dewiswch gyfrinair newydd</a>" in html
