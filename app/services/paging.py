"""Keyset paging: a list is read from just past the key of the row at the edge of the page shown,
never by OFFSET (the standard; issue 15).

"Older" carries the key of the last row shown, "Newer" the key of the first. So page 300 of a
category costs what its first page costs (OFFSET made PostgreSQL build and throw away every row
before the page: 55-61 ms against 11 ms at 6,000 threads), and a thread bumped to the top while
someone reads does not push a row they have already seen onto the next page, or one they have not
seen off it.

A key is written in the address as its parts joined by dots ("0.1764583200123456.812"); anything
that does not read back as a key of the right shape is treated as no key at all, so a mistyped or
old address shows the newest page rather than an error.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Sequence

import sqlalchemy as sa

from app.extensions import db

FIRST, OLDER, NEWER = "first", "older", "newer"

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_LARGEST_ID = 2**31 - 1  # PostgreSQL's integer keys
_LARGEST_PAGE_NUMBER = 1_000_000


@dataclass(frozen=True)
class KeyPart:
    """How one column of a key is written into an address and read back (None: not readable)."""

    write: Callable[[object], str]
    read: Callable[[str], object]


def _read_flag(text: str):
    return {"0": False, "1": True}[text]


def _read_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= _LARGEST_ID:
        raise ValueError(text)
    return int(text)


def _read_time(text: str) -> datetime:
    if not text.lstrip("-").isdigit():
        raise ValueError(text)
    return _EPOCH + int(text) * _MICROSECOND


def _write_text(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _read_text(text: str) -> str:
    value = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    if not value.isprintable():  # a NUL or other control character, hidden from app/cleaning.py inside the base64
        raise ValueError(text)
    return value


FLAG = KeyPart(lambda value: "1" if value else "0", _read_flag)
ID = KeyPart(str, _read_id)
# Microseconds since 1970 in UTC: exact (a float of seconds would round) and short.
TIME = KeyPart(lambda value: str((value - _EPOCH) // _MICROSECOND), _read_time)
# Words (a name to sort by) in URL-safe base64, which has no dots and nothing to escape.
TEXT = KeyPart(_write_text, _read_text)


@dataclass(frozen=True)
class KeyFormat:
    parts: tuple[KeyPart, ...]

    def write(self, values: Sequence) -> str:
        return ".".join(part.write(value) for part, value in zip(self.parts, values, strict=True))

    def read(self, text: str | None) -> tuple | None:
        if not text or len(text) > 1000:
            return None
        pieces = text.split(".")
        if len(pieces) != len(self.parts):
            return None
        try:
            return tuple(part.read(piece) for part, piece in zip(self.parts, pieces))
        except (KeyError, ValueError, OverflowError, binascii.Error):  # UnicodeDecodeError is a ValueError
            return None


@dataclass(frozen=True)
class Position:
    """Where in the list to read: the newest page, or the rows older or newer than a key.

    number is the page's number as the reader counted it (1 is the newest page): the links carry it
    so that a page can say "Page 3" and be told apart from the others in its title, which helps a
    reader who lost their place. It is only counted, never used to find rows, so if rows arrive
    while someone reads it may be a page out."""

    direction: str = FIRST
    key: tuple | None = None
    number: int = 1

    @classmethod
    def from_args(cls, args, key_format: KeyFormat) -> "Position":
        """From an address's ?older=KEY or ?newer=KEY (and ?page=N); the newest page for anything else."""
        for direction in (OLDER, NEWER):
            key = key_format.read(args.get(direction))
            if key is not None:
                number = args.get("page", type=int) or 2
                return cls(direction, key, min(max(number, 2), _LARGEST_PAGE_NUMBER))
        return cls()


@dataclass
class KeysetPage:
    rows: list
    newer: str | None  # the key to read the rows before these (None: these are the newest)
    older: str | None  # the key to read the rows after these (None: nothing older)
    number: int = 1  # as the reader counted (Position.number)

    @property
    def is_first(self) -> bool:
        return self.newer is None


def in_order_from_key(statement, columns: Sequence, direction: str, *, descending: bool = True):
    """The statement in the direction's order, from just past the key bound as parameters key_0,
    key_1, ... (key_parameters). The list reads newest first (descending), or A to Z; NEWER reads
    back the other way. A row comparison, so that an index on the columns is walked from the key:
    (a, b, c) < (:key_0, :key_1, :key_2)."""
    forwards = direction != NEWER
    in_order = [column.desc() if descending == forwards else column.asc() for column in columns]
    if direction == FIRST:
        return statement.order_by(*in_order)
    row = sa.tuple_(*columns)
    key = sa.tuple_(*(sa.bindparam(f"key_{n}", type_=column.type) for n, column in enumerate(columns)))
    return statement.where(row < key if descending == forwards else row > key).order_by(*in_order)


def key_parameters(key: tuple | None) -> dict:
    return {f"key_{n}": value for n, value in enumerate(key or ())}


# fetch(direction, key, how_many) returns rows in reading order for OLDER and FIRST (newest
# first, or A to Z) and the other way for NEWER, so that each is a plain index walk away from the
# key. In an A-to-Z list "older" means later in the alphabet.
Fetch = Callable[[str, "tuple | None", int], list]


def read_page(fetch: Fetch, key_of: Callable[[object], Sequence], key_format: KeyFormat,
              position: Position, per_page: int) -> KeysetPage:
    """One page of a list (newest first, or A to Z), reading one row more than it shows to know
    whether there is another page in that direction (one statement; two only when "Newer" reaches
    the top)."""
    def key(row) -> str:
        return key_format.write(key_of(row))

    if position.direction == NEWER:
        rows = fetch(NEWER, position.key, per_page + 1)
        if len(rows) > per_page:
            rows = rows[:per_page][::-1]
            return KeysetPage(rows, newer=key(rows[0]), older=key(rows[-1]), number=position.number)
        # Fewer than a page is newer: that is the newest page, shown whole rather than short.
        position = Position()
    if position.direction == OLDER:
        rows = fetch(OLDER, position.key, per_page + 1)
        if rows:
            return KeysetPage(rows[:per_page], newer=key(rows[0]), older=key(rows[per_page - 1]) if len(rows) > per_page else None,
                              number=position.number)
        # Nothing older (the rows past the key were deleted since): the newest page, not an empty one.
    rows = fetch(FIRST, None, per_page + 1)
    return KeysetPage(rows[:per_page], newer=None, older=key(rows[per_page - 1]) if len(rows) > per_page else None)


def read_rows(statement, columns: Sequence, key_format: KeyFormat, position: Position, per_page: int) -> KeysetPage:
    """read_page for a statement of one kind of record, newest first by these of its columns (the
    key is read back from each record by the columns' names)."""
    def fetch(direction: str, key: tuple | None, how_many: int) -> list:
        ordered = in_order_from_key(statement, columns, direction).limit(how_many)
        return list(db.session.scalars(ordered, key_parameters(key)).unique())

    return read_page(fetch, lambda row: tuple(getattr(row, column.key) for column in columns), key_format, position, per_page)
