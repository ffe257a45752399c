"""The printable document: a PDF/A-3b page rendered by Typst with the CII XML attached (Factur-X).

`render_pdf(doc, xml)` is pure: a `Document` and its XML in, PDF bytes out. Every text is
prepared here (money and dates by babel, MSISDNs by phonenumbers, words in the document's
language) and handed to `templates/invoice.typ` as JSON through `sys.inputs`, so a customer's
name is data, never Typst markup. The template attaches the XML itself (`pdf.attach`,
AFRelationship /Alternative); the Factur-X properties are then added to the XMP metadata as a
small incremental update (pikepdf reads the file, nothing is rewritten).

One `typst.Compiler` per process keeps the parsed template and the loaded fonts; only the
inputs change between documents.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import threading
from pathlib import Path

import pikepdf
import typst
from facturx import get_xml_from_pdf
from lxml import etree

from telcobill.documents.data import Document

from .pdf_context import context

TEMPLATES = Path(__file__).with_name("templates")
FACTURX_FILENAME = "factur-x.xml"
FX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

# ---------------------------------------------------------------- public API


def render_pdf(doc: Document, xml: bytes) -> bytes:
    """The Factur-X PDF/A-3b of `doc`, with `xml` (UTF-8 CII) attached as factur-x.xml."""
    return add_facturx_metadata(render_page(doc, xml))


def render_page(doc: Document, xml: bytes) -> bytes:
    """Typst's PDF/A-3b with the XML attached, before the Factur-X XMP properties are added."""
    data = _printable(json.dumps(context(doc), ensure_ascii=False))
    inputs = {"data": data, "xml": xml.decode("utf-8")}
    return _compiler().compile(format="pdf", pdf_standards="a-3b", sys_inputs=inputs)


def add_facturx_metadata(pdf: bytes) -> bytes:
    """Add fx:DocumentType/DocumentFileName/Version/ConformanceLevel (EN 16931) to the XMP,
    with the PDF/A extension-schema description `factur-x` writes, keeping pdfaid 3/B.

    The new metadata stream is appended as an incremental update (ISO 32000 7.5.6, allowed by
    PDF/A): Typst's bytes stay as they are and nothing is rewritten, ~0.5 ms a document where a
    pikepdf/qpdf save of the whole file takes 5-10 ms.
    """
    with pikepdf.open(io.BytesIO(pdf)) as pdf_doc:
        metadata = pdf_doc.Root.Metadata
        xmp = _facturx_xmp(metadata.read_bytes())
        number, generation = metadata.objgen
        trailer = pdf_doc.trailer
        references = b"".join(b"/%s %d %d R" % (key.encode(), *trailer[f"/{key}"].objgen)
                              for key in ("Root", "Info") if f"/{key}" in trailer)
        ids = b"".join(b"<%s>" % bytes(part).hex().encode() for part in trailer.ID)
        size = int(trailer.Size)
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf[-1024:])[-1])
    if not number or pdf[previous:previous + 4] != b"xref":
        # Not the classic cross-reference table Typst writes today: let qpdf rewrite the file.
        return _rewrite_metadata(pdf, xmp)
    head = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    obj = b"%d %d obj\n<</Type/Metadata/Subtype/XML/Length %d>>\nstream\n%s\nendstream\nendobj\n" % (
        number, generation, len(xmp), xmp)
    xref = b"xref\n0 1\n0000000000 65535 f\r\n%d 1\n%010d %05d n\r\n" % (number, len(head), generation)
    tail = b"trailer\n<</Size %d%s/ID[%s]/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        size, references, ids, previous, len(head) + len(obj))
    return head + obj + xref + tail


def _rewrite_metadata(pdf: bytes, xmp: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as pdf_doc:
        pdf_doc.Root.Metadata = pdf_doc.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        out = io.BytesIO()
        pdf_doc.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False)
    return out.getvalue()


def read_back(pdf: bytes) -> bytes:
    """The embedded factur-x.xml, read with the `factur-x` library's own reader."""
    filename, xml = get_xml_from_pdf(pdf, check_xsd=False, filenames=[FACTURX_FILENAME])
    if not filename:
        raise ValueError("no factur-x.xml attachment in this PDF")
    return xml


