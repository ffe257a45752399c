"""Reading usage files (specs/usage-records.md, "CSV"): rows with their line numbers and raw text,
records that are not well-formed CSV given with a read error, unreadable files refused whole.

No database: reading is pure. Files are written by each test in tmp_path.
"""

from __future__ import annotations

import gzip
import zlib

import pytest

from telcobill.errors import Invalid
from telcobill.usage import csvfile
from telcobill.usage.csvfile import Row, read_rows
from telcobill.usage.records import READ_ERROR

HEADER = "record_id,msisdn,type,started_at,peer,duration_s"
EXPECTED_HEADER = (
    "expected a header line naming the columns: record_id,msisdn,type,started_at (required) and any of "
    "direction,peer,peer_kind,duration_s,volume_bytes,amount,country,network"
)


def write(tmp_path, content: str | bytes, name: str = "usage.csv") -> str:
    path = tmp_path / name
    data = content.encode() if isinstance(content, str) else content
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return str(path)


def call(number: int, record_id: str = "c-1") -> str:
    return f"{record_id},336123456{number:02d},voice,2026-10-03T14:05:09+02:00,33145678901,{number}"


def fields(number: int, record_id: str = "c-1") -> dict[str, str]:
    return {"record_id": record_id, "msisdn": f"336123456{number:02d}", "type": "voice",
            "started_at": "2026-10-03T14:05:09+02:00", "peer": "33145678901", "duration_s": str(number)}


def refusal(path: str) -> str:
    with pytest.raises(Invalid) as caught:
        read_rows(path)  # refused by the call itself, before any row is asked for
    return caught.value.message


