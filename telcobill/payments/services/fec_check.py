"""Check a FEC file against the format of Livre des procédures fiscales art. A47 A-1, as the tax
administration's own test tool does before an audit: the file name, the 18 columns in order, the
dates, the amounts, every entry balanced, no line both debit and credit, each journal numbered
continuously in date order. Returns the problems found, each with its line; none: the file is fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from telcobill.formats import french_amount
from telcobill.money import ZERO

from .fec import ENCODING, HEADER, SEPARATOR

NAME = re.compile(r"(\d{9})FEC(\d{8})\.txt")
AMOUNT = re.compile(r"-?\d+(,\d{1,2})?")  # comma before the decimals, no thousands separator
REQUIRED = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "PieceRef",
            "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate")
DATES = ("EcritureDate", "PieceDate", "ValidDate", "DateLet")  # DateLet only when lettered
COLUMN = {name: index for index, name in enumerate(HEADER)}


@dataclass
class _Entry:
    journal: str
    number: str
    line: int
    on: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO


def check_fec(path: Path | str) -> list[str]:
    """Every way the file breaks the FEC format, in file order (an empty list: none)."""
    path = Path(path)
    problems = _check_name(path.name)
    with open(path, encoding=ENCODING, newline="") as lines:
        header = next(lines, "").rstrip("\r\n")
        separator = SEPARATOR if SEPARATOR in header else "\t"
        if header.split(separator) != list(HEADER):
            problems.append(f"line 1: the header is not the 18 columns {'|'.join(HEADER)}")
        state = _State()
        for number, text in enumerate(lines, start=2):
            fields = text.rstrip("\r\n").split(separator)
            if len(fields) != len(HEADER):
                problems.append(f"line {number}: {len(fields)} fields, expected {len(HEADER)}")
                continue
            problems += _check_fields(number, fields)
            problems += state.add(number, fields)
        problems += state.close()
    return problems


def _check_name(name: str) -> list[str]:
    match = NAME.fullmatch(name)
    if not match:
        return [f"file name {name!r}: expected <SIREN>FEC<YYYYMMDD>.txt"]
    return [] if _is_date(match[2]) else [f"file name {name!r}: {match[2]} is not a date YYYYMMDD"]


def _check_fields(number: int, fields: list[str]) -> list[str]:
    """One line's own rules: required fields, dates, amounts, the account number, pairs filled together."""
    value = {name: fields[index] for name, index in COLUMN.items()}
    problems = [f"line {number}: {name} is empty" for name in REQUIRED if not value[name].strip()]
    problems += [f"line {number}: {name} {value[name]!r} is not a date YYYYMMDD"
                 for name in DATES if value[name] and not _is_date(value[name])]
    for name in ("Debit", "Credit", "Montantdevise"):
        if value[name] and not AMOUNT.fullmatch(value[name]):
            problems.append(f"line {number}: {name} {value[name]!r} is not an amount like 1234,56")
    if _amount(value["Debit"]) and _amount(value["Credit"]):
        problems.append(f"line {number}: both a debit and a credit")
    if not value["CompteNum"][:3].isdigit():
        problems.append(f"line {number}: CompteNum {value['CompteNum']!r} does not start with 3 digits of the PCG")
    for first, second in (("CompAuxNum", "CompAuxLib"), ("EcritureLet", "DateLet")):
        if bool(value[first]) != bool(value[second]):
            problems.append(f"line {number}: {first} and {second} go together")
    return problems


class _State:
    """What the lines say together: entries balanced and in one piece, journals numbered from 1
    without gaps in date order, the file's debits equal to its credits."""

    def __init__(self):
        self.entry: _Entry | None = None
        self.seen: set[tuple[str, str]] = set()
        self.last: dict[str, tuple[int, str]] = {}  # journal → (last sequence number, its date)
        self.debit = self.credit = ZERO

    def add(self, number: int, fields: list[str]) -> list[str]:
        journal, entry_number, on = (fields[COLUMN[name]] for name in ("JournalCode", "EcritureNum", "EcritureDate"))
        debit, credit = _amount(fields[COLUMN["Debit"]]), _amount(fields[COLUMN["Credit"]])
        self.debit, self.credit = self.debit + debit, self.credit + credit
        problems = []
        if self.entry is None or (self.entry.journal, self.entry.number) != (journal, entry_number):
            problems += self._finish()
            problems += self._start(number, journal, entry_number, on)
        elif on != self.entry.on:
            problems.append(f"line {number}: entry {entry_number} has two dates ({self.entry.on}, {on})")
        self.entry.debit += debit
        self.entry.credit += credit
        return problems

    def close(self) -> list[str]:
        problems = self._finish()
        if self.debit != self.credit:
            problems.append(f"the file's debits ({french_amount(self.debit)}) and credits "
                            f"({french_amount(self.credit)}) differ")
        return problems

    def _start(self, number: int, journal: str, entry_number: str, on: str) -> list[str]:
        self.entry = _Entry(journal, entry_number, number, on)
        if (journal, entry_number) in self.seen:
            return [f"line {number}: entry {entry_number} is split (its lines must follow each other)"]
        self.seen.add((journal, entry_number))
        sequence = re.search(r"(\d+)$", entry_number)
        if sequence is None:
            return [f"line {number}: EcritureNum {entry_number!r} ends with no sequence number"]
        previous, previous_on = self.last.get(journal, (0, ""))
        self.last[journal] = (int(sequence[1]), on)
        problems = []
        if int(sequence[1]) != previous + 1:
            problems.append(f"line {number}: entry {entry_number} follows number {previous} of journal {journal} "
                            "(the numbering must be continuous)")
        if on < previous_on:
            problems.append(f"line {number}: entry {entry_number} is dated {on}, before the journal's previous "
                            f"entry ({previous_on})")
        return problems

    def _finish(self) -> list[str]:
        entry = self.entry
        if entry is None or entry.debit == entry.credit:
            return []
        return [f"line {entry.line}: entry {entry.number} is not balanced: debit {french_amount(entry.debit)}, "
                f"credit {french_amount(entry.credit)}"]


def _is_date(value: str) -> bool:
    if len(value) != 8 or not value.isdigit():
        return False
    try:
        datetime.strptime(value, "%Y%m%d")
    except ValueError:
        return False
    return True


def _amount(value: str) -> Decimal:
    """The amount of a field (0 when empty or malformed: the format problem is reported apart)."""
    return Decimal(value.replace(",", ".")) if AMOUNT.fullmatch(value) else ZERO