def pdfa_markers(pdf: bytes) -> dict[str, str]:
    """The PDF/A identification and Factur-X properties of the XMP metadata, e.g.
    {"pdfaid:part": "3", "pdfaid:conformance": "B", "fx:ConformanceLevel": "EN 16931", ...}."""
    with pikepdf.open(io.BytesIO(pdf)) as pdf_doc:
        meta = pdf_doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        keys = {"pdfaid:part": "pdfaid:part", "pdfaid:conformance": "pdfaid:conformance"}
        for name in ("DocumentType", "DocumentFileName", "Version", "ConformanceLevel"):
            keys[f"fx:{name}"] = f"{{{FX_NS}}}{name}"
        return {key: str(meta[xmp_key]) for key, xmp_key in keys.items() if xmp_key in meta}


# ---------------------------------------------------------------- Typst


_local = threading.local()


def _compiler() -> typst.Compiler:
    # One per process (a forked worker builds its own) and per thread: a compiler is not shared.
    if getattr(_local, "pid", None) != os.getpid():
        _local.compiler = typst.Compiler(
            str(TEMPLATES / "invoice.typ"),
            root=str(TEMPLATES),
            font_paths=[str(TEMPLATES / "fonts")],
            ignore_system_fonts=True,
        )
        _local.pid = os.getpid()
    return _local.compiler


@functools.cache
def _unprintable() -> re.Pattern:
    ranges = json.loads((TEMPLATES / "fonts" / "coverage.json").read_text())
    allowed = "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges)
    return re.compile(f"[^{allowed}]")


def _printable(text: str) -> str:
    """Characters the bundled font cannot draw (a name in Chinese script, say) become U+FFFD:
    PDF/A export refuses a missing glyph, and one customer's name must not stop a bill run.
    The XML keeps the exact text."""
    return _unprintable().sub("\ufffd", text)


# ---------------------------------------------------------------- XMP

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_EXT = "http://www.aiim.org/pdfa/ns/extension/"
_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PROP = "http://www.aiim.org/pdfa/ns/property#"
# Names and descriptions as factur-x 7.8 (facturx.generate_xmp_object) writes them.
_FX_PROPERTIES = {
    "DocumentFileName": "The name of the embedded XML document",
    "DocumentType": "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
    "Version": "The actual version of the standard applying to the embedded XML document",
    "ConformanceLevel": "The conformance level of the embedded XML document",
}
_FX_VALUES = {"DocumentType": "INVOICE", "DocumentFileName": FACTURX_FILENAME, "Version": "1.0",
              "ConformanceLevel": "EN 16931"}
_XPACKET_HEAD = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'.encode()


def _facturx_xmp(xmp: bytes) -> bytes:
    root = etree.fromstring(xmp)
    rdf = root.find(f"{{{_RDF}}}RDF")
    resource = {f"{{{_RDF}}}parseType": "Resource"}
    # One pdfaExtension:schemas per packet: join the bag Typst wrote (xmpMM, pdf) if there is one.
    bag = rdf.find(f"{{{_RDF}}}Description/{{{_EXT}}}schemas/{{{_RDF}}}Bag")
    if bag is None:
        holder = etree.SubElement(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""},
                                  nsmap={"pdfaExtension": _EXT, "pdfaSchema": _SCHEMA, "pdfaProperty": _PROP})
        bag = etree.SubElement(etree.SubElement(holder, f"{{{_EXT}}}schemas"), f"{{{_RDF}}}Bag")
    schema = etree.SubElement(bag, f"{{{_RDF}}}li", resource)
    etree.SubElement(schema, f"{{{_SCHEMA}}}schema").text = "Factur-X PDFA Extension Schema"
    etree.SubElement(schema, f"{{{_SCHEMA}}}namespaceURI").text = FX_NS
    etree.SubElement(schema, f"{{{_SCHEMA}}}prefix").text = "fx"
    seq = etree.SubElement(etree.SubElement(schema, f"{{{_SCHEMA}}}property"), f"{{{_RDF}}}Seq")
    for name, description in _FX_PROPERTIES.items():
        prop = etree.SubElement(seq, f"{{{_RDF}}}li", resource)
        etree.SubElement(prop, f"{{{_PROP}}}name").text = name
        etree.SubElement(prop, f"{{{_PROP}}}valueType").text = "Text"
        etree.SubElement(prop, f"{{{_PROP}}}category").text = "external"
        etree.SubElement(prop, f"{{{_PROP}}}description").text = description
    values = etree.SubElement(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""}, nsmap={"fx": FX_NS})
    for name, value in _FX_VALUES.items():
        etree.SubElement(values, f"{{{FX_NS}}}{name}").text = value
    return _XPACKET_HEAD + etree.tostring(root, encoding="utf-8") + b'<?xpacket end="w"?>'


