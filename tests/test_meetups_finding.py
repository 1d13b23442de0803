"""Finding meet-ups: by distance from a town or postcode district, by access, audience, cost; the archive."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.formatting import local
from app.models import Meetup
from app.models.types import utcnow
from app.services import places
from tests.helpers import count_queries, page_text
from tests.meetups_support import hope_dementia_care, list_meetup


@pytest.fixture
def org(hope, root):
    return hope_dementia_care(hope, root)


def _titles(response):
    text = page_text(response)
    return {title for title in ("Chester café", "Liverpool singing", "Manchester walk", "Online carers' chat") if title in text}


def test_places_and_distances_come_from_shipped_data():
    assert places.normalise_postcode(" ch1  2hj") == "CH1 2HJ"
    chester, liverpool = places.find_place("Chester"), places.find_place("L1")
    assert places.find_place("CH1") == places.find_place("CH1 9QQ")  # a postcode we do not know: its district
    near_chester = places.find_place("CH1 2HJ")  # a real one: its own point, a short walk from the centre
    assert places.miles_between(chester.latitude, chester.longitude, near_chester.latitude, near_chester.longitude) < 1
    assert 13 < places.miles_between(chester.latitude, chester.longitude, liverpool.latitude, liverpool.longitude) < 17
    town = places.find_place("liverpool")  # the city's centre, next to its L1 district
    assert places.miles_between(town.latitude, town.longitude, liverpool.latitude, liverpool.longitude) < 1
    assert places.find_place("Atlantis") is None


@pytest.mark.both_backends  # the distance is worked out in SQL
def test_near_a_town_or_postcode_within_a_distance(client, hope, org):
    list_meetup(hope, org, title="Chester café", town="Chester", postcode="CH2 3AB")
    list_meetup(hope, org, title="Liverpool singing", town="Liverpool", postcode="L1 4AB")
    list_meetup(hope, org, title="Manchester walk", town="Manchester", postcode="M1 2AB")
    list_meetup(hope, org, title="Online carers' chat", attendance="online", joining_link="https://meet.example.org/x")

    assert _titles(client.get("/meetups")) == {"Chester café", "Liverpool singing", "Manchester walk", "Online carers' chat"}
    assert _titles(client.get("/meetups?filter=1&near=Chester&miles=5")) == {"Chester café"}
    assert _titles(client.get("/meetups?filter=1&near=CH1&miles=25")) == {"Chester café", "Liverpool singing"}
    assert _titles(client.get("/meetups?filter=1&near=birkenhead&miles=10")) == {"Liverpool singing"}
    text = page_text(client.get("/meetups?filter=1&near=CH1+4XY&miles=5"))
    assert "within 5 miles of Chester" in text and "about 1 mile away" in text
    assert _titles(client.get("/meetups?filter=1&online_only=y")) == {"Online carers' chat"}
    text = page_text(client.get("/meetups?filter=1&near=Atlantis&miles=5"))
    assert "We do not know a place called “Atlantis”" in text


def test_filter_by_access_audience_and_cost(client, hope, org):
    list_meetup(hope, org, title="Chester café", access={"step_free": "yes", "hearing_loop": "yes"}, audience="living_with_dementia")
    list_meetup(hope, org, title="Liverpool singing", access={"step_free": "no"}, audience="carers", cost_kind="paid", cost="3")
    list_meetup(hope, org, title="Manchester walk", access={"step_free": "unknown", "quiet_space": "yes"}, audience="everyone")
    assert _titles(client.get("/meetups?filter=1&step_free=y")) == {"Chester café"}
    assert _titles(client.get("/meetups?filter=1&step_free=y&quiet_space=y")) == set()
    assert _titles(client.get("/meetups?filter=1&audience=carers")) == {"Liverpool singing", "Manchester walk"}
    assert _titles(client.get("/meetups?filter=1&free_only=y")) == {"Chester café", "Manchester walk"}


def test_past_meetups_move_to_the_archive(client, hope, org):
    list_meetup(hope, org, title="Chester café")
    with time_machine.travel(utcnow() + timedelta(days=10)):
        assert "Chester café" not in page_text(client.get("/meetups"))
        assert "Chester café" in page_text(client.get("/meetups/past"))


def test_the_archive_is_read_a_page_at_a_time_most_recent_first(client, hope, org):
    """Hope's charity has run 22 memory cafés, one a day. A year on, the archive shows the 20 most
    recent; "Older" shows the first two, and "Newer" leads back."""
    start = local(utcnow()).date()
    for n in range(1, 23):
        list_meetup(hope, org, title=f"Café day {n}", date=(start + timedelta(days=n)).isoformat())
    with time_machine.travel(utcnow() + timedelta(days=365)):
        first = client.get("/meetups/past")
        assert re.findall(r"Café day (\d+)", page_text(first)) == [str(n) for n in range(22, 2, -1)]
        older_link = re.search(r'<a href="([^"]+)" rel="next">Older</a>', first.get_data(as_text=True)).group(1)
        older = client.get(older_link.replace("&amp;", "&"))
        assert re.findall(r"Café day (\d+)", page_text(older)) == ["2", "1"]
        newer_link = re.search(r'<a href="([^"]+)" rel="prev">Newer</a>', older.get_data(as_text=True)).group(1)
        assert re.findall(r"Café day (\d+)", page_text(client.get(newer_link.replace("&amp;", "&"))))[0] == "22"


@pytest.mark.both_backends  # the date that stands for a series is chosen in SQL
def test_a_weekly_cafe_is_one_row_at_its_next_date_going_ahead(client, client_for, hope, org):
    """Hope's café meets every week; the first date is called off (the hall is closed). The list shows
    the café once, at the next date that is going ahead, with a link to all three dates."""
    first = list_meetup(hope, org, title="Weekly café", repeat="weekly", repeat_count="3")
    client_for(hope).post(f"/meetups/{first.id}/cancel", data={"reason": "The hall is closed."})
    page = client.get("/meetups")
    text = page_text(page)
    assert text.count("Weekly café") == 2  # the card's heading, and "See all 3 dates of Weekly café"
    assert "See all 3 dates" in text
    second = db.session.scalars(sa.select(Meetup).where(Meetup.series_id == first.series_id).order_by(Meetup.starts_at)).all()[1]
    assert f'href="/meetups/{second.id}"' in page.get_data(as_text=True)
    assert f'href="/meetups/{first.id}"' not in page.get_data(as_text=True)


def test_the_list_loads_in_the_same_number_of_queries_for_3_or_30(client, hope, org):
    for number in range(3):
        list_meetup(hope, org, title=f"Café {number}")
    client.get("/meetups")
    with count_queries() as few:
        client.get("/meetups?filter=1&near=Chester&miles=25&step_free=y")
    for number in range(27):
        list_meetup(hope, org, title=f"Café {number + 3}")
    with count_queries() as many:
        response = client.get("/meetups?filter=1&near=Chester&miles=25&step_free=y")
    assert "30 meet-ups within 25 miles of Chester" in page_text(response)
    assert '>Later meet-ups</a>' in response.get_data(as_text=True)
    assert few.count == many.count <= 3


def _later_link(page, words="Later meet-ups", rel="next"):
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">{words}</a>', page.get_data(as_text=True))
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.both_backends  # the choosing, the distance and the count are SQL (window functions, sin and cos)
def test_the_list_is_read_a_page_at_a_time_soonest_first(client, hope, org):
    """Hope's charity lists 24 memory cafés in Chester, one a day, and a singing group that meets
    every week (three dates). Near Chester, the list says 25 meet-ups: the singing group is one
    row. The first page shows the 20 soonest; "Later meet-ups" shows the other five with the same
    count and Hope's choices kept; "Sooner meet-ups" leads back. An address whose key does not
    read (an old or mistyped link) shows the first page."""
    start = local(utcnow()).date()
    for n in range(1, 25):
        list_meetup(hope, org, title=f"Café day {n}", date=(start + timedelta(days=n)).isoformat())
    list_meetup(hope, org, title="Singing group", repeat="weekly", repeat_count="3", date=(start + timedelta(days=22, hours=1)).isoformat())
    first = client.get("/meetups?filter=1&near=Chester&miles=5")
    text = page_text(first)
    assert "25 meet-ups within 5 miles of Chester, soonest first" in text
    assert re.findall(r"Café day (\d+)", text) == [str(n) for n in range(1, 21)]
    assert "Singing group" not in text and _later_link(first, "Sooner meet-ups", "prev") is None
    later = client.get(_later_link(first))
    text = page_text(later)
    assert "25 meet-ups within 5 miles of Chester" in text and "Page 2" in text
    assert re.findall(r"Café day (\d+)", text) == ["21", "22", "23", "24"]
    # The singing group's first date is day 22, listed after that day's café (same time, listed later).
    assert text.index("Café day 22") < text.index("Singing group") < text.index("Café day 23")
    assert "See all 3 dates" in text and _later_link(later) is None
    back = client.get(_later_link(later, "Sooner meet-ups", "prev"))
    assert re.findall(r"Café day (\d+)", page_text(back)) == [str(n) for n in range(1, 21)]
    for nonsense in ("older=tuesday.7", "newer=1.2.3", "page=-1", "older=99999999999999999999.1"):
        text = page_text(client.get(f"/meetups?filter=1&near=Chester&miles=5&{nonsense}"))
        assert re.findall(r"Café day (\d+)", text) == [str(n) for n in range(1, 21)], nonsense
    # Past the last meet-up (they all happened since the link was made): the first page, counted.
    past_the_end = client.get(f"/meetups?filter=1&near=Chester&miles=5&older={int((utcnow() + timedelta(days=400)).timestamp() * 1e6)}.1")
    text = page_text(past_the_end)
    assert "25 meet-ups within 5 miles" in text and "Page 2" not in text
    assert re.findall(r"Café day (\d+)", text) == [str(n) for n in range(1, 21)]


@pytest.mark.both_backends
def test_a_series_called_off_on_every_date_is_still_one_row_saying_so(client, client_for, hope, org):
    """Hope's walking group has two dates and both are called off: it stays in the list once, at
    its first date, marked as cancelled, so a member who planned to go finds out."""
    first = list_meetup(hope, org, title="Walking group", repeat="weekly", repeat_count="2")
    organiser = client_for(hope)
    for meetup in db.session.scalars(sa.select(Meetup).where(Meetup.series_id == first.series_id)).all():
        organiser.post(f"/meetups/{meetup.id}/cancel", data={"reason": "The path is flooded."})
    page = client.get("/meetups")
    text = page_text(page)
    assert "1 meet-up, soonest first" in text and "See all 2 dates" in text
    assert f'href="/meetups/{first.id}"' in page.get_data(as_text=True) and "Cancelled" in text


def test_stray_words_in_the_address_are_left_behind_not_an_error(client, hope, org):
    """A link pasted with extra words on it (?label=x, ?_external=1, ?endpoint=x) shows the list,
    and, kept with Maya's choices, does not break her next visit either."""
    list_meetup(hope, org, title="Chester café")
    for stray in ("label=x", "newer_text=x", "_external=1&_scheme=https", "endpoint=x", "_method=POST", "name=x"):
        assert "Chester café" in page_text(client.get(f"/meetups?filter=1&near=Chester&miles=5&{stray}")), stray
        kept = client.get("/meetups")
        assert kept.status_code == 302 and "near=Chester" in kept.location, stray
        for word in re.findall(r"(\w+)=", stray):
            assert f"{word}=" not in kept.location, stray
        assert "Chester café" in page_text(client.get(kept.location)), stray
    assert "Bangor" in page_text(client.get("/meetups?filter=1&near=Bangor&name=x", follow_redirects=True))