def test_it_gives_each_record_with_its_line_number_raw_text_and_fields(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{call(1)}\n{call(2, 'c-2')}\n")

    assert list(read_rows(path)) == [
        Row(2, call(1), fields(1)),
        Row(3, call(2, "c-2"), fields(2, "c-2")),
    ]


def test_it_reads_the_last_line_without_a_line_end(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{call(1)}")

    assert list(read_rows(path)) == [Row(2, call(1), fields(1))]


def test_it_finds_columns_by_name_and_ignores_extra_ones(tmp_path):
    # Even an extra column named like the reader's error marker stays out of the fields.
    path = write(tmp_path, f"cell,started_at,type,{READ_ERROR},msisdn,record_id\n"
                           "A12,2026-10-03T14:05:09Z,sms,oops,33612345678,s-1\n")

    assert list(read_rows(path)) == [
        Row(2, "A12,2026-10-03T14:05:09Z,sms,oops,33612345678,s-1",
            {"started_at": "2026-10-03T14:05:09Z", "type": "sms", "msisdn": "33612345678", "record_id": "s-1"}),
    ]


def test_a_header_only_file_has_no_records(tmp_path):
    assert list(read_rows(write(tmp_path, f"{HEADER}\n"))) == []
    assert list(read_rows(write(tmp_path, HEADER, "no-line-end.csv"))) == []


def test_it_reads_gzip_files(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{call(1)}\n", "usage.csv.gz")

    assert list(read_rows(path)) == [Row(2, call(1), fields(1))]


def test_crlf_line_ends_and_a_bom_are_not_part_of_the_records(tmp_path):
    path = write(tmp_path, f"\ufeff{HEADER}\r\n{call(1)}\r\n{call(2)}\r\n".encode())

    assert list(read_rows(path)) == [Row(2, call(1), fields(1)), Row(3, call(2), fields(2))]


def test_empty_lines_are_skipped_but_counted(tmp_path):
    path = write(tmp_path, f"{HEADER}\n\n{call(1)}\n\n\n{call(2)}\n\n")

    assert [(row.line_number, row.raw) for row in read_rows(path)] == [(3, call(1)), (6, call(2))]


def test_quoted_fields_are_unquoted(tmp_path):
    path = write(tmp_path, f'{HEADER},note\n"c-1",33612345601,voice,2026-10-03T14:05:09+02:00,"33145678901",'
                           f'"1","said ""hi"", left"\n')

    [row] = read_rows(path)

    assert row.fields == fields(1)
    assert row.raw == '"c-1",33612345601,voice,2026-10-03T14:05:09+02:00,"33145678901","1","said ""hi"", left"'


def test_a_quoted_line_end_keeps_the_record_whole_and_the_next_line_numbers_right(tmp_path):
    path = write(tmp_path, f'{HEADER},note\n{call(1)},"two\nlines"\n{call(2)},\n\n{call(3)},"a\r\nb\nc"\n{call(4)},\n')

    rows = list(read_rows(path))

    assert [(row.line_number, row.raw) for row in rows] == [
        (2, f'{call(1)},"two\nlines"'),
        (4, f"{call(2)},"),
        (6, f'{call(3)},"a\nb\nc"'),  # CRLF inside a quoted field is kept as LF
        (9, f"{call(4)},"),
    ]
    assert [row.fields["duration_s"] for row in rows] == ["1", "2", "3", "4"]


def test_a_record_with_more_fields_than_the_header_is_given_with_a_read_error(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{call(1)},extra,more\n{call(2)}\n")

    assert list(read_rows(path)) == [
        Row(2, f"{call(1)},extra,more", {READ_ERROR: "8 fields, the header has 6"}),
        Row(3, call(2), fields(2)),
    ]


def test_a_record_with_fewer_fields_than_the_header_is_given_with_a_read_error(tmp_path):
    # A line cut short (the end of a file written halfway) must not pass with a wrong last value.
    path = write(tmp_path, f"{HEADER}\n{call(1)}\nc-2,33612345602,data\n")

    assert list(read_rows(path))[1] == Row(3, "c-2,33612345602,data", {READ_ERROR: "3 fields, the header has 6"})


def test_a_quote_left_open_at_the_end_of_the_file_is_one_record_with_a_read_error(tmp_path):
    path = write(tmp_path, f'{HEADER}\n{call(1)}\nc-2,"33612345602,voice\n{call(3)}\n')

    assert list(read_rows(path)) == [
        Row(2, call(1), fields(1)),
        Row(3, f'c-2,"33612345602,voice\n{call(3)}',
            {READ_ERROR: "a quoted field opened here is not closed by the end of the file"}),
    ]


def test_text_after_a_closing_quote_is_a_read_error_for_that_record_alone(tmp_path):
    path = write(tmp_path, f'{HEADER}\nc-1,"336"12345601,voice,2026-10-03T14:05:09+02:00,33145678901,1\n{call(2)}\n')

    assert list(read_rows(path)) == [
        Row(2, 'c-1,"336"12345601,voice,2026-10-03T14:05:09+02:00,33145678901,1',
            {READ_ERROR: 'text follows the closing quote of a field (a quote inside a quoted field is written "")'}),
        Row(3, call(2), fields(2)),
    ]


def test_a_lone_carriage_return_in_a_field_is_a_read_error_for_that_record_alone(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{call(1)}\rx\n{call(2)}\n")

    assert list(read_rows(path)) == [
        Row(2, f"{call(1)}\rx", {READ_ERROR: "a carriage return inside a field that is not quoted"}),
        Row(3, call(2), fields(2)),
    ]


@pytest.mark.parametrize("quoted", [False, True])
def test_an_enormous_field_is_a_read_error_whether_quoted_or_not(tmp_path, quoted):
    enormous = "x" * 1_000_000
    if quoted:
        enormous = f'"{enormous}"'
    path = write(tmp_path, f"{HEADER},note\n{call(1)},{enormous}\n{call(2)},\n")

    rows = list(read_rows(path))

    assert [row.fields for row in rows] == [
        {READ_ERROR: "a field is longer than 131072 characters (a quote left open?)"},
        fields(2),
    ]
    assert [row.line_number for row in rows] == [2, 3]


def test_a_long_line_of_short_fields_is_read(tmp_path):
    notes = ",".join(["n" * 1000] * 200)  # 200 kB on the line, no field over the csv module's limit
    extra_columns = "".join(f",note{number}" for number in range(200))
    path = write(tmp_path, f"{HEADER}{extra_columns}\n{call(1)},{notes}\n")

    assert list(read_rows(path)) == [Row(2, f"{call(1)},{notes}", fields(1))]


def test_the_rows_do_not_depend_on_where_the_file_is_cut_into_chunks(tmp_path, monkeypatch):
    content = (f'\ufeff{HEADER},note\r\n{call(1)},"é\r\nà"\r\n\r\n{call(2)},plain\r\nc-3,"x""y,3\n{call(4)},\n'
               f'{call(5)},"bad"quote\n{call(6)},"open\n{call(7)},\n')
    path = write(tmp_path, content)
    whole = list(read_rows(path))

    for chunk_bytes in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89):
        monkeypatch.setattr(csvfile, "CHUNK_BYTES", chunk_bytes)
        assert list(read_rows(path)) == whole, chunk_bytes
    # Line 6 opens a quoted field that line 8 closes before text: lines 6 to 8 are one bad record.
    assert [(row.line_number, row.fields) for row in whole] == [
        (2, fields(1)),
        (5, fields(2)),
        (6, {READ_ERROR: 'text follows the closing quote of a field (a quote inside a quoted field is written "")'}),
        (9, {READ_ERROR: "a quoted field opened here is not closed by the end of the file"}),
    ]
    assert whole[0].raw == f'{call(1)},"é\nà"'
    assert whole[2].raw == f'c-3,"x""y,3\n{call(4)},\n{call(5)},"bad"quote'
    assert whole[3].raw == f'{call(6)},"open\n{call(7)},'


# Files refused whole: one message naming the file, nothing given.


def test_a_missing_file_is_refused(tmp_path):
    path = str(tmp_path / "nowhere.csv")

    assert refusal(path) == f"{path}: cannot be read (No such file or directory)"


def test_a_file_named_gz_that_is_not_gzip_is_refused(tmp_path):
    path = tmp_path / "usage.csv.gz"
    path.write_text(f"{HEADER}\n{call(1)}\n")

    assert refusal(str(path)) == f"{path}: not a gzip file, expected gzip-compressed CSV as the name ends in .gz"


def test_a_truncated_gzip_file_is_refused_with_the_line_reached(tmp_path):
    content = f"{HEADER}\n" + "".join(call(n % 100, f"c-{n}") + "\n" for n in range(20_000))
    compressed = gzip.compress(content.encode())
    cut = compressed[: len(compressed) // 2]
    path = tmp_path / "usage.csv.gz"
    path.write_bytes(cut)
    # What any reader can get out of the cut file: its complete lines, then the line cut.
    complete_lines = zlib.decompressobj(wbits=31).decompress(cut).count(b"\n")

    assert complete_lines > 1000
    assert refusal(str(path)) == (f"{path}: the gzip data is truncated or corrupt, it breaks off in line "
                                  f"{complete_lines + 1}: the file was probably cut short, send it again")


def test_a_latin_1_file_is_refused_with_the_line_and_byte(tmp_path):
    path = write(tmp_path, f"{HEADER},note\n{call(1)},ok\n{call(2)},Genève\n".encode("latin-1"))

    assert refusal(path) == (f"{path}: not UTF-8 text, line 3 has the byte 0xE8 at its byte "
                             f"{len(call(2)) + 5}; expected a UTF-8 CSV file (export or convert it to UTF-8)")


def test_a_bad_byte_far_in_the_file_is_found_before_any_row_is_given(tmp_path, monkeypatch):
    # Small chunks: a UTF-8 character cut between two chunks is fine, a bad byte is placed exactly.
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 7)
    lines = [f"{call(n % 100, f'c-{n}')},é" for n in range(300)]
    path = write(tmp_path, (f"{HEADER},note\n" + "\n".join(lines) + "\n").encode() + b"c-x,\xff\n")

    assert refusal(path) == (f"{path}: not UTF-8 text, line 302 has the byte 0xFF at its byte 5; "
                             f"expected a UTF-8 CSV file (export or convert it to UTF-8)")


def test_a_file_ending_inside_a_utf_8_character_is_refused(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{call(1)},".encode() + "é".encode()[:1])

    assert refusal(path) == (f"{path}: not UTF-8 text, line 2 has the byte 0xC3 at its byte {len(call(1)) + 2}; "
                             f"expected a UTF-8 CSV file (export or convert it to UTF-8)")


def test_binary_content_is_refused(tmp_path):
    path = write(tmp_path, f"{HEADER}\n{call(1)}\n".encode() + bytes(range(256)) * 4)

    assert refusal(path) == f"{path}: binary content, line 3 has a NUL byte at its byte 1; expected a UTF-8 CSV file"


@pytest.mark.parametrize(("content", "what"), [
    (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive (an Excel .xlsx workbook?)"),
    (f"{HEADER}\n".encode("utf-16"), "UTF-16 text"),
    # mtime=0: the same bytes in every test worker (the test ids must match between them).
    (gzip.compress(f"{HEADER}\n".encode(), mtime=0), "gzip-compressed but not named .gz"),
], ids=["zip", "utf-16", "gzip"])
def test_files_that_are_not_text_are_named_in_the_refusal(tmp_path, content, what):
    path = write(tmp_path, content)

    assert refusal(path) == f"{path}: is {what}, expected a UTF-8 CSV file"


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n"])
def test_an_empty_file_is_refused(tmp_path, content):
    path = write(tmp_path, content)

    assert refusal(path) == f"{path}: the file is empty, {EXPECTED_HEADER}, then one record a line"


def test_a_file_without_a_header_is_refused(tmp_path):
    path = write(tmp_path, f"{call(1)}\n{call(2)}\n")

    assert refusal(path) == (f"{path}: line 1 is not a header (no known column name in it: 'c-1', '33612345601', "
                             f"'voice', '2026-10-03T14:05:09+02:00', '33145678901', '1'), {EXPECTED_HEADER}")


def test_a_file_starting_with_an_empty_line_is_refused(tmp_path):
    path = write(tmp_path, f"\n{HEADER}\n{call(1)}\n")

    assert refusal(path) == f"{path}: line 1 is empty, {EXPECTED_HEADER}"


def test_a_header_missing_required_columns_is_refused(tmp_path):
    path = write(tmp_path, "record_id,MSISDN,started_at,duration_s\nc-1,33612345678,2026-10-03T14:05:09Z,5\n")

    assert refusal(path) == (f"{path}: the header lacks the required columns msisdn, type (columns found: "
                             f"'record_id', 'MSISDN', 'started_at', 'duration_s'; names are case-sensitive), "
                             f"{EXPECTED_HEADER}")


def test_a_header_naming_a_column_twice_is_refused(tmp_path):
    path = write(tmp_path, f"{HEADER},note,peer,note\n")

    assert refusal(path) == f"{path}: the header names note, peer more than once, each column must appear once"


def test_a_file_with_lone_carriage_return_line_ends_is_refused(tmp_path):
    path = write(tmp_path, f"{HEADER}\r{call(1)}\r")

    assert refusal(path) == f"{path}: lines end with a lone carriage return (CR), expected LF or CRLF line ends"
