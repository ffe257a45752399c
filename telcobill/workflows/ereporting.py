"""E-reporting (DGFiP "flux 10"): the periodic summaries of what e-invoicing does not carry.

- 10.3 transactions: the documents issued to consumers (buyer not a business), per issue day and
  per VAT (category, rate): taxable base, VAT, number of documents. Credit notes count negative.
- 10.4 payments: the payments allocated to invoices (consumer and business: VAT on services is
  due when paid), per day of allocation and per VAT (category, rate), reversals negative. Not due
  when the operator opted for VAT on debits (OPERATOR["vat_on_debits"]).

Every amount comes from the documents' own VAT breakdown (computed per rate on their stored lines
exactly as printed: `payments.services.accounting.printed_totals`, as the accounting exports do),
never from a VAT recomputed on aggregated bases; the file holds no timestamp, so the same stored
documents always give the same bytes (docs/ereporting.md).
"""

from __future__ import annotations

import calendar
import dataclasses
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.billing.totals import VatLine
from telcobill.documents.models import EReport, EReportKind
from telcobill.documents.services.delivery import default_platform, exchange_of
from telcobill.errors import Invalid, NotAllowed
from telcobill.files import write_atomically
from telcobill.money import CENT, ZERO, to_cents
from telcobill.payments.models import Allocation, EntryKind
from telcobill.payments.services.accounting import chunks, printed_totals, vat_key

CADENCES = ("decade", "month")
START = date(2026, 9, 1)  # e-reporting starts on 1 September 2026 (RULES.md)
OPERATION_CATEGORY = "TPS1"  # "prestations de services": all an operator bills
# Periods reported over this many days ago are not re-examined for late data.
CORRECTION_DAYS = 366
REPORT_TYPES = {EReportKind.TRANSACTIONS: "10.3", EReportKind.PAYMENTS: "10.4"}
NAMESPACE = "urn:telcobill:ereporting:flux10:1"
CHUNK = 2000


# --- Periods ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included


def period_of(day: date, cadence: str) -> Period:
    """The period holding `day`: a decade (1–10, 11–20, 21–end of month) or a month."""
    last = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if cadence == "month":
        return Period(day.replace(day=1), last)
    if cadence == "decade":
        if day.day <= 10:
            return Period(day.replace(day=1), day.replace(day=10))
        if day.day <= 20:
            return Period(day.replace(day=11), day.replace(day=20))
        return Period(day.replace(day=21), last)
    raise ImproperlyConfigured(f"e-reporting cadence {cadence!r}: expected one of {', '.join(CADENCES)}")


def periods(start: date, end: date, cadence: str) -> list[Period]:
    """The periods holding at least one day from `start` to `end` included, in order."""
    result = []
    day = start
    while day <= end:
        period = period_of(day, cadence)
        result.append(period)
        day = period.end + timedelta(days=1)
    return result


def cadence_of(kind: str) -> str:
    """Transactions follow the VAT regime's cadence; payments are monthly in both regimes."""
    return settings.EINVOICING["ereporting_cadence"] if kind == EReportKind.TRANSACTIONS else "month"


# --- The report, as plain data ----------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """Amounts of one VAT (category, rate), signed, with the number of operations behind them."""

    category: str
    rate: Decimal
    base: Decimal
    vat: Decimal
    count: int

    def as_json(self) -> dict:
        return {"category": self.category, "rate": str(self.rate), "base": str(self.base), "vat": str(self.vat),
                "count": self.count}


@dataclass(frozen=True)
class EReportData:
    kind: str
    period_start: date
    period_end: date
    siren: str
    days: tuple[tuple[date, tuple[Cell, ...]], ...]
    totals: tuple[Cell, ...]
    count: int  # documents (10.3), or payments and reversals applied to an invoice (10.4)
    total_net: Decimal
    total_vat: Decimal
    # A corrective report (data booked late into a period already reported) replaces the previous
    # version of the period whole; version 1 is the first report.
    version: int = 1
    replaces: str = ""  # the SHA-256 of the version it replaces

    def totals_json(self) -> list[dict]:
        return [cell.as_json() for cell in self.totals]

    @property
    def file_name(self) -> str:
        suffix = f"_v{self.version}" if self.version > 1 else ""
        return (f"{REPORT_TYPES[self.kind]}_{self.siren}_{self.period_start:%Y%m%d}_{self.period_end:%Y%m%d}"
                f"{suffix}.xml")


