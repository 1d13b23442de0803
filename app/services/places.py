"""UK postcodes and distances: checking and tidying postcodes, and finding places from shipped data."""
import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.services.errors import Invalid

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "outcodes.csv"

# The Royal Mail shapes: outward code (area, district) then inward code (sector, unit).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class Place:
    name: str
    outcode: str
    latitude: float
    longitude: float


def normalise_postcode(text: str) -> str:
    """'ch1 2ab' -> 'CH1 2AB'. Raises Invalid when it is not a UK postcode."""
    squashed = re.sub(r"\s+", "", (text or "").upper())
    match = _POSTCODE.match(squashed)
    if not match:
        raise Invalid("Enter a full UK postcode, like CH1 2AB.", field="postcode")
    return f"{match.group(1)} {match.group(2)}"


def outcode_of(postcode: str) -> str:
    return postcode.split(" ")[0]


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, Place], dict[str, Place]]:
    by_outcode: dict[str, Place] = {}
    by_name: dict[str, Place] = {}
    with DATA_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            place = Place(row["place"], row["outcode"], float(row["latitude"]), float(row["longitude"]))
            by_outcode[place.outcode] = place
            # "Chester (Hoole and Upton)" is also found as "Chester", but the first row wins.
            for name in {place.name.lower(), place.name.split(" (")[0].lower()}:
                by_name.setdefault(name, place)
    return by_outcode, by_name


def locate_postcode(postcode: str) -> Place | None:
    """The centre of a postcode's district, when we have it."""
    by_outcode, _ = _places()
    return by_outcode.get(outcode_of(postcode))


def find_place(text: str) -> Place | None:
    """A town, a postcode district (CH1) or a full postcode, from the shipped data."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return None
    by_outcode, by_name = _places()
    squashed = cleaned.upper().replace(" ", "")
    if _OUTCODE.match(squashed) and squashed in by_outcode:
        return by_outcode[squashed]
    match = _POSTCODE.match(squashed)
    if match:
        return by_outcode.get(match.group(1))
    return by_name.get(cleaned.lower())


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


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
    """Every area a person can choose: everywhere, each local authority, then each district."""
    by_outcode, _ = _places()
    authorities = [Area(f"authority:{name}", name, frozenset(codes)) for name, codes in _authorities().items()]
    districts = [Area(f"district:{code}", f"{code} ({place.name})", frozenset({code})) for code, place in by_outcode.items()]
    return [EVERYWHERE, *authorities, *districts]


def area_of(key: str) -> Area | None:
    """The one way to turn a chosen area into postcode districts (UK-wide place data can replace it)."""
    return next((area for area in area_choices() if area.key == (key or "")), None)
