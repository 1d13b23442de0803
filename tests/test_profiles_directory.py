"""The members directory: for members only, searchable by name, town or interest, paged,
and never matching on something the searcher is not allowed to see."""
import re

import pytest

from app.models import Role
from app.services import blocking, connections, my_data
from tests.helpers import assert_max_queries, count_queries, page_text
from tests.people import new_member, write_profile


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get("/members")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_bob_finds_alice_by_name_town_and_interest(alice, bob, client_for):
    write_profile(alice, town="Chester", interests="beekeeping, choir singing")
    write_profile(bob, town="Ellesmere Port", interests="football")
    browser = client_for(bob)

    for search in ("alice", "chester", "Beekeeping"):
        text = page_text(browser.get("/members", query_string={"q": search}))
        assert "Alice Morgan" in text, search
        assert "Bob Morgan Carer" not in text, search
        assert f"1 member found for “{search}”" in text

    text = page_text(browser.get("/members", query_string={"q": "snooker"}))
    assert "No members match that search." in text


def test_a_search_never_matches_a_town_the_searcher_cannot_see(alice, bob, client_for):
    write_profile(alice, "connections", town="Chester")
    stranger = new_member("Sam Jones")
    assert "Alice Morgan" not in page_text(client_for(stranger).get("/members?q=Chester"))

    connections.accept(alice, connections.ask(bob, alice))
    assert "Alice Morgan" in page_text(client_for(bob).get("/members?q=Chester"))


def test_someone_alice_blocked_cannot_find_her_by_her_members_only_town(alice, client_for):
    write_profile(alice, "members", town="Chester")
    eve = new_member("Eve Stone")
    blocking.block(alice, eve)
    text = page_text(client_for(eve).get("/members?q=Chester"))
    assert "Alice Morgan" not in text
    # She is still listed by name, like any member, with nothing else.
    text = page_text(client_for(eve).get("/members?q=Alice"))
    assert "Alice Morgan" in text and "Chester" not in text


def test_percent_and_underscore_are_searched_as_themselves(alice, bob, client_for):
    write_profile(alice, interests="100% cotton quilts")
    text = page_text(client_for(bob).get("/members?q=%25"))
    assert "Alice Morgan" in text and "Bob Morgan Carer" not in text


def test_the_directory_is_paged_twenty_to_a_page(bob, client_for):
    """24 new members, A to Z after Bob: the first page ends at Member 18; "Next page" goes on from
    there, keeping Bob's search, and "Previous page" comes back."""
    for number in range(24):
        new_member(f"Member {number:02d}", f"member{number:02d}")
    browser = client_for(bob)
    first = browser.get("/members")
    assert "Member 00" in page_text(first) and "Member 18" in page_text(first) and "Member 19" not in page_text(first)
    assert "Previous page" not in page_text(first)  # A to Z: Bob Morgan comes first
    second = browser.get(_link(first, "Next page"))
    assert "Member 19" in page_text(second) and "Member 23" in page_text(second) and "Member 18" not in page_text(second)
    assert "Next page" not in page_text(second)
    assert "Member 00" in page_text(browser.get(_link(second, "Previous page")))
    searched = browser.get("/members?q=Member")
    next_searched = _link(searched, "Next page")
    assert "q=Member" in next_searched
    assert "20 members" not in page_text(searched) and "24 members found" in page_text(searched)
    assert "Member 23" in page_text(browser.get(next_searched))


@pytest.mark.both_backends  # PostgreSQL lowers Ŵ, SQLite does not: the key is what each sorts by
def test_a_name_with_dots_and_welsh_letters_at_the_foot_of_a_page_is_where_the_next_begins(bob, client_for):
    for number in range(18):
        new_member(f"Aaron {number:02d}", f"aaron{number:02d}")
    new_member("Bryn Ŵ. Ifan", "bryn")  # the 20th, after Bob Morgan: the key carries his name
    new_member("Ceri Dafydd", "ceri")
    browser = client_for(bob)
    first = browser.get("/members")
    assert "Bryn Ŵ. Ifan" in page_text(first) and "Ceri Dafydd" not in page_text(first)
    second = page_text(browser.get(_link(first, "Next page")))
    assert "Ceri Dafydd" in second and "Bryn Ŵ. Ifan" not in second and "Aaron" not in second


@pytest.mark.both_backends  # PostgreSQL cannot hold a NUL in text: it must never reach it
def test_a_mangled_next_page_address_shows_the_directory_from_the_start(bob, client_for):
    browser = client_for(bob)
    for query in ("older=AA.1", "newer=AA.1", "older=!!.1", "older=QQ", "newer=QWxpY2U.0"):  # AA is a NUL in base64
        assert "Bob Morgan" in page_text(browser.get(f"/members?{query}")), query


def _link(response, text):
    match = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(text) + "</a>", response.get_data(as_text=True))
    assert match, f"no {text!r} link"
    return match.group(1).replace("&amp;", "&")


def test_a_member_who_asked_to_delete_their_account_is_not_listed(alice, bob, client_for):
    my_data.request_deletion(alice, "keep")
    assert "Alice Morgan" not in page_text(client_for(bob).get("/members"))


def _fill(start, count):
    for number in range(start, start + count):
        member = new_member(f"Neighbour {number:02d}", f"neighbour{number:02d}", Role.LIVING_WITH_DEMENTIA)
        write_profile(member, town="Chester", interests="walking")


def _measure(browser, alice):
    with count_queries() as directory:
        text = page_text(browser.get("/members?q=Chester"))
    assert "Neighbour 00" in text
    with count_queries() as profile:
        assert "Chester" in page_text(browser.get(f"/members/{alice.id}"))
    return directory.count, profile.count


def test_the_directory_and_a_profile_load_in_the_same_number_of_queries_for_3_and_30_members(alice, bob, client_for):
    write_profile(alice, town="Chester")
    connections.accept(alice, connections.ask(bob, alice))
    browser = client_for(bob)
    browser.get("/members")  # warm up (the first request loads templates)
    _fill(0, 3)
    with_three = _measure(browser, alice)
    _fill(3, 27)
    with_thirty = _measure(browser, alice)
    assert with_three == with_thirty
    next_page = _link(browser.get("/members?q=Chester"), "Next page")
    with assert_max_queries(6):
        assert "Neighbour" in page_text(browser.get(next_page))
    with assert_max_queries(12):  # 8, the three private-message checks for "Send a message", and mute
        browser.get(f"/members/{alice.id}")
