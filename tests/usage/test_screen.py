"""The column-wise screen (usage.screen) and the per-record validator agree.

Every record the screen takes is one `records.validate` and the ingestion `Checker` accept, with
the same values to the microsecond and the cent; the screen may leave a good record to them (a
space to strip), never take a bad one. Records are drawn from plain values, their variations and
junk, so that both sides of every rule are reached.
"""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telcobill.usage import screen
from telcobill.usage.csvfile import LineBlock, Row, RowBlock, _fields_maker, _Header
from telcobill.usage.rating.catalogue import load_tariff
from telcobill.usage.records import COLUMNS, ParsedRecord, validate
from telcobill.usage.services.ingest import Checker
from telcobill.workflows.lines import activate_line, terminate_line
from tests.factories import make_individual

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


EDGES = {
    "record_id": ["a b", " a", "a ", "x" * 64, "x" * 65, "é", "a\tb", "", "a\u00a0", "\u2028x"],
    "msisdn": ["33612345678", "+33612345678", " 33612345678", "33612345679", "33698765432", "0612345678",
               "336123456789012345", "++33612345678", "", "33 612345678", "３３612345678", "+"],
    "type": ["voice", "sms", "mms", "data", "content", "VOICE", "", "fax", " sms"],
    "started_at": [
        "2026-10-03T14:05:09+02:00", "2026-10-03T14:05:09Z", "2026-10-03T14:05:09.5Z", "2026-10-03T14:05:09.1234567Z",
        "2026-10-03 14:05:09+02:00", "2026-02-30T10:00:00Z", "2026-09-31T10:00:00Z", "2026-10-03T14:05:09",
        "2026-10-25T02:30:00+02:00", "2026-10-03T14:05:09,5Z", "2026-10-03T24:00:00Z", "2026-10-03t14:05:09Z",
        "2026-10-03T14:05:09+0200", "2026-08-31T23:30:00+02:00", "2026-09-01T00:30:00+02:00", "2026-11-29T23:59:59Z",
        "2026-11-30T00:00:00+01:00", "2026-10-03T14:05:60Z", "2026-10-03T14:05:09-00:00", "2026-10-03T14:05:09+23:59",
        "2026-10-03T14:05:09+24:00", " 2026-10-03T14:05:09Z", "2026-W40-6T10:00:00Z", "0001-01-01T00:00:00Z",
        "2026-10-03T14:05:09.Z", "2026-10-03T14:05Z", "2025-11-30T23:00:00Z", ""],
    "direction": ["", "out", "in", " in", "IN", "both"],
    "peer": ["33145678901", "+33145678901", "442079460000", "3179", "118712", "0899123456", "33899123456", "", "1",
             "12", "+", "999999", "9999999", "81212", "8613912345678", "123456789012345", "1234567890123456",
             "12345678901", "33 145678901", "٣٣١٤٥٦٧٨٩٠١", "+3179", "0033145678901"],
    "peer_kind": ["", "number", "short", "Short", " short"],
    "duration_s": ["", "0", "187", "-5", "007", "1" * 18, "1" * 19, " 5", "1.5", "٣"],
    "volume_bytes": ["", "0", "52428800", "-1", "9" * 18, "x"],
    "amount": ["", "3.00", "0.5", "1.123456", "1.1234567", "abc", "1e3", "123456789012.5", "1234567890123", "-1",
               " 2", ".5", "5."],
    "country": ["", "FR", "IT", "ES", "US", "fr", "ZZ", "XK", " IT", "GR", "AQ"],
    "network": ["", "20801", "901", "90112", "2080", "abc", "22201", "9011", "901123", "9011234"],
}


def _stamps():
    plain = st.datetimes(min_value=datetime(2025, 9, 1), max_value=datetime(2026, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0))
    offsets = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30)),
                               timezone(timedelta(hours=14))])
    written = st.builds(lambda moment, zone, fraction: moment.replace(tzinfo=zone).isoformat().replace(
        "+00:00", "Z").replace(":00Z", f":00{fraction}Z") if fraction else moment.replace(tzinfo=zone).isoformat(),
        plain, offsets, st.sampled_from(["", ".5", ".123456"]))
    return st.one_of(written, st.sampled_from(EDGES["started_at"]), st.text(max_size=30))


