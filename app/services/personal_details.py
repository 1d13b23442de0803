"""Finding personal details in what a member wrote: phone numbers (UK and international, also in
digits spaced out or written in words), email addresses, bank sort codes and account numbers, card
numbers (Luhn), National Insurance numbers and full postal addresses with a postcode.

Public support lines (app/data/safety/helplines.csv) and numbers a verified organisation shows on its
own page are not personal details: sharing them is the point.

Every pattern here runs in linear time: no nested or overlapping quantifiers, and runs of letters
are anchored at their start (a look-behind), so a hostile 2,000-character message costs
milliseconds (tests/test_safety_detector.py holds a time bound).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import phonenumbers

HELPLINES_FILE = Path(__file__).resolve().parent.parent / "data" / "safety" / "helplines.csv"
REGION = "GB"


@dataclass(frozen=True)
class Helpline:
    name: str
    number: str
    source: str


@lru_cache(maxsize=1)
def helplines() -> tuple[Helpline, ...]:
    with HELPLINES_FILE.open(newline="", encoding="utf-8") as handle:
        return tuple(Helpline(row["name"], row["number"], row["source"]) for row in csv.DictReader(handle))


def number_key(number: str) -> str:
    """One spelling of a number for comparing: digits only, +44 / 0044 written as a leading 0."""
    digits = re.sub(r"\D", "", number or "")
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) >= 12:
        digits = "0" + digits[2:]
    return digits


@lru_cache(maxsize=1)
def helpline_keys() -> frozenset[str]:
    return frozenset(number_key(line.number) for line in helplines())


# ---- Normalising --------------------------------------------------------------------------------

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "nil": "0", "one": "1", "two": "2", "three": "3",
    "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}
_REPEAT_WORDS = {"double": 2, "treble": 3, "triple": 3}
_TOKEN = re.compile(r"[a-z]+|\d+|\+")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().replace("’", "'").replace("‘", "'")


def spoken_numbers(folded: str) -> list[tuple[int, str]]:
    """Runs of digits written in words or spaced out, with where they start:
    "oh seven seven double oh nine ..." -> (n, "077009...")."""
    runs, current = [], []
    repeat, start = 1, 0
    for match in _TOKEN.finditer(folded):
        token = match.group(0)
        if token in _REPEAT_WORDS:
            repeat = _REPEAT_WORDS[token]
            continue
        if token in _DIGIT_WORDS or token.isdigit() or (token == "+" and not current):
            if not current:
                start = match.start()
            value = "+" if token == "+" else _DIGIT_WORDS.get(token, token)
            current.append(value * repeat if value != "+" else value)
            repeat = 1
            continue
        if token in ("and", "then", "dash"):
            continue
        if current:
            runs.append((start, "".join(current)))
        current, repeat = [], 1
    if current:
        runs.append((start, "".join(current)))
    return [(start, run) for start, run in runs if len(run.lstrip("+")) >= 9]


# ---- The detectors ------------------------------------------------------------------------------


def _luhn(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


_HELPLINE_WORDS = re.compile(
    r"helpline|help line|support line|advice line|infoline|freephone|free to call|free phone|charity|"
    r"samaritans|age uk|dementia uk|alzheimer|carers uk|citizens advice|nhs|council|surgery|gp|pharmacy|"
    r"hospital|police|action fraud|switchboard|reception|office|line is open|lines are open"
)
_PUBLIC_PREFIXES = ("080", "03", "0845", "0843", "0844", "0870", "0871")


def _is_public_line(key: str, before: str) -> bool:
    """A freephone or national-rate number introduced as a helpline, a surgery or a council."""
    return key.startswith(_PUBLIC_PREFIXES) and bool(_HELPLINE_WORDS.search(before[-80:]))


def _phone_numbers(text: str, folded: str, allowed: frozenset[str]) -> list[str]:
    found = []
    known = helpline_keys() | allowed
    for match in phonenumbers.PhoneNumberMatcher(text, REGION, leniency=phonenumbers.Leniency.POSSIBLE, max_tries=200):
        number = match.number
        if not phonenumbers.is_possible_number(number):
            continue
        key = number_key(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        if number.country_code == 44:
            key = "0" + str(number.national_number)
        if key in known or number_key(match.raw_string) in known or _is_public_line(key, folded[: match.start]):
            continue
        if not _plausible(number, key):
            continue
        found.append(match.raw_string)
    for start, run in spoken_numbers(folded):
        try:
            number = phonenumbers.parse(run, REGION)
        except phonenumbers.NumberParseException:
            continue
        key = "0" + str(number.national_number) if number.country_code == 44 else number_key(run)
        if key in known or key in {number_key(item) for item in found} or _is_public_line(key, folded[:start]):
            continue
        if _plausible(number, key):
            found.append(run)
    return found


_UK_SHAPE = re.compile(r"0(?:7\d{9}|[12]\d{8,9}|3\d{9}|8\d{8,9}|9\d{9})")


def _plausible(number, key: str) -> bool:
    """UK numbers by their shape (the library calls Ofcom's drama ranges, 07700 900xxx, invalid,
    but scammers and members use any number); other countries by the library's rules."""
    if number.country_code == 44:
        return bool(_UK_SHAPE.fullmatch(key))
    return phonenumbers.is_valid_number(number)