class _Sums:
    """The amounts of a period by (day, VAT category, rate); each `add` is one operation (a document,
    or a payment applied to an invoice) counted in its cell."""

    def __init__(self) -> None:
        self.cells: dict[tuple[date, str, Decimal], list] = defaultdict(lambda: [ZERO, ZERO, 0])
        self.count = 0

    def add(self, day: date, category: str, rate: Decimal, base: Decimal, vat: Decimal) -> None:
        cell = self.cells[day, category, Decimal(rate)]
        cell[0] += base
        cell[1] += vat
        cell[2] += 1

    def result(self, kind: str, period: Period, siren: str) -> EReportData:
        by_day: dict[date, list[Cell]] = defaultdict(list)
        totals: dict[tuple[str, Decimal], list] = defaultdict(lambda: [ZERO, ZERO, 0])
        for (day, category, rate), (base, vat, count) in sorted(
                self.cells.items(), key=lambda item: (item[0][0], vat_key(*item[0][1:]))):
            by_day[day].append(Cell(category, rate, base, vat, count))
            total = totals[category, rate]
            total[0], total[1], total[2] = total[0] + base, total[1] + vat, total[2] + count
        cells = tuple(Cell(category, rate, *totals[category, rate])
                      for category, rate in sorted(totals, key=lambda key: vat_key(*key)))
        return EReportData(kind, period.start, period.end, siren, tuple((d, tuple(c)) for d, c in by_day.items()),
                           cells, self.count, sum((c.base for c in cells), ZERO), sum((c.vat for c in cells), ZERO))


# --- 10.3: consumer transactions --------------------------------------------------------------

def build_transactions_report(period_start: date, period_end: date) -> tuple[EReportData, bytes]:
    """10.3 over the documents issued to consumers from `period_start` to `period_end` included."""
    sums = _Sums()
    heads = (Invoice.objects.filter(status=InvoiceStatus.ISSUED, issue_date__range=(period_start, period_end))
             .order_by("issue_date", "number")
             .values_list("pk", "number", "kind", "issue_date", "total_net", "total_vat", "buyer__is_business")
             .iterator(chunk_size=CHUNK))
    for chunk in chunks(heads, CHUNK):
        # The buyer's kind is frozen on the document (its `buyer`), as the document printed it.
        chunk = [head for head in chunk if not head[6]]
        printed = printed_totals([head[0] for head in chunk])
        for pk, number, kind, day, total_net, total_vat, _ in chunk:
            vat_lines = printed[pk].vat_lines
            if (sum((v.base for v in vat_lines), ZERO), sum((v.amount for v in vat_lines), ZERO)) != (total_net,
                                                                                                         total_vat):
                raise ValueError(f"{number}: its lines do not add up to its stored totals (invariant 8 broken)")
            sign = -1 if kind == DocumentKind.CREDIT_NOTE else 1
            sums.count += 1
            for v in vat_lines:
                sums.add(day, v.category, v.rate, sign * v.base, sign * v.amount)
    data = sums.result(EReportKind.TRANSACTIONS, Period(period_start, period_end), settings.OPERATOR["siren"])
    return data, to_xml(data)


# --- 10.4: payments ---------------------------------------------------------------------------

def split(amount: Decimal, vat_lines: tuple[VatLine, ...]) -> tuple[tuple[str, Decimal, Decimal, Decimal], ...]:
    """`amount` (VAT included) of an invoice split pro rata of its gross per VAT (category, rate),
    as (category, rate, base, vat): cents go to the largest remainders, so the parts add up to
    `amount` exactly, and the invoice's whole gross gives back its breakdown exactly."""
    grosses = [v.base + v.amount for v in vat_lines]
    total = sum(grosses, ZERO)
    if total == 0:
        return ()
    raw = [amount * gross / total for gross in grosses]
    parts = [r.quantize(CENT, rounding=ROUND_FLOOR) for r in raw]
    left = int((amount - sum(parts, ZERO)) / CENT)
    for index in sorted(range(len(raw)), key=lambda i: -(raw[i] - parts[i]))[:left]:
        parts[index] += CENT
    result = []
    for v, gross, part in zip(vat_lines, grosses, parts, strict=True):
        vat = to_cents(part * v.amount / gross) if gross else ZERO
        result.append((v.category, v.rate, part - vat, vat))
    return tuple(result)


