"""Reading TOML values with a key path: each bad value becomes one problem, none stops the reading.

A problem reads `FILE: key.path[2].field: expected WHAT, got WHAT`, so an operator finds the value
to fix without a stack trace. Readers return `BAD` for a value they refused (already reported).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from telcobill.errors import Invalid


class CatalogueError(Invalid):
    """The catalogue file was refused; `problems` lists every problem found, one per line."""

    code = "invalid_catalogue"

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or [message]


MISSING = object()  # a key not written in the file
BAD = object()  # a value refused (and reported)


def describe(value: object) -> str:
    """A value as the operator wrote it in TOML terms."""
    if value is MISSING:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, datetime):
        return f"a date and time {value.isoformat()}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        if value and len(value) <= 8 and all(isinstance(v, str | int) for v in value):
            return "[" + ", ".join(describe(v) for v in value) + "]"
        return "an empty list" if not value else "a list"
    return type(value).__name__


class Problems:
    """The problems found in one file, in the order found."""

    def __init__(self, filename: str):
        self.filename = filename
        self.items: list[str] = []

    def expected(self, path: str, what: str, got: object) -> None:
        self.items.append(f"{self.filename}: {path}: expected {what}, got {describe(got)}")

    def conflict(self, path: str, what: str, got: str) -> None:
        """A value that is fine alone but not with another one: `got` is already worded."""
        self.items.append(f"{self.filename}: {path}: expected {what}, got {got}")

    def raise_if_any(self) -> None:
        if self.items:
            count = len(self.items)
            header = f"{self.filename}: catalogue refused, {count} problem{'s' if count > 1 else ''}, nothing loaded:"
            raise CatalogueError("\n".join([header, *self.items]), self.items)


class Refused(Exception):
    """Raised by a check: the value does not fit (optionally with a more precise expectation)."""

    def __init__(self, what: str | None = None):
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Reader:
    """A scalar reader: `what` is what the problem says was expected."""

    what: str
    check: Callable[[object], object]

    def __call__(self, p: Problems, path: str, value: object) -> object:
        try:
            return self.check(value)
        except Refused as refused:
            p.expected(path, refused.what or self.what, value)
            return BAD


class Table:
    """One TOML table: unknown keys are reported at once, each known key read on demand."""

    def __init__(self, p: Problems, path: str, value: object, keys: tuple[str, ...]):
        self.p, self.path = p, path
        self.ok = isinstance(value, dict)
        self.data: dict = value if isinstance(value, dict) else {}
        self.keys = keys
        if not self.ok:
            p.expected(path, "a table", value)
        for key in self.data:
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                p.conflict(self.at(key), f"one of the keys {', '.join(keys)}{hint}", f'an unknown key "{key}"')

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str) -> object:
        """The value as written; an unknown key (already reported) reads as missing."""
        return self.data.get(key, MISSING) if key in self.keys else MISSING

    def get(self, key: str, read: Reader, default: object = MISSING) -> object:
        if not self.ok:
            return BAD  # not a table: already reported, its keys are not
        value = self.raw(key)
        if value is MISSING:
            if default is MISSING:
                self.p.expected(self.at(key), read.what, MISSING)
                return BAD
            return default
        return read(self.p, self.at(key), value)

    def items(self, key: str, *, required: bool = False, min_items: int = 0,
              what: str = "a list") -> Iterator[tuple[str, object]]:
        """(path, element) of an array; a missing optional array is empty."""
        if not self.ok:
            return
        value = self.raw(key)
        if value is MISSING and not required:
            value = []
        if not isinstance(value, list):
            self.p.expected(self.at(key), what, value)
            return
        if len(value) < min_items:
            self.p.expected(self.at(key), what, value)
            return
        for index, element in enumerate(value):
            yield f"{self.at(key)}[{index}]", element

    def values(self, key: str, read: Reader, *, min_items: int = 0, what: str = "a list") -> list:
        """An array of scalars, each read with `read` (refused ones left out)."""
        result = []
        for path, element in self.items(key, min_items=min_items, what=what):
            value = read(self.p, path, element)
            if value is not BAD:
                result.append(value)
        return result


# --- Scalar readers ---------------------------------------------------------------------------

def _text(value: object, max_length: int, pattern: re.Pattern | None, empty: bool) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()) or len(value) > max_length:
        raise Refused
    if pattern is not None and not pattern.fullmatch(value):
        raise Refused
    return value.strip()


def text(max_length: int, *, empty: bool = False) -> Reader:
    what = f"a{'' if empty else ' non-empty'} text of at most {max_length} characters"
    return Reader(what, lambda v: _text(v, max_length, None, empty))


def code(max_length: int) -> Reader:
    pattern = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{max_length - 1}}}")
    return Reader(f"a code of lowercase letters, digits, _ and - (at most {max_length})",
                  lambda v: _text(v, max_length, pattern, False))


def digits(min_length: int, max_length: int, what: str) -> Reader:
    pattern = re.compile(rf"[0-9]{{{min_length},{max_length}}}")
    return Reader(what, lambda v: _text(v, max_length, pattern, False))


def choice(options: tuple[str, ...] | list[str]) -> Reader:
    def check(value: object) -> str:
        if value not in options:
            raise Refused
        return value  # type: ignore[return-value]

    return Reader("one of " + ", ".join(f'"{o}"' for o in options), check)


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Refused
    return value


boolean = Reader("true or false", _boolean)


def integer(low: int, high: int) -> Reader:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Refused
        return value

    return Reader(f"a whole number from {low} to {high}", check)


def decimal(what: str, *, places: int, low: Decimal = Decimal(0), high: Decimal = Decimal("99999999.999999")) -> Reader:
    """TOML numbers arrive as Decimal (parse_float) or int; a quoted "19.99" is accepted too."""

    def check(value: object) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise Refused
        try:
            number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
        except InvalidOperation:
            raise Refused from None
        if not number.is_finite() or not low <= number <= high:
            raise Refused
        if number.as_tuple().exponent < -places and number != number.quantize(Decimal(1).scaleb(-places)):
            raise Refused
        return number

    return Reader(what, check)


amount = decimal('a decimal amount like "19.99" (0 or more, at most 6 decimals)', places=6)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> date:
    if isinstance(value, datetime):
        raise Refused
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise Refused from None
    raise Refused


iso_date = Reader("an ISO date like 2026-09-01", _iso_date)
