"""Reading a CSV or `.csv.gz` file of usage records (specs/usage-records.md) into rows of fields.

A file that cannot be read at all is refused whole (`Invalid`) before any row is given: it is
checked once from end to end (readable, gzip when named .gz, UTF-8 text, a header with the
required columns), then read again to give its rows. A record that is not well-formed CSV (a
quote out of place, more or fewer fields than the header) is given with a `READ_ERROR` field
instead of its values, so that `records.validate` rejects it alone.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import os
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from telcobill.errors import Invalid
from telcobill.usage.records import COLUMNS, READ_ERROR, REQUIRED_COLUMNS, SHOWN_CHARS

CHUNK_BYTES = 1 << 20
MAX_HEADER = 1 << 16  # characters
BOM = "\ufeff"
# Magic numbers of what people send by mistake, named in the refusal.
_NOT_TEXT = {
    b"PK\x03\x04": "a ZIP archive (an Excel .xlsx workbook?)",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "gzip-compressed but not named .gz",
    b"\xff\xfe": "UTF-16 text",
    b"\xfe\xff": "UTF-16 text",
}
_EXPECTED_HEADER = (
    f"expected a header line naming the columns: {','.join(REQUIRED_COLUMNS)} (required) and any of "
    f"{','.join(COLUMNS[len(REQUIRED_COLUMNS):])}"
)
# The csv module's words for a record cut by the end of its input (a quoted field still open).
_OPEN_QUOTE = "unexpected end of data"


class Row(NamedTuple):
    """One record of a usage file, as read."""

    line_number: int  # where the record starts; the header is line 1
    raw: str  # the record's text without its line ending (all its lines when a quoted field spans several)
    fields: dict[str, str]  # the spec's columns found in the header, or only READ_ERROR


# NamedTuple's __new__ is Python code; tuple.__new__(Row, ...) makes the same row in half the time.
_new_row = tuple.__new__


@dataclass(frozen=True)
class _Header:
    columns: tuple[str, ...]  # as in the file
    fields: Callable[[list[str]], dict[str, str]]  # a record's fields from its values


def read_rows(path: str | os.PathLike) -> Iterator[Row]:
    """The records of the usage file at `path` (`.gz`: gzip-compressed), in file order.

    Raises `Invalid` with one message naming the file when it cannot be read at all; this is
    done by the call, before any row is given. Empty lines are skipped.
    """
    return (block.row(index) for block in read_blocks(path) for index in range(len(block)))


def read_blocks(path: str | os.PathLike) -> Iterator[Block]:
    """The records of the usage file at `path`, as `read_rows` gives them, in blocks of about a
    megabyte: a block of lines with no quote is also given column-wise (Arrow), without making
    a row of each record."""
    name = os.fspath(path)
    header = _header(name, _check_file(name))
    return _blocks(name, header)


class Block:
    """Records in file order: `row(i)`, and `columns()`, each of the spec's columns as an Arrow
    string array ("" where absent), or None when a value is not text."""

    def __len__(self) -> int:
        raise NotImplementedError

    def row(self, index: int) -> Row:
        raise NotImplementedError

    def columns(self) -> dict[str, pa.Array] | None:
        raise NotImplementedError


class RowBlock(Block):
    """Records already made rows (quoted CSV, API batches, re-processed rejects)."""

    def __init__(self, rows: list[Row]):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, index: int) -> Row:
        return self.rows[index]

    def columns(self) -> dict[str, pa.Array] | None:
        try:
            return {name: pa.array([row.fields.get(name, "") for row in self.rows], pa.string()) for name in COLUMNS}
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None


class LineBlock(Block):
    """Lines with no quote, no carriage return and no empty line: a record each, its fields
    between commas. A line with another number of fields than the header is a record the
    reader could not split (its row says why); its columns are empty."""

    def __init__(self, lines: list[str], first_number: int, header: _Header):
        self.lines, self.first_number, self.header = lines, first_number, header

    def __len__(self) -> int:
        return len(self.lines)

    def row(self, index: int) -> Row:
        line = self.lines[index]
        values = line.split(",")
        width = len(self.header.columns)
        if len(values) != width:
            return _misshapen(self.first_number + index, line, _field_count(len(values), width))
        return _new_row(Row, (self.first_number + index, line, self.header.fields(values)))

    def columns(self) -> dict[str, pa.Array]:
        width = len(self.header.columns)
        lines = pa.array(self.lines, pa.string())
        shaped = pc.equal(pc.count_substring(lines, ","), width - 1)
        parts = pc.split_pattern(pc.if_else(shaped, lines, "," * (width - 1)), ",")
        empty = pa.array([""] * len(self.lines), pa.string())
        return {name: pc.list_element(parts, self.header.columns.index(name)) if name in self.header.columns
                else empty for name in COLUMNS}


def _open(name: str) -> BinaryIO:
    return gzip.open(name, "rb") if name.endswith(".gz") else open(name, "rb")


def _check_file(name: str) -> str:
    """Read the whole file once, refusing it if it is not UTF-8 text; return its first line."""
    progress = _Progress()
    try:
        with _open(name) as file:
            return _check_text(name, file, progress)
    except gzip.BadGzipFile as error:
        if progress.offset == 0:
            raise Invalid(f"{name}: not a gzip file, expected gzip-compressed CSV as the name ends in .gz") from None
        raise Invalid(f"{name}: the gzip data is corrupt after line {progress.lines} ({error})") from None
    except (EOFError, zlib.error):
        raise Invalid(f"{name}: the gzip data is truncated or corrupt, it breaks off in line {progress.lines + 1}: "
                      f"the file was probably cut short, send it again") from None
    except OSError as error:
        raise Invalid(f"{name}: cannot be read ({error.strerror or error})") from None


@dataclass
class _Progress:
    offset: int = 0  # bytes checked
    lines: int = 0  # line ends among them
    line_start: int = 0  # offset of the line being checked


def _check_text(name: str, file: BinaryIO, progress: _Progress) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = ""  # the text up to the end of line 1
    first_line = None
    has_text = False
    while True:
        # read1: a truncated gzip stream then fails with all the text before the cut already checked
        data = file.read1(CHUNK_BYTES)
        if progress.offset == 0:
            for magic, what in _NOT_TEXT.items():
                if data.startswith(magic):
                    raise Invalid(f"{name}: is {what}, expected a UTF-8 CSV file")
        nul = data.find(b"\0")
        if nul >= 0:
            line, column = _position(data, nul, progress)
            raise Invalid(f"{name}: binary content, line {line} has a NUL byte at its byte {column}; "
                          f"expected a UTF-8 CSV file")
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the previous chunk
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            line, column = _position(data, error.start - pending, progress)
            raise Invalid(f"{name}: not UTF-8 text, line {line} has the byte 0x{error.object[error.start]:02X} "
                          f"at its byte {column}; expected a UTF-8 CSV file (export or convert it to UTF-8)") from None
        if not data:
            break
        if first_line is None:
            head = (head + text).removeprefix(BOM)
            if "\n" in head:
                first_line = head.partition("\n")[0]
            elif len(head) > MAX_HEADER:
                raise Invalid(f"{name}: line 1 is more than {MAX_HEADER} characters long, {_EXPECTED_HEADER}")
        if not has_text:
            text = text.removeprefix(BOM)
            has_text = text != "" and not text.isspace()
        progress.lines += data.count(b"\n")
        last_line_end = data.rfind(b"\n")
        if last_line_end >= 0:
            progress.line_start = progress.offset + last_line_end + 1
        progress.offset += len(data)
    if not has_text:
        raise Invalid(f"{name}: the file is empty, {_EXPECTED_HEADER}, then one record a line")
    return head if first_line is None else first_line


def _position(data: bytes, at: int, progress: _Progress) -> tuple[int, int]:
    """Line number and byte within that line (from 1) of `data[at]`; `at` < 0 is in the bytes
    checked before `data`, on the same line (a character cut by the end of the previous chunk)."""
    before = max(at, 0)
    line_end = data.rfind(b"\n", 0, before)
    line_start = progress.offset + line_end + 1 if line_end >= 0 else progress.line_start
    return progress.lines + data.count(b"\n", 0, before) + 1, progress.offset + at - line_start + 1


def _header(name: str, first_line: str) -> _Header:
    line = first_line.removesuffix("\r")
    if not line.strip():
        raise Invalid(f"{name}: line 1 is empty, {_EXPECTED_HEADER}")
    if "\r" in line:
        raise Invalid(f"{name}: lines end with a lone carriage return (CR), expected LF or CRLF line ends")
    try:
        columns = tuple(column.strip() for column in next(csv.reader([line], strict=True)))
    except csv.Error as error:
        raise Invalid(f"{name}: line 1 is not a CSV header ({error}), {_EXPECTED_HEADER}") from None
    found = _listed(columns)
    if not set(columns) & set(COLUMNS):
        raise Invalid(f"{name}: line 1 is not a header (no known column name in it: {found}), {_EXPECTED_HEADER}")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise Invalid(f"{name}: the header lacks the required column{'s' if len(missing) > 1 else ''} "
                      f"{', '.join(missing)} (columns found: {found}; names are case-sensitive), {_EXPECTED_HEADER}")
    repeated = sorted({column for column in columns if column and columns.count(column) > 1})
    if repeated:
        raise Invalid(f"{name}: the header names {', '.join(repeated)} more than once, each column must appear once")
    return _Header(columns, _fields_maker(columns))


def _fields_maker(columns: tuple[str, ...]) -> Callable[[list[str]], dict[str, str]]:
    """A function making a record's fields (the spec's columns only) from its values.

    A dict display compiled for this header, the way dataclasses and namedtuple make their
    methods: twice as fast as dict(zip(...)), which was the largest cost of a row. Nothing from
    the file enters the code: only the spec's own column names (constants) and positions.
    """
    items = ", ".join(f"{column!r}: values[{index}]" for index, column in enumerate(columns) if column in COLUMNS)
    return eval(f"lambda values: {{{items}}}", {})


def _listed(columns: tuple[str, ...]) -> str:
    listed = ", ".join(repr(column) for column in columns)
    return listed if len(listed) <= 200 else f"{listed[:200]}... ({len(columns)} columns)"


def _blocks(name: str, header: _Header) -> Iterator[Block]:
    field_limit = csv.field_size_limit()
    line_number = 2  # of the first line of `text`
    carry = ""  # the lines of a record that the previous chunk cut short (a quoted line end)
    with _open(name) as file:
        try:
            for chunk in _text_chunks(file):
                text = carry + chunk
                lines = text.split("\n")
                if lines[-1] == "":
                    lines.pop()  # after the last line end
                # Most files have no quoting at all: splitting on commas is then what the csv module would do.
                plain = not carry and '"' not in text and "\r" not in text
                if plain and max(map(len, lines), default=0) <= field_limit:
                    yield from _plain_blocks(lines, line_number, header)
                    open_record = len(lines)
                else:
                    block, open_record = _quoted_block(lines, line_number, header, at_end=False)
                    if len(block):
                        yield block
                carry = "".join(line + "\n" for line in lines[open_record:])
                line_number += open_record
            if carry:
                yield _quoted_block(carry.split("\n")[:-1], line_number, header, at_end=True)[0]
        except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
            # Checked by read_rows: the file changed or broke since.
            raise Invalid(f"{name}: could not be read past line {line_number} ({error})") from None


def _text_chunks(file: BinaryIO) -> Iterator[str]:
    """The text after the header, in pieces of whole lines, with CRLF line ends turned into LF."""
    first = True
    while data := file.read(CHUNK_BYTES):
        if not data.endswith(b"\n"):
            data += file.readline()
        text = data.decode("utf-8")
        if first:
            text = text.removeprefix(BOM).partition("\n")[2]
            first = False
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        yield text


def _plain_blocks(lines: list[str], first_number: int, header: _Header) -> Iterator[LineBlock]:
    """Lines without any quote, as blocks between empty lines (skipped): split on commas, what
    the csv module would do, several times faster."""
    if "" not in lines:
        yield LineBlock(lines, first_number, header)
        return
    start = 0
    for index, line in enumerate(lines):
        if not line:
            if index > start:
                yield LineBlock(lines[start:index], first_number + start, header)
            start = index + 1
    if start < len(lines):
        yield LineBlock(lines[start:], first_number + start, header)


def _quoted_block(lines: list[str], first_number: int, header: _Header, *, at_end: bool) -> tuple[RowBlock, int]:
    """The rows of `lines` read by the csv module, and where the record still open at the end
    starts (`_quoted_rows`)."""
    rows: list[Row] = []
    reading = _quoted_rows(lines, first_number, header, at_end=at_end)
    while True:
        try:
            rows.append(next(reading))
        except StopIteration as stop:
            return RowBlock(rows), stop.value


def _quoted_rows(lines: list[str], first_number: int, header: _Header, *, at_end: bool) -> Generator[Row, None, int]:
    """The rows of `lines` read by the csv module. Returns the index of the line where a record
    still open at the end of `lines` starts (unless `at_end`), else len(lines)."""
    reader = csv.reader([line + "\n" for line in lines], strict=True)
    width = len(header.columns)
    start = 0  # index of the line where the next record starts
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return start
        except csv.Error as error:
            if str(error) == _OPEN_QUOTE and not at_end:
                return start
            end = reader.line_num
            yield _misshapen(first_number + start, "\n".join(lines[start:end]), _csv_problem(error))
            start = end
            continue
        end = reader.line_num
        if values:
            raw = "\n".join(lines[start:end])
            if len(values) != width:
                yield _misshapen(first_number + start, raw, _field_count(len(values), width))
            else:
                yield _new_row(Row, (first_number + start, raw, header.fields(values)))
        start = end


def _misshapen(line_number: int, raw: str, reason: str) -> Row:
    return _new_row(Row, (line_number, raw, {READ_ERROR: reason}))


def _field_count(count: int, width: int) -> str:
    return f"{count} field{'s' if count > 1 else ''}, the header has {width}"


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    if message == _OPEN_QUOTE:
        return "a quoted field opened here is not closed by the end of the file"
    if message.startswith("field larger than field limit"):
        return f"a field is longer than {csv.field_size_limit()} characters (a quote left open?)"
    if message.startswith("',' expected after"):
        return 'text follows the closing quote of a field (a quote inside a quoted field is written "")'
    if message.startswith("new-line character seen in unquoted field"):
        return "a carriage return inside a field that is not quoted"
    return f"not CSV ({message[:SHOWN_CHARS]})"
