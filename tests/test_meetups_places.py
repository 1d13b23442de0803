"""Meet-ups near me anywhere in the UK: a full postcode, a postcode district or a town in
England, Wales, Scotland and Northern Ireland; same-named towns ask which one; the data's credit."""
import pytest

from app.services import places
from tests.helpers import count_queries, page_text
from tests.meetups_support import hope_dementia_care, list_meetup

# Hope's charity runs a memory café in six cities. For each: the venue's postcode, a postcode
# someone searches from nearby, the town they might type, and a town about 50 miles or more away.
CAFES = {
    "Cardiff café": ("Cardiff", "CF10 1EP", "CF10 3NP", "Swindon"),
    "Leeds café": ("Leeds", "LS1 4DY", "LS1 1UR", "Lincoln"),
    "London café": ("London", "SW1A 2AA", "SW1A 1AA", "Oxford"),
    "Glasgow café": ("Glasgow", "G2 1DU", "G1 1DN", "Dundee"),
    "Belfast café": ("Belfast", "BT1 5GS", "BT7 1NN", "Derry"),
    "Truro café": ("Truro", "TR1 2HX", "TR1 2SJ", "Exeter"),
}


@pytest.fixture
def cafes(hope, root):
    org = hope_dementia_care(hope, root)
    for title, (town, postcode, _near, _far) in CAFES.items():
        list_meetup(hope, org, title=title, town=town, postcode=postcode)
    return org


def _titles(response):
    text = page_text(response)
    return {title for title in CAFES if title in text}


def test_a_full_postcode_gives_the_venues_own_point_and_a_district_or_town_its_centre():
    own = places.find_place("cf10 1ep")
    district = places.find_place("CF10")
    town = places.find_place("Cardiff")
    assert (own.name, district.name, town.name) == ("CF10 1EP", "Cardiff", "Cardiff")
    # Cardiff Central station's postcode is a few hundred yards from the district's middle, not on it.
    assert 0.05 < places.miles_between(own.latitude, own.longitude, district.latitude, district.longitude) < 1
    assert places.locate_postcode("CF10 1EP") == own
    # A postcode Code-Point Open does not list, and Northern Ireland, get the district's centre.
    assert places.locate_postcode("CF10 9ZZ") == district
    assert places.locate_postcode("BT1 5GS").name == "Belfast"
    assert places.find_place("Atlantis") is None


@pytest.mark.parametrize("title", CAFES)
def test_each_cafe_is_found_within_5_miles_of_a_postcode_and_the_town_there_but_not_from_50_miles(client, cafes, title):
    town, _postcode, nearby_postcode, far_town = CAFES[title]
    assert _titles(client.get(f"/meetups?filter=1&near={nearby_postcode}&miles=5")) == {title}
    assert _titles(client.get(f"/meetups?filter=1&near={nearby_postcode.split()[0]}&miles=5")) == {title}
    text = page_text(client.get(f"/meetups?filter=1&near={town.lower()}&miles=5"))
    assert f"1 meet-up within 5 miles of {town}" in text and title in text

    here, far = places.find_place(town), places.find_place(far_town)
    assert places.miles_between(here.latitude, here.longitude, far.latitude, far.longitude) > 50
    assert title not in page_text(client.get(f"/meetups?filter=1&near={far_town}&miles=25"))


def test_bangor_asks_which_one_and_keeps_the_other_choices(client, hope, root):
    org = hope_dementia_care(hope, root)
    list_meetup(hope, org, title="Gwynedd singing", town="Bangor", postcode="LL57 1UT")
    list_meetup(hope, org, title="County Down walk", town="Bangor", postcode="BT20 4BT")

    response = client.get("/meetups?filter=1&near=Bangor&miles=5&step_free=y")
    assert response.status_code == 302
    question = client.get(response.headers["Location"])
    text = page_text(question)
    assert "Which Bangor do you mean?" in text
    assert "Bangor, Wales" in text and "Bangor, Northern Ireland" in text
    assert "Gwynedd singing" not in text and "County Down walk" not in text

    # Plain links, no script: each keeps the distance and the step-free choice.
    html = question.get_data(as_text=True)
    wales = html.split('href="')[1:]
    link = next(part.split('"')[0] for part in wales if "Wales" in part.split('"')[0].replace("%2C", ",").replace("+", " "))
    chosen = page_text(client.get(link.replace("&amp;", "&")))
    assert "within 5 miles of Bangor" in chosen
    assert "Gwynedd singing" in chosen and "County Down walk" not in chosen

    chosen = page_text(client.get("/meetups?filter=1&near=Bangor%2C+Northern+Ireland&miles=5"))
    assert "County Down walk" in chosen and "Gwynedd singing" not in chosen