FIELDS = {name: st.one_of(st.sampled_from(values), st.text(max_size=20)) for name, values in EDGES.items()}
FIELDS["record_id"] = st.one_of(st.from_regex(r"[A-Za-z0-9_.:-]{1,20}", fullmatch=True),
                                st.sampled_from(EDGES["record_id"]), st.text(max_size=70))
FIELDS["started_at"] = _stamps()
FIELDS["peer"] = st.one_of(st.sampled_from(EDGES["peer"]), st.from_regex(r"\+?[0-9]{1,16}", fullmatch=True))


@st.composite
def records(draw):
    """The fields of a record as a source writes them: a good record of some type, then none,
    one or two of its columns changed to a variation or junk, or left out."""
    kind = draw(st.sampled_from(["voice", "sms", "mms", "data", "content"]))
    moment = draw(st.datetimes(min_value=datetime(2026, 9, 2), max_value=datetime(2026, 11, 27)))
    fields = {"record_id": draw(FIELDS["record_id"].filter(lambda value: value.strip() == value and value)),
              "msisdn": draw(st.sampled_from(["33612345678", "+33612345678", "33698765432"])),
              "type": kind, "started_at": moment.replace(microsecond=0, tzinfo=UTC).isoformat(),
              "direction": draw(st.sampled_from(["", "out", "in"])),
              "country": draw(st.sampled_from(["", "FR", "IT", "US", "GR"])),
              "network": draw(st.sampled_from(["", "20801", "90112"]))}
    if kind == "content":
        fields.update(peer=draw(st.sampled_from(["81212", "36180"])), peer_kind="short",
                      amount=draw(st.sampled_from(["3.00", "0.5", "12"])))
    elif kind != "data":
        fields["peer"] = draw(st.sampled_from(["33145678901", "+442079460000", "33899123456"]))
    if kind == "voice":
        fields["duration_s"] = draw(st.sampled_from(["0", "187", "3600"]))
    if kind == "data":
        fields["volume_bytes"] = draw(st.sampled_from(["0", "52428800"]))
    for name in draw(st.lists(st.sampled_from(list(FIELDS)), max_size=2)):
        if draw(st.booleans()):
            fields[name] = draw(FIELDS[name])
        else:
            fields.pop(name, None)
    return fields


@pytest.fixture
def checker(demo_catalogue):
    """Camille's line since 1 September 2026; a line terminated on 15 October, its number given
    to another line on 1 November."""
    camille = make_individual("Camille Martin")
    activate_line(account=camille, msisdn="+33612345678", plan_code="forfait_2h", on=date(2026, 9, 1))
    first = activate_line(account=make_individual("Paul Durand"), msisdn="+33698765432", plan_code="forfait_2h",
                          on=date(2026, 9, 1))
    terminate_line(line=first, last_day=date(2026, 10, 15), reason="moved")
    activate_line(account=make_individual("Zoé Petit"), msisdn="+33698765432", plan_code="forfait_2h",
                  on=date(2026, 11, 1))
    return Checker(load_tariff(), NOW)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(records(), min_size=1, max_size=30))
def test_a_record_the_screen_takes_is_accepted_one_by_one_with_the_same_values(checker, drawn):
    _assert_screen_agrees(checker, [Row(number, "", fields) for number, fields in enumerate(drawn, start=2)])


BASES = [
    {"record_id": "v-1", "msisdn": "33612345678", "type": "voice", "started_at": "2026-10-03T14:05:09+02:00",
     "peer": "33145678901", "duration_s": "187"},
    {"record_id": "s-1", "msisdn": "+33698765432", "type": "sms", "direction": "out",
     "started_at": "2026-11-03T14:05:09Z", "peer": "3179", "peer_kind": "short"},
    {"record_id": "d-1", "msisdn": "33612345678", "type": "data", "started_at": "2026-10-31T23:30:00Z",
     "volume_bytes": "52428800", "country": "IT", "network": "22201"},
    {"record_id": "c-1", "msisdn": "33612345678", "type": "content", "started_at": "2026-10-05T10:03:00+02:00",
     "peer": "81212", "peer_kind": "short", "amount": "3.00"},
]


