"""Documents: Factur-X PDFs per second on 2 cores (Typst + CII + XMP), against WeasyPrint rendering
the same invoice in the same run; and schematron validation in ms per document.

    python bench/documents.py [--documents 2000]
"""

from __future__ import annotations

import argparse
import html
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from telcobill.documents.cii import build_cii
from telcobill.documents.data import Document
from telcobill.documents.pdf import render_pdf
from telcobill.documents.sample import sample_document


def _documents(count: int) -> list[Document]:
    variants = [sample_document(business=b, credit_note=c, direct_debit=d)
                for b in (True, False) for c in (False, True) for d in (True, False)]
    return [variants[i % len(variants)] for i in range(count)]


def _render_chunk(count: int) -> int:
    """A worker: renders `count` documents (XML + PDF + Factur-X metadata)."""
    for doc in _documents(count):
        render_pdf(doc, build_cii(doc))
    return count


def _html(doc: Document) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(ln.description)}</td><td>{ln.msisdn}</td><td>{ln.quantity}</td>"
        f"<td>{ln.unit_price}</td><td>{ln.net_amount}</td><td>{ln.vat_rate} %</td></tr>" for ln in doc.lines)
    return f"""<html><head><style>
      @page {{ size: A4; margin: 15mm }} body {{ font-family: sans-serif; font-size: 9pt }}
      table {{ width: 100%; border-collapse: collapse }} td, th {{ border-bottom: 1px solid #ccc; padding: 3px }}
      .addr {{ position: absolute; left: 110mm; top: 45mm }}</style></head><body>
      <h1>{html.escape(doc.seller.name)}</h1><div class="addr">{html.escape(doc.buyer.name)}<br>
      {html.escape(doc.buyer.address.line1)}<br>{doc.buyer.address.postcode} {html.escape(doc.buyer.address.city)}</div>
      <h2>Facture {doc.number} du {doc.issue_date}</h2>
      <table><tr><th>Désignation</th><th>Ligne</th><th>Qté</th><th>PU HT</th><th>HT</th><th>TVA</th></tr>{rows}</table>
      <p>Total HT {doc.total_net} — TVA {doc.total_vat} — TTC {doc.total_gross}</p>
      <footer>{html.escape(doc.seller.legal_form)} au capital de {html.escape(doc.seller.share_capital)}
      — SIREN {doc.seller.siren} — TVA {doc.seller.vat_number}</footer></body></html>"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--weasyprint", type=int, default=60)
    parser.add_argument("--validate", type=int, default=100)
    args = parser.parse_args()

    one = _documents(1)[0]
    render_pdf(one, build_cii(one))  # warm the compiler (fonts, template)
    timings = []
    for doc in _documents(200):
        t = time.perf_counter()
        render_pdf(doc, build_cii(doc))
        timings.append(time.perf_counter() - t)
    typst_ms = statistics.median(timings) * 1000

    import weasyprint

    weasy = []
    for doc in _documents(args.weasyprint):
        t = time.perf_counter()
        weasyprint.HTML(string=_html(doc)).write_pdf()
        weasy.append(time.perf_counter() - t)
    weasy_ms = statistics.median(weasy) * 1000

    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        list(pool.map(_render_chunk, [5, 5]))  # start and warm both workers
        t = time.perf_counter()
        done = sum(pool.map(_render_chunk, [args.documents // 20] * 20))
        elapsed = time.perf_counter() - t
    print(f"Factur-X PDF (Typst + CII + XMP), one process: {typst_ms:.1f} ms per document (median)")
    print(f"WeasyPrint, same invoice as HTML, one process:  {weasy_ms:.1f} ms per document (median)")
    print(f"  ratio WeasyPrint / Factur-X: {weasy_ms / typst_ms:.1f}x")
    print(f"Factur-X PDFs on 2 processes: {done} in {elapsed:.1f} s = {done / elapsed:,.0f} PDFs/s")

    from telcobill.documents.validation import ValidationPool, Validator

    validator = Validator()
    business = [build_cii(sample_document(business=True, credit_note=c, direct_debit=d))
                for c in (False, True) for d in (True, False)]
    validator.validate(business[0])
    t = time.perf_counter()
    for i in range(args.validate):
        validator.validate(business[i % len(business)])
    per_doc = (time.perf_counter() - t) / args.validate * 1000
    with ValidationPool(2) as pool:
        pool.validate_many(business[:2])
        t = time.perf_counter()
        pool.validate_many([business[i % len(business)] for i in range(args.validate)])
        pooled = (time.perf_counter() - t) / args.validate * 1000
    print(f"Schematron (XSD + EN 16931/Factur-X + BR-FR), one process: {per_doc:.1f} ms per document; "
          f"2 worker processes: {pooled:.1f} ms per document")


if __name__ == "__main__":
    main()
