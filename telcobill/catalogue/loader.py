"""Load a catalogue TOML file: check everything first, then write it in one transaction.

The file is the whole catalogue: products, zones, VAT and rounding rules it lists are created or
updated, their dated rows replaced by the file's (which carries the full history, so an old period
re-bills at its old prices); a product it no longer lists is deleted, or retired when still in use.
The format is described in docs/catalogue.md.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .loading.fields import CatalogueError
from .loading.read import read_catalogue
from .loading.spec import CatalogueSpec
from .loading.write import LoadReport, Tally, write_catalogue

__all__ = ["DEMO_CATALOGUE", "CatalogueError", "LoadReport", "Tally", "check_catalogue", "load_catalogue"]

# The demo operator's catalogue, shipped with the package (used by the demo and the tests).
DEMO_CATALOGUE = Path(__file__).with_name("demo_catalogue.toml")

_POSITION = re.compile(r"^(?P<what>.*) \(at (?P<where>line \d+, column \d+|end of document)\)$", re.S)


def check_catalogue(path: str | Path) -> tuple[CatalogueSpec, str]:
    """Read and check a catalogue file without writing: (the catalogue, sha256 of the file).
    Raise `CatalogueError` listing every problem."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"{name}: cannot be read: {exc.strerror or exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{name}: expected UTF-8 text, got byte 0x{data[exc.start]:02x} at offset "
                             f"{exc.start}") from None
    try:
        document = tomllib.loads(text, parse_float=Decimal)  # money stays exact
    except tomllib.TOMLDecodeError as exc:
        match = _POSITION.match(str(exc))
        where, what = (match["where"], match["what"]) if match else ("", str(exc))
        raise CatalogueError(f"{name}: {where + ': ' if where else ''}TOML syntax error: {what}") from None
    return read_catalogue(document, name), digest


def load_catalogue(path: str | Path) -> LoadReport:
    """Check the catalogue file at `path`, then write it and a new policy row in one transaction.
    Nothing is written when the file has a problem: `CatalogueError` lists them all."""
    path = Path(path)
    spec, digest = check_catalogue(path)
    with transaction.atomic():
        return write_catalogue(spec, source=str(path.resolve()), sha256=digest)
