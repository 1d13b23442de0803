"""Calm pages: fewer things to choose from on each page, for a reader in the early stages of dementia."""
import re

from app.services import forums, notifications
from tests.forum_fixtures import categories, welcome  # noqa: F401 - fixtures
from tests.helpers import page_text
from tests.meetups_support import hope_dementia_care, list_meetup


def _visible_actions(article_html: str) -> list[str]:
    """The controls a reader sees under a post before opening anything: folded <details> bodies left out."""
    actions = article_html.split('<div class="post-actions">', 1)[1]
    controls = re.findall(r"<(?:a|button|summary)\b[^>]*>(.*?)</(?:a|button|summary)>", actions, flags=re.S)
    return [re.sub(r"<span class=\"visually-hidden\">.*?</span>", "", words).strip() for words in controls]


def test_each_post_shows_reply_and_react_with_everything_else_behind_more(alice, bob, welcome, client_for):  # noqa: F811
    thread = forums.start_thread(bob, welcome, "Hello from Bob", "I care for my mum.").thread
    html = client_for(alice).get(f"/threads/{thread.id}").get_data(as_text=True)
    article = html.split('id="post-1"', 1)[1].split("</article>", 1)[0]
    assert _visible_actions(article) == ["Reply", "React", "More"]
    more = page_text(client_for(alice).get(_link(article, "More")))  # the post's own actions page
    for folded in ("Save this post", "Report this", "Say thank you"):
        assert folded in more
    own = client_for(bob).get(f"/threads/{thread.id}").get_data(as_text=True).split('id="post-1"', 1)[1].split("</article>", 1)[0]
    assert _visible_actions(own) == ["Reply", "React", "More"]
    own_more = page_text(client_for(bob).get(_link(own, "More")))
    assert "Edit" in own_more and "Delete" in own_more and "Report this" not in own_more


def _link(article_html: str, words: str) -> str:
    return re.search(r'<a href="([^"]+)">' + words + "<", article_html).group(1)


def test_a_weekly_cafe_is_one_row_with_its_dates_on_their_own_page(client, hope, root):
    cafe = list_meetup(hope, hope_dementia_care(hope, root), repeat="weekly", repeat_count="7")
    weekday = cafe.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")).strftime("%A")
    listing = page_text(client.get("/meetups"))
    assert listing.count(": Memory café") == 1 and listing.count("See all 7 dates") == 1
    assert f"Every {weekday}, 2pm: Memory café" in listing and "See all 7 dates" in listing
    assert "1 meet-up, soonest first" in listing
    dates = page_text(client.get(f"/meetups/series/{cafe.series_id}"))
    assert f"Every {weekday}, 2pm, at St Mary's Centre, Chester." in dates
    assert dates.count(f"{weekday} ") >= 7
    assert client.get("/meetups/series/999").status_code == 404


def test_the_filters_a_person_used_last_are_kept_until_they_clear_them(client, hope, root):
    organisation = hope_dementia_care(hope, root)
    list_meetup(hope, organisation)
    list_meetup(hope, organisation, title="Singing for the brain", cost_kind="paid", cost="3.50")
    assert "Singing for the brain" in page_text(client.get("/meetups"))
    client.get("/meetups?filter=1&free_only=y")
    back = client.get("/meetups")
    assert back.status_code == 302 and "free_only=y" in back.headers["Location"]
    page = page_text(client.get(back.headers["Location"]))
    assert "We kept the choices you made last time." in page
    assert "Memory café" in page and "Singing for the brain" not in page
    client.get("/meetups?clear=1")
    assert "Singing for the brain" in page_text(client.get("/meetups"))


def test_notification_settings_start_as_three_simple_choices(alice, client_for):
    browser = client_for(alice)
    html = browser.get("/settings/notifications").get_data(as_text=True)
    text = page_text(browser.get("/settings/notifications"))
    for words in ("Tell me everything by email, straight away", "Only important things by email", "Nothing by email"):
        assert words in text
    assert html.count('type="radio"') > 40  # the table is still there for those who want it...
    assert '<summary class="choice__summary">Choose for each kind</summary>' in html  # ...folded away
    assert "<details class=\"choice\">" in html  # closed while the settings match a simple choice

    browser.post("/settings/notifications/simple", data={"choice": "nothing"})
    assert set(notifications.preferences_for(alice)[kind] for kind, info in notifications.KINDS.items() if info.can_turn_off) == {"never"}
    assert notifications.delivery_for(alice, "on_behalf") == "now"  # safety messages still come
    browser.post("/settings/notifications/simple", data={"choice": "important"})
    assert notifications.delivery_for(alice, "meetup_cancelled") == "now"
    assert notifications.delivery_for(alice, "forum_reaction") == "never"
    assert notifications.simple_choice_of(alice) == "important"

    browser.post("/settings/notifications", data={kind: "daily" for kind, info in notifications.KINDS.items() if info.can_turn_off})
    assert "You have chosen for each kind below." in page_text(browser.get("/settings/notifications"))