def build_payments_report(period_start: date, period_end: date) -> tuple[EReportData, bytes]:
    """10.4 over the payments (and their reversals) allocated to invoices from `period_start` to
    `period_end` included, dated by the allocation: a payment received before its invoice (credit)
    is reported when it pays it. Each allocation's VAT is its share of what was paid on the invoice
    so far: split(paid after) − split(paid before), allocations in the order they were written.
    An invoice paid in full over several payments thus reports exactly its own VAT per rate."""
    paid = Allocation.objects.filter(source__kind=EntryKind.PAYMENT, target__kind=EntryKind.INVOICE)
    invoices = sorted(set(paid.filter(on__range=(period_start, period_end)).values_list("target__invoice_id",
                                                                                        flat=True)))
    sums = _Sums()
    for chunk in chunks(invoices, CHUNK):
        breakdowns = {pk: totals.vat_lines for pk, totals in printed_totals(chunk).items()}
        so_far: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for invoice_id, on, amount in (paid.filter(target__invoice_id__in=chunk).order_by("pk")
                                       .values_list("target__invoice_id", "on", "amount")):
            before, so_far[invoice_id] = so_far[invoice_id], so_far[invoice_id] + amount
            if not period_start <= on <= period_end:
                continue
            sums.count += 1
            after_parts, before_parts = split(so_far[invoice_id], breakdowns[invoice_id]), split(
                before, breakdowns[invoice_id])
            for (category, rate, base, vat), (_, _, base_before, vat_before) in zip(after_parts, before_parts,
                                                                                    strict=True):
                if (base, vat) != (base_before, vat_before):
                    sums.add(on, category, rate, base - base_before, vat - vat_before)
    data = sums.result(EReportKind.PAYMENTS, Period(period_start, period_end), settings.OPERATOR["siren"])
    return data, to_xml(data)


# --- The file ---------------------------------------------------------------------------------

def _amounts(parent, cell_or_total, *, count: int) -> None:
    base, vat = cell_or_total
    etree.SubElement(parent, "TaxableAmount").text = f"{base:.2f}"
    etree.SubElement(parent, "TaxAmount").text = f"{vat:.2f}"
    etree.SubElement(parent, "TotalAmount").text = f"{base + vat:.2f}"
    etree.SubElement(parent, "Count").text = str(count)


def _vat(parent, cell: Cell) -> None:
    element = etree.SubElement(parent, "Vat", category=cell.category, rate=f"{cell.rate:.2f}")
    _amounts(element, (cell.base, cell.vat), count=cell.count)


def to_xml(data: EReportData) -> bytes:
    """The report's file. Element names in the spirit of flux 10: they are swapped for those of
    the DGFiP's XSD when the platform asks for it (docs/ereporting.md). No timestamp: same data,
    same bytes."""
    root = etree.Element("Report", nsmap={None: NAMESPACE})
    header = etree.SubElement(root, "Header")
    etree.SubElement(header, "ReportType").text = REPORT_TYPES[data.kind]
    etree.SubElement(etree.SubElement(header, "Sender"), "Siren").text = data.siren
    period = etree.SubElement(header, "Period")
    etree.SubElement(period, "Start").text = data.period_start.isoformat()
    etree.SubElement(period, "End").text = data.period_end.isoformat()
    etree.SubElement(header, "Currency").text = "EUR"
    if data.version > 1:  # a corrective report: it replaces the previous one of the period whole
        etree.SubElement(header, "Version").text = str(data.version)
        etree.SubElement(header, "Replaces", sha256=data.replaces)
    body = etree.SubElement(root, "Transactions" if data.kind == EReportKind.TRANSACTIONS else "Payments")
    for day, cells in data.days:
        category = etree.SubElement(etree.SubElement(body, "Day", date=day.isoformat()), "OperationCategory",
                                    code=OPERATION_CATEGORY)
        for cell in cells:
            _vat(category, cell)
    totals = etree.SubElement(root, "Totals")
    for cell in data.totals:
        _vat(totals, cell)
    _amounts(etree.SubElement(totals, "Total"), (data.total_net, data.total_vat), count=data.count)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def report_dir() -> Path:
    return Path(settings.EINVOICING["dir"]) / "ereporting"


