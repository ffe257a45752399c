"""Documents in UBL 2.1 beside CII: build and validation in ms per document, on the same documents in the
same run. Validation is XSD + CEN EN 16931 + BR-FR for both syntaxes (+ the Factur-X profile rules for CII).

The documents are those of tests/documents/document_strategies.py drawn from a fixed seed (1-60 lines,
invoices and credit notes, consumers and businesses): every run measures the same documents. All of them
are built; the first `--validate` of them are validated in this process, then in a pool of `--workers`
spawned processes (0: no pool).

    python bench/ubl.py [--documents 10000] [--validate 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telcobill.documents.cii import build_cii  # noqa: E402
from telcobill.documents.ubl import build_ubl  # noqa: E402
from telcobill.documents.validation import ValidationPool, Validator, fatal  # noqa: E402
from tests.documents.document_strategies import random_documents  # noqa: E402

BUILDERS = {"cii": build_cii, "ubl": build_ubl}


def _per_doc_ms(elapsed: float, count: int) -> float:
    return elapsed / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--validate", type=int, default=1000, help="documents validated per syntax and mode")
    parser.add_argument("--workers", type=int, default=2, help="validation pool size (0: no pool)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    t = time.perf_counter()
    docs = random_documents(args.documents, seed=args.seed)
    generated = time.perf_counter() - t
    lines = sum(len(doc.lines) for doc in docs) / len(docs)
    credit_notes = sum(doc.kind == "credit_note" for doc in docs)
    print(f"{len(docs)} documents (seed {args.seed}: {lines:.1f} lines on average, {credit_notes} credit notes) "
          f"generated in {generated:.1f} s")

    build_ms, xmls = {}, {}
    for syntax, build in BUILDERS.items():
        t = time.perf_counter()
        xmls[syntax] = [build(doc) for doc in docs]
        build_ms[syntax] = _per_doc_ms(time.perf_counter() - t, len(docs))
    size = {syntax: sum(map(len, found)) / len(found) / 1024 for syntax, found in xmls.items()}

    count = min(args.validate, len(docs))
    validate_ms, compile_s, rejected = {}, {}, {}
    for syntax in BUILDERS:
        t = time.perf_counter()
        validator = Validator(syntax=syntax)
        validator.validate(xmls[syntax][0])  # warm the compiled stylesheets
        compile_s[syntax] = time.perf_counter() - t
        t = time.perf_counter()
        results = [validator.validate(xml) for xml in xmls[syntax][:count]]
        validate_ms[syntax] = _per_doc_ms(time.perf_counter() - t, count)
        rejected[syntax] = sum(bool(fatal(failures)) for failures in results)

    pooled_ms = {}
    if args.workers:
        for syntax in BUILDERS:
            with ValidationPool(args.workers, syntax=syntax) as pool:
                pool.validate_many(xmls[syntax][:args.workers * 2])  # start and warm every worker
                t = time.perf_counter()
                pool.validate_many(xmls[syntax][:count])
                pooled_ms[syntax] = _per_doc_ms(time.perf_counter() - t, count)

    def ratio(figures: dict[str, float]) -> str:
        return f"UBL/CII {figures['ubl'] / figures['cii']:.2f}x"

    print(f"XML size: CII {size['cii']:.1f} KiB, UBL {size['ubl']:.1f} KiB per document ({ratio(size)})")
    print(f"Build, all {len(docs)}: CII {build_ms['cii']:.2f} ms, UBL {build_ms['ubl']:.2f} ms per document "
          f"({ratio(build_ms)})")
    print(f"Compile the validator once per process: CII {compile_s['cii']:.1f} s, UBL {compile_s['ubl']:.1f} s")
    print(f"Validation, {count} documents, one process: CII {validate_ms['cii']:.1f} ms, "
          f"UBL {validate_ms['ubl']:.1f} ms per document ({ratio(validate_ms)}); "
          f"rejected: CII {rejected['cii']}, UBL {rejected['ubl']}")
    total = {syntax: build_ms[syntax] + validate_ms[syntax] for syntax in BUILDERS}
    print(f"Build + validation, one process: CII {total['cii']:.1f} ms, UBL {total['ubl']:.1f} ms per document "
          f"({ratio(total)})")
    if pooled_ms:
        print(f"Validation, {count} documents, {args.workers} worker processes: CII {pooled_ms['cii']:.1f} ms, "
              f"UBL {pooled_ms['ubl']:.1f} ms per document ({ratio(pooled_ms)})")


if __name__ == "__main__":
    main()
