"""Validating usage records (specs/usage-records.md): the spec's examples accepted with exact
values, every malformed field rejected alone with a reason naming the line, the field, the value
found and what was expected.

No database: validation is pure.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from telcobill.usage.csvfile import read_rows
from telcobill.usage.records import READ_ERROR, ParsedRecord, validate

PARIS_SUMMER = timezone(timedelta(hours=2))
EXAMPLE = """\
record_id,msisdn,type,direction,started_at,peer,duration_s,volume_bytes,country
a-0001,33612345678,voice,out,2026-10-03T14:05:09+02:00,33145678901,187,,FR
a-0002,33612345678,sms,out,2026-10-03T14:09:00+02:00,33698765432,,,FR
a-0003,33612345678,data,out,2026-10-03T15:00:00+02:00,,,52428800,IT
a-0004,33612345678,voice,out,2026-10-04T09:12:44+02:00,442079460000,65,,FR
"""
EXAMPLE_WITH_OPTIONAL_COLUMNS = """\
record_id,msisdn,type,started_at,peer,peer_kind,duration_s,amount,country,network
b-0001,33612345678,voice,2026-10-05T10:00:00+02:00,3179,short,42,,FR,20801
b-0002,33612345678,content,2026-10-05T10:03:00+02:00,81212,short,,3.00,FR,20801
b-0003,33612345678,voice,2026-10-06T21:30:00+02:00,33145678901,,300,,GR,90112
"""
CALL = {"record_id": "c-1", "msisdn": "33612345678", "type": "voice", "started_at": "2026-10-03T14:05:09+02:00",
        "peer": "33145678901", "duration_s": "187"}


def record(**values) -> ParsedRecord:
    defaults = dict(record_id="c-1", msisdn="+33612345678", type="voice",
                    started_at=datetime(2026, 10, 3, 14, 5, 9, tzinfo=PARIS_SUMMER), direction="out",
                    peer="33145678901", peer_kind="number", quantity=187, amount=None, country="FR", network="")
    return ParsedRecord(**(defaults | values))


def validated(path: str) -> list[ParsedRecord | str]:
    return [validate(row.fields, row.line_number) for row in read_rows(path)]


def test_the_first_spec_example_is_accepted(tmp_path):
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE)

    assert validated(str(path)) == [
        record(record_id="a-0001"),
        record(record_id="a-0002", type="sms", started_at=datetime(2026, 10, 3, 14, 9, tzinfo=PARIS_SUMMER),
               peer="33698765432", quantity=1),
        record(record_id="a-0003", type="data", started_at=datetime(2026, 10, 3, 15, 0, tzinfo=PARIS_SUMMER),
               peer="", quantity=52428800, country="IT"),
        record(record_id="a-0004", started_at=datetime(2026, 10, 4, 9, 12, 44, tzinfo=PARIS_SUMMER),
               peer="442079460000", quantity=65),
    ]


def test_the_spec_example_with_the_optional_columns_is_accepted(tmp_path):
    path = tmp_path / "example.csv"
    path.write_text(EXAMPLE_WITH_OPTIONAL_COLUMNS)

    assert validated(str(path)) == [
        record(record_id="b-0001", started_at=datetime(2026, 10, 5, 10, 0, tzinfo=PARIS_SUMMER), peer="3179",
               peer_kind="short", quantity=42, network="20801"),
        record(record_id="b-0002", type="content", started_at=datetime(2026, 10, 5, 10, 3, tzinfo=PARIS_SUMMER),
               peer="81212", peer_kind="short", quantity=0, amount=Decimal("3.00"), network="20801"),
        record(record_id="b-0003", started_at=datetime(2026, 10, 6, 21, 30, tzinfo=PARIS_SUMMER), quantity=300,
               country="GR", network="90112"),
    ]


def test_the_offset_given_is_kept():
    parsed = validate(CALL | {"started_at": "2026-10-03T12:05:09Z"}, 2)

    assert parsed.started_at.utcoffset() == timedelta(0)
    assert parsed.started_at == datetime(2026, 10, 3, 12, 5, 9, tzinfo=UTC)
    assert validate(CALL, 2).started_at.utcoffset() == timedelta(hours=2)


def test_numbers_are_read_with_or_without_plus():
    parsed = validate(CALL | {"msisdn": "+33612345678", "peer": "+442079460000"}, 2)

    assert (parsed.msisdn, parsed.peer) == ("+33612345678", "442079460000")


def test_surrounding_spaces_are_stripped_and_empty_optional_values_take_their_defaults():
    spaced = {name: f"  {value} " for name, value in CALL.items()}

    assert validate(spaced | {"direction": " ", "peer_kind": "", "country": "", "network": ""}, 2) == record()


def test_each_type_has_its_quantity():
    assert validate(CALL | {"type": "mms", "duration_s": ""}, 2) == record(type="mms", quantity=1)
    assert validate(CALL | {"type": "data", "peer": "", "volume_bytes": "0"}, 2) == record(
        type="data", peer="", quantity=0)


def test_columns_that_do_not_apply_to_the_type_are_ignored():
    parsed = validate(CALL | {"type": "sms", "duration_s": "not a number", "amount": "-1"}, 2)

    assert (parsed.quantity, parsed.amount) == (1, None)


@pytest.mark.parametrize("started_at", ["2026-10-03T14:05:09.250+02:00", "2026-10-03 14:05:09+02:00",
                                        "2026-10-03T14:05:09+0200"])
def test_other_iso_8601_timestamps_with_an_offset_are_accepted(started_at):
    parsed = validate(CALL | {"started_at": started_at}, 2)

    assert parsed.started_at.replace(microsecond=0) == datetime(2026, 10, 3, 14, 5, 9, tzinfo=PARIS_SUMMER)


def test_other_accepted_values():
    assert validate(CALL | {"direction": "in", "network": "901", "peer_kind": "short", "peer": "112"}, 2) == record(
        direction="in", network="901", peer_kind="short", peer="112")
    assert validate(CALL | {"type": "content", "peer": "81212", "peer_kind": "short", "amount": "0.123456"},
                    2).amount == Decimal("0.123456")


def test_a_parsed_record_cannot_be_changed():
    parsed = validate(CALL, 2)

    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.quantity = 0


TIMESTAMP_EXPECTED = "expected ISO 8601 with an offset like 2026-10-03T14:05:09+02:00 or ...Z"


@pytest.mark.parametrize(("change", "reason"), [
    ({"duration_s": "-5"}, "duration_s is -5, expected a whole number ≥ 0"),
    ({"duration_s": "12.5"}, "duration_s is '12.5', expected a whole number ≥ 0"),
    ({"duration_s": "١٢"}, "duration_s is '١٢', expected a whole number ≥ 0"),
    ({"duration_s": ""}, "duration_s is required for a voice record"),
    ({"duration_s": "1" * 19}, f"duration_s is '{'1' * 19}', expected a whole number ≥ 0 of at most 18 digits"),
    ({"type": "data", "volume_bytes": "-1"}, "volume_bytes is -1, expected a whole number ≥ 0"),
    ({"type": "data"}, "volume_bytes is required for a data record"),
    ({"started_at": "2026-10-03T14:05:09"},
     f"started_at is '2026-10-03T14:05:09' (no UTC offset), {TIMESTAMP_EXPECTED}"),
    ({"started_at": "2026-10-03"}, f"started_at is '2026-10-03', {TIMESTAMP_EXPECTED}"),
    ({"started_at": "2026-02-30T10:00:00+01:00"},
     f"started_at is '2026-02-30T10:00:00+01:00' (no such date or time), {TIMESTAMP_EXPECTED}"),
    ({"started_at": "2026-W40-6T14:05:09Z"}, f"started_at is '2026-W40-6T14:05:09Z', {TIMESTAMP_EXPECTED}"),
    ({"started_at": "2026-10-03x14:05:09Z"}, f"started_at is '2026-10-03x14:05:09Z', {TIMESTAMP_EXPECTED}"),
    ({"started_at": "03/10/2026 14:05"}, f"started_at is '03/10/2026 14:05', {TIMESTAMP_EXPECTED}"),
    ({"started_at": ""}, f"started_at is missing, {TIMESTAMP_EXPECTED}"),
    ({"type": "video"}, "type is 'video', expected one of voice, sms, mms, data, content"),
    ({"type": "Voice"}, "type is 'Voice', expected one of voice, sms, mms, data, content"),
    ({"type": ""}, "type is missing, expected one of voice, sms, mms, data, content"),
    ({"peer": ""}, "peer is required for a voice record"),
    ({"type": "content", "peer": "", "amount": "1"}, "peer is required for a content record"),
    ({"record_id": "r" * 80}, "record_id is 80 characters, expected 1 to 64 printable characters"),
    ({"record_id": ""}, "record_id is missing, expected 1 to 64 printable characters"),
    ({"record_id": "a\x00b"},
     r"record_id is 'a\x00b' (a non-printable character), expected 1 to 64 printable characters"),
    ({"msisdn": "0612345678"},
     "msisdn is '0612345678', expected an E.164 number of 8 to 15 digits, with or without +, such as 33612345678"),
    ({"msisdn": "+33 6 12 34 56 78"},
     "msisdn is '+33 6 12 34 56 78', expected an E.164 number of 8 to 15 digits, with or without +, "
     "such as 33612345678"),
    ({"msisdn": ""}, "msisdn is missing, expected an E.164 number of 8 to 15 digits, with or without +, "
                     "such as 33612345678"),
    ({"peer": "0145678901"},
     "peer is '0145678901', expected an international number with its country code, 7 to 15 digits such as "
     "33145678901 (peer_kind short for a short code or service number)"),
    ({"peer": "+"},
     "peer is '+', expected an international number with its country code, 7 to 15 digits such as "
     "33145678901 (peer_kind short for a short code or service number)"),
    ({"peer": "+3179", "peer_kind": "short"},
     "peer is '+3179', expected a short code of 2 to 10 digits as dialled, such as 3179"),
    ({"peer_kind": "long"}, "peer_kind is 'long', expected number or short"),
    ({"type": "data", "peer": "", "volume_bytes": "1", "peer_kind": "long"},
     "peer_kind is 'long', expected number or short"),
    ({"direction": "outgoing"}, "direction is 'outgoing', expected out or in"),
    ({"type": "content", "peer": "81212", "peer_kind": "short", "amount": "-3.00"},
     "amount is '-3.00', expected a price in euros including VAT, ≥ 0 with at most 6 decimals, such as 3.00"),
    ({"type": "content", "peer": "81212", "peer_kind": "short", "amount": "3,00"},
     "amount is '3,00', expected a price in euros including VAT, ≥ 0 with at most 6 decimals, such as 3.00"),
    ({"type": "content", "peer": "81212", "peer_kind": "short", "amount": "0.1234567"},
     "amount is '0.1234567', expected a price in euros including VAT, ≥ 0 with at most 6 decimals, such as 3.00"),
    ({"type": "content", "peer": "81212", "peer_kind": "short"}, "amount is required for a content record"),
    ({"country": "fr"}, "country is 'fr', expected an ISO 3166-1 alpha-2 code in capitals: FR"),
    ({"country": "UK"}, "country is 'UK', expected an ISO 3166-1 alpha-2 country code such as FR or IT"),
    ({"country": "FRA"}, "country is 'FRA', expected an ISO 3166-1 alpha-2 country code such as FR or IT"),
    ({"network": "2080"},
     "network is '2080', expected an MCC+MNC of 5 or 6 digits such as 20801, or an MCC of 3 digits such as 901"),
    ({READ_ERROR: "14 fields, the header has 9"}, "14 fields, the header has 9"),
])
def test_a_malformed_record_is_rejected_with_a_reason(change, reason):
    assert validate(CALL | change, 42) == f"line 42: {reason}"


@pytest.mark.parametrize("name", ["record_id", "msisdn", "type", "started_at", "peer", "duration_s", "country",
                                  "network"])
def test_an_enormous_field_is_rejected_without_echoing_it(name):
    reason = validate(CALL | {name: "9" * 1_000_000}, 7)

    assert reason.startswith(f"line 7: {name} is ")
    assert "1000000 characters" in reason
    assert len(reason) < 300


def test_the_first_problem_of_a_record_is_the_one_given():
    assert validate(CALL | {"msisdn": "x", "type": "video"}, 3) == validate(CALL | {"msisdn": "x"}, 3)