# --- Use cases --------------------------------------------------------------------------------

BUILDERS = {EReportKind.TRANSACTIONS: build_transactions_report, EReportKind.PAYMENTS: build_payments_report}


def _period(kind: str, period_start: date) -> Period:
    if kind not in BUILDERS:
        raise Invalid(f"e-reporting kind {kind!r}: expected one of {', '.join(BUILDERS)}")
    period = period_of(period_start, cadence_of(kind))
    if period.start != period_start:
        raise Invalid(f"{period_start} does not start a {kind} period ({cadence_of(kind)}); "
                      f"the period holding it starts on {period.start}")
    return period


def _build(kind: str, period: Period, version: int = 1, replaces: str = "") -> tuple[EReportData, bytes]:
    data, content = BUILDERS[kind](period.start, period.end)
    if version > 1:
        data = dataclasses.replace(data, version=version, replaces=replaces)
        content = to_xml(data)
    return data, content


def latest(kind: str, period_start: date) -> EReport | None:
    """The report in force for a period: its last version."""
    return EReport.objects.filter(kind=kind, period_start=period_start).order_by("-version").first()


def produce(kind: str, period_start: date, *, force: bool = False, today: date | None = None,
            correct: bool = False) -> EReport:
    """Build the report of the period starting on `period_start`, write its file and record it.
    Producing it again gives the same bytes and changes nothing. When the stored data now give
    other figures (a payment booked late into the period), `correct=True` records a corrective
    version that replaces the previous one whole; without it the difference is refused."""
    period = _period(kind, period_start)
    today = today or timezone.localdate()
    if period.end >= today:
        raise NotAllowed(f"the period {period.start} – {period.end} is not over: it is reported from the day after",
                         code="period_open")
    if kind == EReportKind.PAYMENTS and settings.OPERATOR["vat_on_debits"] and not force:
        raise NotAllowed("the operator opted for VAT on debits: no payments report is due (force to produce one)",
                         code="vat_on_debits")
    current = latest(kind, period.start)
    version, replaces = 1, ""
    if current is not None:
        data, content = _build(kind, period, current.version, current.replaces.sha256 if current.replaces else "")
        sha256 = hashlib.sha256(content).hexdigest()
        if sha256 == current.sha256:
            write_atomically(report_dir() / data.file_name, content)
            return current
        if not correct:
            _refuse_if_changed(current, sha256)
        version, replaces = current.version + 1, current.sha256
    data, content = _build(kind, period, version, replaces)
    sha256 = hashlib.sha256(content).hexdigest()
    fields = {"period_end": period.end, "siren": data.siren, "totals": data.totals_json(),
              "document_count": data.count, "total_net": data.total_net, "total_vat": data.total_vat,
              "file_name": data.file_name, "sha256": sha256, "replaces": current if version > 1 else None}
    write_atomically(report_dir() / data.file_name, content)
    try:
        with transaction.atomic():
            report, _ = EReport.objects.get_or_create(kind=kind, period_start=period.start, version=version,
                                                      defaults=fields)
    except IntegrityError:  # produced concurrently: it must have given the same bytes
        report = EReport.objects.get(kind=kind, period_start=period.start, version=version)
    if report.sha256 != sha256:
        _refuse_if_changed(report, sha256)
    return report


