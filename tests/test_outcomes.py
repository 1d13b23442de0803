"""Outcomes for partners and commissioners: every figure for a known town, who may see them,
the CSV and the printed report, and the page in a fixed number of queries."""
import csv
import io
import re

import pytest

from app.models import Role
from app.services import accounts, organisations
from tests.helpers import CAST_PASSWORD, assert_max_queries, count_queries, page_text
from tests.outcomes_support import VIEWED_ON, at, chester_town

FEWER = "fewer than 5"
HIDDEN = "not shown: fewer than 5 people"


@pytest.fixture
def app_overrides():
    # The town's first posts go straight up, so the welcome figures are about replies, not approval.
    return {"MODERATION_FIRST_POSTS_HELD": 0}


@pytest.fixture
def town(root, hope, maya):
    return chester_town(root, hope, maya)


def read_csv(response) -> tuple[dict, dict]:
    """(what the report covers, {(section, figure): value}) read back by Python's csv module."""
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header = rows.index(["Section", "Figure", "Value", "Definition"])
    about = {row[0]: row[1] for row in rows[1:header] if len(row) == 2}
    figures = {(row[0], row[1]): row[2] for row in rows[header + 1:]}
    definitions = {row[1]: row[3] for row in rows[header + 1:]}
    assert all(definitions.values()), "every figure says what it counts"
    return about, figures


def figures_for(client, **choice) -> dict:
    with at(VIEWED_ON):
        return read_csv(client.get("/outcomes/report.csv", query_string=choice))[1]


def test_root_sees_every_figure_for_the_first_three_months_of_2026(town, root, client_for):
    figures = figures_for(client_for(root))
    assert figures == {
        ("Members", "People living with dementia who joined"): "5",
        ("Members", "Carers who joined"): "5",  # seven, rounded to the nearest 5
        ("Members", "Volunteers who joined"): FEWER,  # two
        ("Members", "People living with dementia who took part"): "5",
        ("Members", "Carers who took part"): "5",
        ("Members", "Volunteers who took part"): FEWER,  # the two helpers and Maya
        ("Meet-ups", "Meet-ups held"): "3",
        ("Meet-ups", "People who had a place"): "10",  # twelve: two gave their places up
        ("Meet-ups", "Places taken"): "25",  # 17 + 6 + 2, with the carers' companions
        ("Meet-ups", "People who came back"): "5",  # six
        ("Meet-ups", "Share of people who came back"): "about 50%",
        ("Connections", "Connections made"): "5",
        ("Connections", "Circles of support formed"): HIDDEN,
        ("Welcome", "New members who started a conversation"): "5",
        ("Welcome", "New members who got a reply"): "5",
        ("Welcome", "Share who got a reply"): "about 100%",
        ("Welcome", "Time to a first reply (median)"): "about 3 hours",
        ("Forums and chat", "People who wrote in the forums"): "5",  # seven
        ("Forums and chat", "Forum posts"): "10",
        ("Forums and chat", "People who chatted"): FEWER,
        ("Forums and chat", "Chat messages"): HIDDEN,
        ("Safety", "Reports from members"): "10",
        ("Safety", "Cases for the volunteers"): "10",
        ("Safety", "Safety cases"): HIDDEN,
        ("Safety", "Cases decided"): "10",
        ("Safety", "Share decided in time"): "about 50%",  # five within the hour, five the next day
        ("Reminders", "Reminders sent"): "10",  # twelve
        ("Reminders", "Places kept after a reminder"): "about 100%",  # ten of twelve, from the rounded counts
        ("Wellbeing check-ins", "People who answered twice or more"): "5",  # six
        ("Wellbeing check-ins", "Felt lonely less often"): FEWER,  # three
        ("Wellbeing check-ins", "Felt lonely about as often"): FEWER,
        ("Wellbeing check-ins", "Felt lonely more often"): FEWER,
    }