def test_sqlite_without_math_functions_gets_the_same_miles():
    """Where SQLite is built without its math functions, app._tune_sqlite gives it Python's: the
    same distance as places.miles_between."""
    import sqlite3

    from app import _python_math_functions

    connection = sqlite3.connect(":memory:")
    _python_math_functions(connection)
    chester, liverpool = places.find_place("Chester"), places.find_place("L1")
    expression = places.miles_between_sql(chester.latitude, chester.longitude, sa.column("lat"), sa.column("lon"))
    sql = str(sa.select(expression).compile(compile_kwargs={"literal_binds": True}))
    miles = connection.execute(f"{sql} FROM (SELECT {liverpool.latitude} AS lat, {liverpool.longitude} AS lon)").fetchone()[0]
    assert miles == pytest.approx(places.miles_between(chester.latitude, chester.longitude, liverpool.latitude, liverpool.longitude))
    assert connection.execute("SELECT sqrt(NULL)").fetchone()[0] is None
    assert connection.execute("SELECT sqrt(-1), asin(2)").fetchone() == (None, None)  # as SQLite's own


def test_a_distance_the_form_does_not_offer_is_searched_and_said_as_ten_miles(client, hope, org):
    list_meetup(hope, org, title="Chester café", town="Chester", postcode="CH2 3AB")
    page = client.get("/meetups?filter=1&near=Chester&miles=7")
    assert "1 meet-up within 10 miles of Chester" in page_text(page)
    assert re.search(r'<option selected value="10">|<option value="10" selected>', page.get_data(as_text=True))


