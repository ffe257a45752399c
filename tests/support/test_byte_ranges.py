"""The byte range a video player asks for, read from its Range header (RFC 9110 §14)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcobill.support.ranges import Span, Unsatisfiable, requested_span


@pytest.mark.parametrize(("header", "size", "span"), [
    ("bytes=0-99", 1000, Span(0, 99)),
    ("bytes=500-", 1000, Span(500, 999)),
    ("bytes=-100", 1000, Span(900, 999)),
    ("bytes=900-5000", 1000, Span(900, 999)),  # past the end: up to the last byte
    ("bytes=-5000", 1000, Span(0, 999)),  # a suffix longer than the file: all of it
    ("bytes=999-999", 1000, Span(999, 999)),
    ("bytes=0-1", 1, Span(0, 0)),
    ("Bytes = 10-19", 1000, Span(10, 19)),
])
def test_it_reads_the_one_range_asked(header, size, span):
    assert requested_span(header, size) == span


@pytest.mark.parametrize("header", [None, "", "items=0-9", "bytes=0-9,20-29", "bytes=9-0", "bytes=abc",
                                    "bytes=-", "bytes=1-2-3", "bytes=", "bytes=+1-2"])
def test_it_sends_the_whole_file_for_what_it_does_not_serve(header):
    assert requested_span(header, 1000) is None


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=1000-2000", 1000), ("bytes=-0", 1000),
                                              ("bytes=0-", 0), ("bytes=-10", 0)])
def test_a_range_past_the_end_is_unsatisfiable(header, size):
    with pytest.raises(Unsatisfiable):
        requested_span(header, size)


@given(size=st.integers(1, 10**12), start=st.integers(0, 10**12), extra=st.integers(0, 10**12))
def test_a_span_is_always_inside_the_file(size, start, extra):
    try:
        span = requested_span(f"bytes={start}-{start + extra}", size)
    except Unsatisfiable:
        assert start >= size
        return
    assert span == Span(start, min(start + extra, size - 1))
    assert 1 <= span.length <= size