def test_one_postcode_district_counts_the_people_who_came_to_meet_ups_there(town, root, client_for):
    figures = figures_for(client_for(root), first="2026-01", last="2026-03", area="district:CH1")
    assert figures[("Meet-ups", "Meet-ups held")] == "2"  # not the Wirral one
    assert figures[("Meet-ups", "Places taken")] == "25"  # 17 + 6: twenty-three without the helpers
    assert figures[("Meet-ups", "People who had a place")] == "10"  # ten without the helpers
    assert figures[("Members", "Volunteers who took part")] == FEWER  # nobody: the helpers met on the Wirral
    wirral = figures_for(client_for(root), first="2026-01", last="2026-03", area="authority:Wirral")
    assert wirral[("Meet-ups", "Meet-ups held")] == "1"
    assert wirral[("Meet-ups", "People who had a place")] == FEWER
    cheshire = figures_for(client_for(root), first="2026-01", last="2026-03", area="authority:Cheshire West and Chester")
    assert cheshire == figures


def test_hope_sees_only_her_organisations_meet_ups(town, hope, root, client_for):
    assert "See outcomes for funders" in page_text(client_for(hope).get("/"))
    figures = figures_for(client_for(hope))
    assert figures[("Meet-ups", "Meet-ups held")] == "3"
    # Maya never asked for a place at Hope's meet-ups, so her replies are not Hope's to count.
    assert figures[("Forums and chat", "Forum posts")] == "5"  # six: five threads and one carer's reply

    willow = accounts.register("Willow Trust", "willow@example.org", CAST_PASSWORD, Role.ORGANISATION, confirmed=True)
    accounts.decide_approval(root, willow, approve=True, reason="Registered charity")
    organisations.verify(root, organisations.create(willow, name="Willow Trust", kind="charity", registration="7654321",
                                                    website="", description="Walks.", contact_email="", contact_phone=""),
                         approve=True, reason="Checked")
    theirs = figures_for(client_for(willow))
    assert theirs[("Meet-ups", "Meet-ups held")] == "0"
    assert {theirs[key] for key in theirs if key[1] != "Meet-ups held"} <= {FEWER, HIDDEN}


def test_members_and_unchecked_partners_cannot_see_outcomes(town, alice, maya, root, client_for):
    for person in (alice, maya):
        response = client_for(person).get("/outcomes")
        assert response.status_code == 403
        assert "Outcomes for" not in page_text(response)
        assert client_for(person).get("/outcomes/report.csv").status_code == 403
    waiting = accounts.register("Oak Care", "oak@example.org", CAST_PASSWORD, Role.ORGANISATION, confirmed=True)
    assert client_for(waiting).get("/outcomes").status_code == 403  # not approved yet
    assert client_for(alice).get("/").get_data(as_text=True).count("See outcomes") == 0
    unchecked = accounts.register("Elm Care", "elm@example.org", CAST_PASSWORD, Role.ORGANISATION, confirmed=True)
    accounts.decide_approval(root, unchecked, approve=True, reason="Registered charity")
    page = page_text(client_for(unchecked).get("/outcomes"))  # approved, but no checked organisation page yet
    assert "Your organisation's page needs to be checked by Kindred before you can see outcomes." in page
    assert "Outcomes for" not in page


def test_the_page_shows_period_area_definitions_and_the_date_and_prints_without_the_form(town, root, client_for):
    with at(VIEWED_ON):
        response = client_for(root).get("/outcomes", query_string={"area": "district:CH1"})
    text = page_text(response)
    assert "Outcomes for January 2026 to March 2026" in text
    assert "Area CH1 (Chester)" in text
    assert "Made on Wednesday 15 April 2026" in text
    assert "People who came back 5 Members whose second or later meet-up took place during the period." in text
    assert "fewer than 5" in text and "rounded to the nearest 5" in text
    assert re.search(r'href="/static/css/print\.css\?v=\w+" media="print"', response.get_data(as_text=True))
    with client_for(root).application.open_resource("static/css/print.css") as sheet:
        printed = sheet.read().decode()
    assert ".outcomes .filters" in printed and "display: none" in printed  # the choices do not print