def test_every_choice_on_the_filter_form_travels_on_the_listings_links(app):
    from app.meetups.forms import FilterForm
    from app.meetups.routes import CHOICE_ARGS

    with app.test_request_context():
        assert set(CHOICE_ARGS) == {field.name for field in FilterForm()}


def test_bobs_listing_keeps_each_card_yet_every_change_shows_at_once(app, client_for, bob, hope, org):
    """Each card of the listing is kept by all it shows (fragments.meetup_card_key): Bob's second
    look makes none, and a new title or venue, the charity's new name and a cancellation each show
    at once; near a place the card says how far, across the UK it does not."""
    from app.services import fragments

    fragments.clear()
    cafe = list_meetup(hope, org, title="Chester café", town="Chester", postcode="CH2 3AB")
    browser = client_for(bob)
    browser.get("/meetups")  # (the first page after signing in also says so)
    first = page_text(browser.get("/meetups"))
    kept = len(app.extensions["kindred_fragments"]["local"].items)
    assert "Chester café" in first and page_text(browser.get("/meetups")) == first
    assert len(app.extensions["kindred_fragments"]["local"].items) == kept
    cafe.title = "Chester memory café"
    db.session.commit()
    assert "Chester memory café" in page_text(browser.get("/meetups"))
    cafe.venue_name = "The Town Hall"
    db.session.commit()
    assert "The Town Hall" in page_text(browser.get("/meetups"))
    org.name = "Hope Dementia Care North Wales"
    db.session.commit()
    assert "By Hope Dementia Care North Wales (verified)." in page_text(browser.get("/meetups"))
    client_for(hope).post(f"/meetups/{cafe.id}/cancel", data={"reason": "The hall is closed."})
    assert "Cancelled" in page_text(browser.get("/meetups"))
    assert "about 1 mile away" in page_text(browser.get("/meetups?filter=1&near=CH1+4XY&miles=5"))
    assert "mile away" not in page_text(browser.get("/meetups"))
    made_afresh = page_text(browser.get("/meetups"))
    app.config["FRAGMENT_CACHE"] = False
    try:
        assert page_text(browser.get("/meetups")) == made_afresh
    finally:
        app.config["FRAGMENT_CACHE"] = True
        fragments.clear()