def test_every_variation_of_a_good_record_is_taken_only_as_its_validation_would(checker):
    """Each column of four good records changed to each of its variations (a space, a fraction,
    30 February, a terminated line, a letter...): the screen takes none the validator rejects,
    and takes the plain ones."""
    variants = [{**base, name: value} for base in BASES for name, values in EDGES.items() for value in values]
    variants += [{key: value for key, value in base.items() if key != name} for base in BASES for name in base]
    rows = [Row(number, "", fields) for number, fields in enumerate(variants, start=2)]
    screened = _assert_screen_agrees(checker, rows)
    assert {"v-1", "s-1", "d-1", "c-1"} <= set(screened.good["record_id"].to_pylist())
    assert len(screened.good) > len(rows) // 3


def _assert_screen_agrees(checker, rows):
    screened = screen.screen(len(rows), RowBlock(rows).columns(), checker.context())

    assert sorted([*screened.good["pos"].to_pylist(), *screened.rest]) == list(range(len(rows)))
    for taken in screened.good.to_pylist():
        row = rows[taken["pos"]]
        parsed = validate(row.fields, row.line_number)
        assert isinstance(parsed, ParsedRecord), (row.fields, parsed)
        checked = checker.check(parsed, row.line_number)
        assert isinstance(checked, tuple), (row.fields, checked)
        line_id, day = checked
        assert taken == {
            "pos": taken["pos"], "record_id": parsed.record_id, "line_id": line_id, "msisdn": parsed.msisdn,
            "type": parsed.type, "direction": parsed.direction, "started_at": parsed.started_at.astimezone(UTC),
            "day": day, "peer": parsed.peer, "peer_kind": parsed.peer_kind, "quantity": parsed.quantity,
            "amount": parsed.amount, "country": parsed.country, "network": parsed.network,
        }
    return screened


def test_plain_records_are_all_taken_typed(checker):
    """The screen is not an empty promise: the spec's examples, in their plain form, are taken."""
    rows = [Row(2, "", {"record_id": "a-0001", "msisdn": "33612345678", "type": "voice", "direction": "out",
                        "started_at": "2026-10-03T14:05:09+02:00", "peer": "33145678901", "duration_s": "187",
                        "country": "FR"}),
            Row(3, "", {"record_id": "a-0003", "msisdn": "+33612345678", "type": "data",
                        "started_at": "2026-10-31T23:30:00Z", "volume_bytes": "52428800", "country": "IT"}),
            Row(4, "", {"record_id": "b-0002", "msisdn": "33612345678", "type": "content",
                        "started_at": "2026-10-05T10:03:00.250+02:00", "peer": "81212", "peer_kind": "short",
                        "amount": "3.00", "network": "20801"})]
    screened = screen.screen(len(rows), RowBlock(rows).columns(), checker.context())

    assert screened.rest == []
    taken = screened.good.select(["record_id", "started_at", "day", "quantity", "amount"]).to_pylist()
    assert [(t["record_id"], t["started_at"], t["day"], t["quantity"], str(t["amount"])) for t in taken] == [
        ("a-0001", datetime(2026, 10, 3, 12, 5, 9, tzinfo=UTC), date(2026, 10, 3), 187, "None"),
        ("a-0003", datetime(2026, 10, 31, 23, 30, tzinfo=UTC), date(2026, 11, 1), 52428800, "None"),
        ("b-0002", datetime(2026, 10, 5, 8, 3, 0, 250000, tzinfo=UTC), date(2026, 10, 5), 0, "3.000000"),
    ]


@given(st.lists(records(), min_size=1, max_size=20), st.permutations(COLUMNS))
def test_plain_lines_give_the_rows_and_columns_the_csv_reader_gives(drawn, order):
    """A block of unquoted lines, split column-wise, holds what the row-by-row reader makes of
    the same lines, whatever the order of the columns in the header."""
    columns = tuple(order)
    header = _Header(columns, _fields_maker(columns))
    plain = [{name: value for name, value in fields.items() if not set(value) & set(',"\r\n')} for fields in drawn]
    lines = [",".join(fields.get(name, "") for name in columns) for fields in plain]
    lines.append("too,few")
    block = LineBlock(lines, 2, header)

    rows = [block.row(index) for index in range(len(block))]
    assert [row.fields for row in rows[:-1]] == [{name: fields.get(name, "") for name in columns} for fields in plain]
    assert rows[-1].fields == {"__error__": f"2 fields, the header has {len(columns)}"}
    assert block.columns() == {name: column.combine_chunks() if hasattr(column, "combine_chunks") else column
                               for name, column in RowBlock(rows[:-1] + [Row(0, "", {})]).columns().items()}