# Letters and digits before an @: anchored at the start of the run, so a long run is read once.
_EMAIL = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,6}")
_TLD = r"(?:com|org|net|co|uk|info|me|io|ie|biz|us|ca|au|de|fr|es|it|nl|ng|gh|za|in|ph)(?![a-z0-9])"
_DOT_WORDS = re.compile(r"\s*(?:\(dot\)|\[dot\]|\{dot\})\s*|\s+dot\s+")
_AT_WORDS = re.compile(r"\s*(?:\(at\)|\[at\]|\{at\})\s*|\s+at\s+(?=[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,3}\." + _TLD + ")")
_EMAIL_DOMAIN_END = re.compile(r"\.(?:com|org|net|uk|co\.uk|org\.uk|info|me|io|ie|biz|us|ca|au|de|fr|es|it|nl|ng|gh|za|in|ph)$")


def _emails(folded: str) -> list[str]:
    found = [m.group(0) for m in _EMAIL.finditer(folded) if "." in m.group(0).split("@", 1)[1]]
    if not found and re.search(r"\bat\b|\(at\)|\[at\]|\{at\}", folded):
        spelled = _AT_WORDS.sub("@", _DOT_WORDS.sub(".", folded))
        found = [m.group(0) for m in _EMAIL.finditer(spelled) if _EMAIL_DOMAIN_END.search(m.group(0))]
    return found


_BANK_WORDS = re.compile(r"\bsort ?code\b|\bbank\b(?! holiday)|\baccount\b|\bacc(?:t)?\b|\ba/c\b|\bbarclays|\blloyds|\bnatwest|\bhsbc|\bsantander|\bnationwide|\bhalifax|\bmonzo|\bstarling")
_SORT_CODE = re.compile(r"(?<![\d-])\d\d[- ]\d\d[- ]\d\d(?![\d-])|(?<!\d)\d{6}(?!\d)")
_ACCOUNT = re.compile(r"(?<!\d)\d{8}(?!\d)")
_DIGIT_GROUPS = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?!\d)")
_NI = re.compile(r"(?<![a-z0-9])[a-z]{2} ?\d\d ?\d\d ?\d\d ?[a-d](?![a-z0-9])")
_POSTCODE = re.compile(r"(?<![a-z0-9])[a-z]{1,2}\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2}(?![a-z0-9])")
_STREET = re.compile(
    r"(?<![a-z0-9])\d{1,4}[a-z]? (?:[a-z']+ ){1,4}(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|grove|"
    r"place|gardens|court|terrace|park|hill|row|mews|square|walk|view|rise|green|parade)(?![a-z])"
    r"|(?<![a-z0-9])\d{1,4}[a-z]? (?:heol|ffordd|stryd|lon|rue) [a-z]"
)


def _bank(folded: str) -> list[str]:
    if not _BANK_WORDS.search(folded):
        return []
    found = [m.group(0) for m in _SORT_CODE.finditer(folded) if "-" in m.group(0) or " " in m.group(0) or "sort" in folded]
    found += [m.group(0) for m in _ACCOUNT.finditer(folded)]
    return found


def _cards(folded: str) -> list[str]:
    found = []
    for match in _DIGIT_GROUPS.finditer(folded):
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and _luhn(digits):
            found.append(match.group(0))
    return found


def _addresses(folded: str) -> list[str]:
    if not _POSTCODE.search(folded):
        return []
    return [m.group(0) for m in _STREET.finditer(folded)][:1]


@dataclass
class Found:
    kind: str  # "phone number", "email address", ...
    text: str


def find(text: str, allowed_numbers: frozenset[str] = frozenset()) -> list[Found]:
    """Every personal detail in the text, for the reasons shown to moderators."""
    text = unicodedata.normalize("NFKC", text or "")
    folded = fold(text)
    found = [Found("phone number", raw) for raw in _phone_numbers(text, folded, allowed_numbers)]
    found += [Found("email address", raw) for raw in _emails(folded)]
    found += [Found("bank details", raw) for raw in _bank(folded)]
    found += [Found("card number", raw) for raw in _cards(folded)]
    found += [Found("National Insurance number", m.group(0)) for m in _NI.finditer(folded)]
    found += [Found("home address", raw) for raw in _addresses(folded)]
    return found


def numbers_in(text: str) -> frozenset[str]:
    """The phone numbers a verified organisation shows on its own page, as keys to allow."""
    keys = set()
    for match in phonenumbers.PhoneNumberMatcher(unicodedata.normalize("NFKC", text or ""), REGION, max_tries=200):
        number = match.number
        keys.add("0" + str(number.national_number) if number.country_code == 44 else number_key(match.raw_string))
    return frozenset(keys)


@lru_cache(maxsize=1)
def _helpline_pattern():
    numbers = sorted({re.sub(r"\D", "", line.number) for line in helplines()}, key=len, reverse=True)
    spelled = [r"[ -]?".join(digits) for digits in numbers]
    return re.compile(r"(?<![\d+])(?:" + "|".join(spelled) + r")(?!\d)")


def mask_public_numbers(text: str, allowed_numbers: frozenset[str] = frozenset()) -> str:
    """The text with public helplines (and the allowed numbers) written as the word "helpline", for the
    model: a list of support lines is not a member sharing their number."""
    text = _helpline_pattern().sub(" helpline ", unicodedata.normalize("NFKC", text or ""))
    if allowed_numbers:
        for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, REGION, max_tries=200))):
            number = match.number
            key = "0" + str(number.national_number) if number.country_code == 44 else number_key(match.raw_string)
            if key in allowed_numbers:
                text = text[: match.start] + " helpline " + text[match.end:]
    return text