def test_in_welsh_the_choice_names_the_countries_in_welsh_and_still_finds_the_town(client, hope, root):
    list_meetup(hope, hope_dementia_care(hope, root), title="Gwynedd singing", town="Bangor", postcode="LL57 1UT")
    client.set_cookie("kindred_language", "cy")
    question = client.get("/meetups/which-place/Bangor")
    text = page_text(question)
    assert "Pa Bangor ydych chi’n ei olygu?" in text
    assert "Bangor, Cymru" in text and "Bangor, Gogledd Iwerddon" in text
    # The link still searches for the label as the data has it.
    link = next(part.split('"')[0] for part in question.get_data(as_text=True).split('href="')[1:] if "Wales" in part.split('"')[0])
    chosen = page_text(client.get(link.replace("&amp;", "&")))
    assert "o fewn 10 milltir i Bangor" in chosen and "Gwynedd singing" in chosen


def test_an_unknown_place_gets_a_clear_sentence_and_keeps_what_was_typed(client, cafes):
    response = client.get("/meetups?filter=1&near=Atlantis&miles=5")
    text = page_text(response)
    assert "We do not know a place called “Atlantis”" in text
    assert 'value="Atlantis"' in response.get_data(as_text=True)
    assert not _titles(response)


def test_the_data_is_credited_where_people_can_see_it(client):
    for path in ("/meetups", "/accessibility", "/privacy"):
        text = page_text(client.get(path))
        assert "Contains OS data © Crown copyright and database right" in text, path
        assert "Open Government Licence" in text and "GeoNames" in text, path


@pytest.mark.parametrize("near", ["Cardiff", "CF10 3NP", "BT7"])
def test_distance_search_is_the_same_few_queries_for_6_or_36_meetups(client, hope, cafes, near):
    client.get("/meetups")
    with count_queries() as few:
        client.get(f"/meetups?filter=1&near={near}&miles=25")
    for number in range(30):
        list_meetup(hope, cafes, title=f"Extra café {number}", town="Cardiff", postcode="CF10 1EP")
    with count_queries() as many:
        client.get(f"/meetups?filter=1&near={near}&miles=25")
    assert few.count == many.count <= 3


def test_the_shipped_files_cover_the_whole_uk_and_tell_same_named_towns_apart():
    districts = places._outcodes()  # noqa: SLF001 - the shipped file as the site reads it
    great_britain = [code for code in districts if not code.startswith("BT")]
    northern_ireland = [code for code in districts if code.startswith("BT")]
    assert 2850 <= len(great_britain) <= 2900 and len(northern_ireland) == 80
    assert {"AB10", "CF10", "EH1", "LL57", "PL1", "SW1A", "TR1", "ZE1", "BT1", "BT20", "BT48"} <= set(districts)
    by_name, by_label = places._towns()  # noqa: SLF001
    assert sum(len(same) for same in by_name.values()) == len(by_label)  # every label is one town
    assert {"Hull", "Londonderry", "Derry", "Lurgan"} <= {town.name for same in by_name.values() for town in same}


def test_flask_places_build_is_a_command(app):
    result = app.test_cli_runner().invoke(args=["places", "build", "--help"])
    assert result.exit_code == 0 and "Regenerate app/data/outcodes.csv and towns.csv" in result.output


def test_places_build_regenerates_the_shipped_files_exactly(tmp_path, monkeypatch):
    """Bob, a developer, rebuilds the data: the same packages give the same two files, byte for byte."""
    from app.services import places_build

    monkeypatch.setattr(places_build, "OUTCODES_FILE", tmp_path / "outcodes.csv")
    monkeypatch.setattr(places_build, "TOWNS_FILE", tmp_path / "towns.csv")
    assert places_build.build() == (2945, 5914)
    assert (tmp_path / "outcodes.csv").read_bytes() == places.DATA_FILE.read_bytes()
    assert (tmp_path / "towns.csv").read_bytes() == places.TOWNS_FILE.read_bytes()


def test_a_venue_postcode_we_cannot_place_is_questioned_not_saved_silently():
    """Hope types a postcode of the right shape that belongs nowhere: she is asked to check it,
    because the meet-up would otherwise never be found near anywhere."""
    from app.services import meetups
    from tests.meetups_support import answers

    values, errors = meetups.clean_step(3, answers(postcode="QQ1 1QQ", town="Nowhere"))
    assert errors["postcode"] == (
        "We cannot find the postcode QQ1 1QQ. Check it against the venue's address, so people nearby can find this meet-up."
    )
    values, errors = meetups.clean_step(3, answers(postcode="cf10 1ep", town="Cardiff"))
    assert "postcode" not in errors
    assert (values["postcode"], round(values["latitude"], 3), round(values["longitude"], 3)) == ("CF10 1EP", 51.476, -3.179)