def deposit(report: EReport) -> EReport:
    """Hand the report's file to the default platform (its outbox, `ereporting/`), once."""
    platform = default_platform()
    if platform is None or report.deposited_at is not None:
        return report
    content = (report_dir() / report.file_name).read_bytes()
    exchange_of(platform).deposit(f"ereporting/{report.file_name}", content)
    EReport.objects.filter(pk=report.pk).update(platform=platform, deposited_at=timezone.now())
    report.refresh_from_db()
    return report


def _refuse_if_changed(report: EReport | None, sha256: str) -> None:
    if report is not None and report.sha256 and report.sha256 != sha256:
        raise NotAllowed(f"the {report.kind} report of {report.period_start} – {report.period_end} was produced "
                         f"with SHA-256 {report.sha256}; the stored data now give {sha256}. Issued documents and "
                         "payments never change, but a payment may be booked late into a period: "
                         "`telcobill ereporting due` sends a corrective version",
                         code="ereport_changed")


def produce_due(today: date, *, since: date | None = None) -> list[EReport]:
    """Produce every report whose period ended before `today` and has none yet, from `since` (by
    default the period of the first issued document, not before 1 September 2026)."""
    if since is None:
        first = (Invoice.objects.filter(status=InvoiceStatus.ISSUED).order_by("issue_date")
                 .values_list("issue_date", flat=True).first())
        if first is None:
            return []
        since = max(first, START)
    kinds = [EReportKind.TRANSACTIONS] + ([] if settings.OPERATOR["vat_on_debits"] else [EReportKind.PAYMENTS])
    produced = []
    for kind in kinds:
        done = set(EReport.objects.filter(kind=kind).values_list("period_start", flat=True))
        for period in periods(since, today - timedelta(days=1), cadence_of(kind)):
            if period.end < today and period.start not in done:
                produced.append(deposit(produce(kind, period.start, today=today)))
        # Data booked late into a period already reported (a bank statement imported days after
        # the payment): the period is reported again, whole, as a corrective version.
        recent = (EReport.objects.filter(kind=kind, period_end__gte=today - timedelta(days=CORRECTION_DAYS))
                  .values_list("period_start", flat=True).distinct())
        for start in sorted(set(recent)):
            before = latest(kind, start).version
            report = produce(kind, start, today=today, correct=True, force=True)
            if report.version > before:
                produced.append(deposit(report))
    return produced


def check(report: EReport) -> list[str]:
    """What differs between a recorded report (its totals, its file) and the same report built
    again from the stored documents, to the cent. Empty: reproducible. (A version replaced by a
    corrective one differs by what was booked late: check the period's latest.)"""
    period = Period(report.period_start, report.period_end)
    data, content = _build(report.kind, period, report.version, report.replaces.sha256 if report.replaces else "")
    problems = []
    if report.siren != data.siren:
        problems.append(f"SIREN: {report.siren} recorded, {data.siren} now")
    recorded = {(row["category"], Decimal(row["rate"])): row for row in report.totals}
    rebuilt = {(cell.category, cell.rate): cell.as_json() for cell in data.totals}
    for key in sorted(set(recorded) | set(rebuilt), key=lambda key: vat_key(*key)):
        was, now = recorded.get(key, {}), rebuilt.get(key, {})
        for field in ("base", "vat", "count"):
            if str(was.get(field)) != str(now.get(field)):
                problems.append(f"{key[0]} {key[1]:.2f} %: {field} {was.get(field)} recorded, "
                                f"{now.get(field)} from the documents")
    for label, was, now in [("documents", report.document_count, data.count),
                            ("total excl. VAT", report.total_net, data.total_net),
                            ("total VAT", report.total_vat, data.total_vat)]:
        if was != now:
            problems.append(f"{label}: {was} recorded, {now} from the documents")
    sha256 = hashlib.sha256(content).hexdigest()
    if report.sha256 != sha256:
        problems.append(f"file: SHA-256 {report.sha256} recorded, {sha256} built again")
    path = report_dir() / report.file_name
    if not path.is_file():
        problems.append(f"file {path} is missing")
    elif hashlib.sha256(path.read_bytes()).hexdigest() != report.sha256:
        problems.append(f"file {path} is not the one recorded (SHA-256 differs)")
    return problems
