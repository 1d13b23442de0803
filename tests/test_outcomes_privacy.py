"""Nobody can be picked out of the outcomes: the rule (services/outcomes.py says why) and the
attacks that try to narrow a figure to one person, each of which must fail."""
from datetime import datetime, timezone

import pytest

from app.extensions import db
from app.models import Role
from app.services import outcomes
from tests.meetups_support import hope_dementia_care
from tests.outcomes_support import VIEWED_ON, at, chester_town, meetup_on, people, take_places
from tests.test_outcomes import FEWER, HIDDEN, figures_for


def test_counts_below_five_and_zero_look_the_same_and_the_rest_are_rounded_to_fives():
    assert {outcomes.people_text(n) for n in range(5)} == {FEWER}
    for n in range(5, 500):
        shown = int(outcomes.people_text(n))
        assert shown % 5 == 0 and abs(shown - n) <= 2


def test_one_more_person_never_changes_a_figure_by_one():
    """Two overlapping periods or areas that differ by one person differ by 0 or 5, never 1:
    a difference of 5 fits anywhere from 1 to 9 people, so it cannot point to anyone."""
    for n in range(0, 500):
        before, after = outcomes.people_text(n), outcomes.people_text(n + 1)
        if FEWER in (before, after):
            assert after in (FEWER, "5")
        else:
            assert int(after) - int(before) in (0, 5)


def test_things_done_by_fewer_than_five_people_are_not_shown_however_many_there_are():
    assert outcomes.things_text(400, people=1) == HIDDEN
    assert outcomes.things_text(400, people=5) == "400"
    assert outcomes.share_text(4, 100) == HIDDEN  # the four would show through the share
    assert outcomes.median_hours_text([1.0, 2.0, 3.0, 4.0]) == HIDDEN


@pytest.fixture
def hope_org(hope, root):
    return hope_dementia_care(hope, root)


def _values(figures):
    return {key: value for key, value in figures.items() if key[1] != "Meet-ups held"}


def test_a_small_area_with_one_person_shows_nothing_about_her(hope_org, hope, alice, root, client_for):
    """Alice is the only person at the Hoole meet-up (CH2). Asking for CH2 alone shows only
    "fewer than 5", exactly as for a district where nobody went."""
    hoole = meetup_on(hope, hope_org, "2026-02-10", postcode="ch2 3aa")
    take_places([alice], hoole)
    alone = figures_for(client_for(root), first="2026-02", last="2026-02", area="district:CH2")
    nobody = figures_for(client_for(root), first="2026-02", last="2026-02", area="district:CH3")
    assert set(_values(alone).values()) <= {FEWER, HIDDEN}
    assert _values(alone) == _values(nobody)
    assert alone[("Meet-ups", "Meet-ups held")] == "1"  # a public listing, not a person


def test_a_period_shorter_than_a_month_or_not_yet_finished_cannot_be_asked_for(hope_org, root, client_for):
    client = client_for(root)
    with at(VIEWED_ON):
        for first, last in (("2026-03-01", "2026-03-02"), ("2026-04", "2026-04"), ("2026-03", "2026-05")):
            response = client.get("/outcomes/report.csv", query_string={"first": first, "last": last})
            assert response.status_code == 400
            assert "Choose a month that has finished, from the lists." in response.get_data(as_text=True)


def test_a_finished_month_reads_the_same_the_next_day_whatever_happened_since(hope_org, hope, root, client_for):
    """Watching a figure change from one day to the next would show one person's doing."""
    carers = people(9, Role.CARER, "2026-03-02 09:00:00+00:00", "Carer")
    march = meetup_on(hope, hope_org, "2026-03-10")
    take_places(carers, march, "2026-03-03 09:00:00+00:00")
    client = client_for(root)
    with at("2026-04-15 10:00:00+00:00"):
        on_the_15th = client.get("/outcomes/report.csv", query_string={"first": "2026-03", "last": "2026-03"}).get_data(as_text=True)
    late = people(1, Role.CARER, "2026-04-15 12:00:00+00:00", "Latecomer")  # joins after the month
    april = meetup_on(hope, hope_org, "2026-04-20", listed="2026-04-15 12:00:00+00:00")
    take_places(carers + late, april, "2026-04-15 12:30:00+00:00")  # the same people, and one more, in April
    with at("2026-04-16 10:00:00+00:00"):
        on_the_16th = client.get("/outcomes/report.csv", query_string={"first": "2026-03", "last": "2026-03"}).get_data(as_text=True)

    def without_date(report):
        return [line for line in report.splitlines() if not line.startswith("Made on")]

    assert "Meet-ups,People who had a place,10," in on_the_16th  # nine
    assert without_date(on_the_16th) == without_date(on_the_15th)


def test_two_overlapping_periods_cannot_be_subtracted_to_find_bob(hope_org, hope, bob, root, client_for):
    """Ten carers joined in February; Bob is the only one who joined in March. February and
    February-to-March show the same figure, and March alone shows only "fewer than 5"."""
    carers = people(10, Role.CARER, "2026-02-02 09:00:00+00:00", "Carer")
    bob.created_at = datetime(2026, 3, 4, 9, tzinfo=timezone.utc)  # Bob joined in March
    db.session.commit()
    march = meetup_on(hope, hope_org, "2026-03-10")
    take_places(carers, march, "2026-02-20 09:00:00+00:00")
    take_places([bob], march, "2026-03-05 09:00:00+00:00")
    client = client_for(root)
    joined = ("Members", "Carers who joined")
    february = figures_for(client, first="2026-02", last="2026-02", area="district:CH1")
    both = figures_for(client, first="2026-02", last="2026-03", area="district:CH1")
    only_march = figures_for(client, first="2026-03", last="2026-03", area="district:CH1")
    assert (february[joined], both[joined], only_march[joined]) == ("10", "10", FEWER)


def test_a_council_minus_one_of_its_districts_does_not_show_the_one_person_in_the_other(hope_org, hope, bob, root, client_for):
    """Ten carers meet in CH1; Bob alone meets in CH2. Cheshire West and Chester (both) and
    CH1 show the same; CH2 shows "fewer than 5"."""
    carers = people(10, Role.CARER, "2026-02-02 09:00:00+00:00", "Carer")
    take_places(carers, meetup_on(hope, hope_org, "2026-02-10"), "2026-02-03 09:00:00+00:00")
    take_places([bob], meetup_on(hope, hope_org, "2026-02-11", postcode="ch2 3aa"), "2026-02-03 09:00:00+00:00")
    client = client_for(root)
    had_place = ("Meet-ups", "People who had a place")
    council = figures_for(client, first="2026-02", last="2026-02", area="authority:Cheshire West and Chester")
    chester = figures_for(client, first="2026-02", last="2026-02", area="district:CH1")
    hoole = figures_for(client, first="2026-02", last="2026-02", area="district:CH2")
    assert (council[had_place], chester[had_place], hoole[had_place]) == ("10", "10", FEWER)


def test_the_page_names_nobody_and_quotes_nothing_anyone_wrote(root, hope, maya, client_for):
    chester_town(root, hope, maya)
    with at(VIEWED_ON):
        text = client_for(root).get("/outcomes").get_data(as_text=True)
    for private in ("Carer 1", "Person 1", "Helper", "Maya Patel", "I am new here", "lovely to meet you", "Please check"):
        assert private not in text
