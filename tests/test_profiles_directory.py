"""The members directory: for members only, searchable by name, town or interest, paged,
and never matching on something the searcher is not allowed to see."""
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
    for number in range(24):
        new_member(f"Member {number:02d}", f"member{number:02d}")
    browser = client_for(bob)
    first = page_text(browser.get("/members"))
    assert "Page 1 of 2" in first
    assert "Member 00" in first and "Member 19" not in first  # A to Z: Bob Morgan comes first
    second = page_text(browser.get("/members?page=2"))
    assert "Page 2 of 2" in second and "Member 23" in second and "Member 00" not in second


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
    with assert_max_queries(6):
        browser.get("/members?q=Chester&page=2")
    with assert_max_queries(12):  # 8, the three private-message checks for "Send a message", and mute
        browser.get(f"/members/{alice.id}")