def test_the_csv_names_the_period_area_partner_and_date(town, hope, client_for):
    with at(VIEWED_ON):
        response = client_for(hope).get("/outcomes/report.csv", query_string={"first": "2026-02", "last": "2026-02", "area": "authority:Wirral"})
    about, figures = read_csv(response)
    assert about["Period"] == "February 2026"
    assert about["Area"] == "Wirral"
    assert about["Meet-ups of"] == "Hope Dementia Care"
    assert about["Made on"] == "Wednesday 15 April 2026"
    assert "rounded to the nearest 5" in about["How figures are protected"]
    assert 'filename="kindred-outcomes-2026-02-to-2026-02.csv"' in response.headers["Content-Disposition"]
    assert figures[("Meet-ups", "Meet-ups held")] == "1"


def test_a_bad_choice_gets_a_sentence_and_keeps_the_rest(town, root, client_for):
    with at(VIEWED_ON):
        response = client_for(root).get("/outcomes", query_string={"first": "2026-03", "last": "2026-01", "area": "district:CH1"})
    text = page_text(response)
    assert "Error: Outcomes" in text
    assert "The first month must come before the last month." in text
    assert '<option selected value="district:CH1">' in response.get_data(as_text=True)
    assert "Outcomes for" not in text


def test_the_page_loads_in_the_same_number_of_queries_for_a_quiet_site_and_a_busy_one(root, hope, maya, client_for):
    client = client_for(root)
    with at(VIEWED_ON):
        client.get("/outcomes")  # the first page after signing in also reads root's row, then kept
    with at(VIEWED_ON), count_queries() as quiet:
        client.get("/outcomes")
    chester_town(root, hope, maya)
    with at(VIEWED_ON), assert_max_queries(quiet.count) as busy:
        page = client.get("/outcomes")
    assert "Outcomes for January 2026 to March 2026" in page_text(page)
    assert busy.count == quiet.count <= 20


def test_wellbeing_change_counts_only_people_who_answered_twice_the_latest_in_the_period(root, client_for):
    from tests.outcomes_support import check_in, people

    better = people(5, Role.LIVING_WITH_DEMENTIA, "2026-01-02 09:00:00+00:00", "Better")
    once = people(5, Role.CARER, "2026-01-02 09:00:00+00:00", "Once")
    earlier = people(5, Role.CARER, "2026-01-02 09:00:00+00:00", "Earlier")
    for member in better:
        check_in(member, "2026-01-05 09:00:00+00:00", lonely=5)
        check_in(member, "2026-02-10 09:00:00+00:00", lonely=2)
    for member in once:
        check_in(member, "2026-02-10 09:00:00+00:00", lonely=5)
    for member in earlier:  # both answers before February, so not a change "in" February
        check_in(member, "2025-11-05 09:00:00+00:00", lonely=5)
        check_in(member, "2026-01-05 09:00:00+00:00", lonely=4)
    figures = figures_for(client_for(root), first="2026-02", last="2026-02")
    assert figures[("Wellbeing check-ins", "People who answered twice or more")] == "5"
    assert figures[("Wellbeing check-ins", "Felt lonely less often")] == "5"
    assert figures[("Wellbeing check-ins", "Felt lonely about as often")] == FEWER
    january = figures_for(client_for(root), first="2025-11", last="2026-01")
    assert january[("Wellbeing check-ins", "Felt lonely less often")] == "5"  # the earlier five


def test_a_partner_name_that_looks_like_a_formula_is_not_run_by_a_spreadsheet(root, client_for):
    trickster = accounts.register("Formula Friends", "formula@example.org", CAST_PASSWORD, Role.ORGANISATION, confirmed=True)
    accounts.decide_approval(root, trickster, approve=True, reason="Registered charity")
    organisations.verify(root, organisations.create(trickster, name='=HYPERLINK("http://evil.example","Click")', kind="charity",
                                                    registration="1", website="", description="", contact_email="",
                                                    contact_phone=""), approve=True, reason="Checked")
    with at(VIEWED_ON):
        about, _figures = read_csv(client_for(trickster).get("/outcomes/report.csv"))
    assert about["Meet-ups of"] == '\'=HYPERLINK("http://evil.example","Click")'
