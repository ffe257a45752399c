"""HTTP byte ranges (RFC 9110 §14): the part of a file a video player asks for when it seeks.

Pure: a header and a size in, the bytes to send out. One range is served; a request for several
gets the whole file (the RFC allows it, and players ask for one).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # inclusive, as Content-Range writes it

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    """The range starts beyond the end of the file: 416, with the file's size."""


def requested_span(header: str | None, size: int) -> Span | None:
    """The span asked by a Range header for a file of `size` bytes; None to send the whole file (no
    header, one this server ignores: another unit, several ranges, bad syntax). Raises
    Unsatisfiable when the range is well formed but holds no byte of the file."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash or not (first.isdigit() or first == "") or not (last.isdigit() or last == "") or first == last == "":
        return None
    if first == "":  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return Span(max(size - suffix, 0), size - 1)
    start = int(first)
    if last and int(last) < start:  # invalid: the header is ignored
        return None
    if start >= size:
        raise Unsatisfiable
    return Span(start, min(int(last) if last else size - 1, size - 1))
