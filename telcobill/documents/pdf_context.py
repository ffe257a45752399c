"""What the invoice template prints: every text of a document, formatted in its language.

Money and dates by babel, MSISDNs by phonenumbers, words in French or English; handed to
`templates/invoice.typ` as JSON, so a customer's name is data, never Typst markup.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_interval
from babel.numbers import format_currency, format_decimal, format_percent

from telcobill.customers import identifiers
from telcobill.documents.data import Document, DocumentLine, Party, VatTotal
from telcobill.money import to_cents, vat_of

from .pdf_words import LABELS, PAYMENT_TEXT, UNITS

DEFAULT_BRAND_COLOUR = "#0057B8"

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
SECTIONS = ("plan_options", "communications", "one_off", "third_party", "adjustments", "penalties")
# Notes printed elsewhere (REG in the footer, TXD as the VAT-on-debits mention) or not for people (BAR).
_UNPRINTED_NOTES = {"BAR", "REG", "TXD"}
# Code de commerce L441-9/L441-10: payment-terms mentions owed to professionals only.
_B2B_NOTES = ("PMD", "PMT", "AAB")

# ---------------------------------------------------------------- what the template prints


def context(doc: Document) -> dict:
    """Everything the template prints, as ready-made strings (JSON-serialisable)."""
    lang = doc.language if doc.language in LABELS else "fr"
    fmt = _Formats(lang, doc.currency)
    labels = LABELS[lang]
    b2c = not doc.buyer_is_business
    credit = doc.kind == "credit_note"
    title = labels["credit_note" if credit else "invoice"]

    sections, by_msisdn = [], {}
    for key, lines in _by_section(doc.lines):
        groups = []
        for msisdn, rows in _by_msisdn(lines):
            net = sum((r.net_amount for r in rows), Decimal(0))
            gross = sum((_gross(r) for r in rows), Decimal(0))
            label = f"{labels['line']} {_format_msisdn(msisdn)}" if msisdn else (
                f"{labels['account_level']} {doc.account_number}")
            total = by_msisdn.setdefault(msisdn, [label, Decimal(0), Decimal(0)])
            total[1] += net
            total[2] += gross
            groups.append({"label": label, "total": fmt.money(gross if b2c else net),
                           "rows": [_row(r, fmt) for r in rows]})
        net = sum((r.net_amount for r in lines), Decimal(0))
        gross = sum((_gross(r) for r in lines), Decimal(0))
        sections.append({
            "key": key, "title": labels["sections"].get(key, labels["other_section"]),
            "note": labels["third_party_note"] if key == "third_party" else "",
            "groups": groups, "net": fmt.money(net), "gross": fmt.money(gross),
        })

    # With a single line (MSISDN) the detail is not split per line: the heading names it.
    single = len(by_msisdn) == 1 and "" not in by_msisdn
    detail = f"{labels['detail_of_line']} {_format_msisdn(next(iter(by_msisdn)))}" if single else labels["detail"]
    return {
        "lang": lang, "b2c": b2c, "labels": _table_labels(labels, b2c),
        "detail_title": detail, "grouped": not single,
        "brand": _brand(doc),
        "title": title, "number": doc.number,
        "document_title": f"{title} {doc.number}",
        "seller": {"name": doc.seller.name, "address": _one_line(doc.seller, lang)},
        "recipient": _recipient(doc.buyer, lang),
        "sender_line": f"{doc.seller.name} · {_one_line(doc.seller, lang)}",
        "meta": _meta(doc, labels, fmt),
        "summary": _summary(doc, labels, fmt),
        "sections": sections,
        "by_line": [
            {"label": label, "net": fmt.money(net), "gross": fmt.money(gross)}
            for label, net, gross in by_msisdn.values()
        ] if len(by_msisdn) > 1 else [],
        "vat": [_vat_row(v, labels, fmt) for v in doc.vat_totals],
        "totals": _totals(doc, labels, fmt),
        "notes": _notes(doc, labels, fmt),
        "footer": _footer(doc, labels, lang),
        "running_header": f"{title} {doc.number} · {labels['account']} {doc.account_number}",
    }


# babel takes 0.05-0.2 ms a call, and a bill run prints the same prices and periods over and over.
@functools.lru_cache(maxsize=8192)
def _currency(amount: Decimal, currency: str, locale: str, all_decimals: bool) -> str:
    return format_currency(amount, currency, locale=locale, decimal_quantization=not all_decimals)


@functools.lru_cache(maxsize=4096)
def _date(value: date, locale: str, pattern: str = "medium") -> str:
    return format_date(value, pattern, locale=locale)


@functools.lru_cache(maxsize=4096)
def _period(start: date, end: date, lang: str) -> str:
    """"du 1 au 30 nov. 2026", "du 15 oct. au 14 nov. 2026"; "1–30 Nov 2026" in English."""
    locale = LOCALES[lang]
    if lang != "fr":
        return format_interval(start, end, "yMMMd", locale=locale)
    if (start.year, start.month) == (end.year, end.month):
        first = str(start.day)
    elif start.year == end.year:
        first = _date(start, locale, "d MMM")
    else:
        first = _date(start, locale)
    return f"du {first} au {_date(end, locale)}"


# phonenumbers takes ~0.25 ms; a line appears once per section it has charges in.
_format_msisdn = functools.lru_cache(maxsize=1024)(identifiers.format_msisdn)


@functools.lru_cache(maxsize=4096)
def _number(value: Decimal, locale: str) -> str:
    """1, 37, 12,5 - never "1,000" for a quantity stored as 1.000."""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return format_decimal(value, locale=locale, decimal_quantization=False)


@functools.lru_cache(maxsize=256)
def _percent(rate: Decimal, locale: str) -> str:
    return format_percent(rate / 100, locale=locale, decimal_quantization=False)


class _Formats:
    def __init__(self, lang: str, currency: str):
        self.lang, self.locale, self.currency = lang, LOCALES[lang], currency

    def money(self, amount: Decimal) -> str:
        return _currency(amount, self.currency, self.locale, False)

    def unit_price(self, amount: Decimal) -> str:
        # At least 2 decimals, and the catalogue's up to 6 when it has them (0,0825 €).
        return _currency(amount, self.currency, self.locale, True)

    def date(self, value: date | None) -> str:
        return _date(value, self.locale) if value else ""

    def period(self, start: date | None, end: date | None) -> str:
        if not start or not end or start == end:
            return self.date(start or end)
        return _period(start, end, self.lang)

    def quantity(self, value: Decimal, unit_code: str) -> str:
        number = _number(value, self.locale)
        unit = UNITS[self.lang].get(unit_code, "")
        return f"{number}\u00a0{unit}" if unit else number

    def rate(self, rate: Decimal) -> str:
        return _percent(rate, self.locale)


def _gross(line: DocumentLine) -> Decimal:
    """The amount incl. VAT a person reads on the row: the advertised price when there is one."""
    if line.unit_price_incl_vat is not None:
        return to_cents(line.quantity * line.unit_price_incl_vat)
    return line.net_amount + vat_of(line.net_amount, line.vat_rate)


def _by_section(lines: Iterable[DocumentLine]) -> list[tuple[str, list[DocumentLine]]]:
    order = {key: i for i, key in enumerate(SECTIONS)}
    groups: dict[str, list[DocumentLine]] = {}
    for line in sorted(lines, key=lambda line: line.number):
        groups.setdefault(line.section, []).append(line)
    return sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))


def _by_msisdn(lines: list[DocumentLine]) -> list[tuple[str, list[DocumentLine]]]:
    groups: dict[str, list[DocumentLine]] = {}
    for line in lines:
        groups.setdefault(line.msisdn, []).append(line)
    # Account-level charges (no line) first, then the lines in the order they first appear.
    return sorted(groups.items(), key=lambda item: item[0] != "")


def _row(line: DocumentLine, fmt: _Formats) -> dict:
    return {
        "description": line.description,
        "period": fmt.period(line.period_start, line.period_end),
        "quantity": fmt.quantity(line.quantity, line.unit_code),
        "unit_price": fmt.unit_price(line.unit_price),
        "net": fmt.money(line.net_amount),
        "vat": _rate_label(line.vat_category, line.vat_rate, fmt),
        "gross": fmt.money(_gross(line)),
    }


def _rate_label(category: str, rate: Decimal, fmt: _Formats) -> str:
    return LABELS[fmt.lang]["vat_category"].get(category) or fmt.rate(rate)


def _table_labels(labels: dict, b2c: bool) -> dict:
    columns = [labels[k] for k in ("col_description", "col_period", "col_quantity", "col_unit_price",
                                   "col_net", "col_vat")]
    if b2c:
        columns.append(labels["col_gross"])
    keys = ("summary", "by_line", "charges", "line", "vat_breakdown", "col_base", "col_rate", "col_vat_amount",
            "page", "excl_vat", "incl_vat")
    return {"columns": columns, **{k: labels[k] for k in keys}}


def _brand(doc: Document) -> dict:
    colour = str(doc.extra.get("brand_colour", ""))
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        colour = DEFAULT_BRAND_COLOUR
    return {"name": str(doc.extra.get("brand_name") or doc.seller.name), "colour": colour}


def _country(code: str, lang: str) -> str:
    return Locale.parse(LOCALES[lang]).territories.get(code, code)


def _one_line(party: Party, lang: str) -> str:
    a = party.address
    parts = [a.line1, a.line2, f"{a.postcode} {a.city}"]
    if a.country_code != "FR":
        parts.append(_country(a.country_code, lang))
    return ", ".join(p for p in parts if p)


def _recipient(party: Party, lang: str) -> list[str]:
    """The postal block (NF Z10-011): name, street lines, postcode and CITY, COUNTRY abroad."""
    a = party.address
    lines = [party.name, a.line1, a.line2, f"{a.postcode} {a.city.upper()}"]
    if a.country_code != "FR":
        lines.append(_country(a.country_code, "fr").upper())
    return [line for line in lines if line]


def _meta(doc: Document, labels: dict, fmt: _Formats) -> list[list[str]]:
    credit = doc.kind == "credit_note"
    rows = [
        [labels["number_credit_note" if credit else "number_invoice"], doc.number],
        [labels["issue_date"], fmt.date(doc.issue_date)],
        [labels["account"], doc.account_number],
        [labels["period"], fmt.period(doc.period_start, doc.period_end)],
    ]
    if credit and doc.corrected_number:
        rows.append([labels["corrects"], f"{doc.corrected_number} ({fmt.date(doc.corrected_issue_date)})"])
    if doc.payment.due_date and not credit:
        rows.append([labels["due_date"], fmt.date(doc.payment.due_date)])
    if doc.buyer_is_business:
        rows += [[labels["buyer_siren"], doc.buyer.siren], [labels["buyer_vat"], doc.buyer.vat_number]]
    return [row for row in rows if row[1]]


def _masked_iban(iban: str) -> str:
    iban = iban.replace(" ", "")
    return f"{iban[:4]} •••• {iban[-4:]}" if len(iban) > 8 else iban


def _summary(doc: Document, labels: dict, fmt: _Formats) -> dict:
    text = PAYMENT_TEXT[fmt.lang]
    credit = doc.kind == "credit_note"
    lines = _credit_lines(doc, text, fmt) if credit else _payment_lines(doc, text, fmt)
    if doc.buyer_is_business:
        lines.append(text["split"].format(net=fmt.money(doc.total_net), vat=fmt.money(doc.total_vat),
                                          gross=fmt.money(doc.total_gross)))
    if credit:
        headline, amount = labels["credit_amount"], doc.total_gross
    elif doc.amount_due > 0:
        headline, amount = labels["amount_due"], doc.amount_due
    else:
        headline, amount = labels["nothing_due"], doc.amount_due
    return {"headline": headline, "amount": fmt.money(amount), "suffix": labels["incl_vat"], "lines": lines}


def _payment_lines(doc: Document, text: dict, fmt: _Formats) -> list[str]:
    """What happens next with the money: when, from which account, with which references."""
    pay = doc.payment
    if doc.amount_due <= 0:
        return []
    if pay.means_code == "59":
        lines = [text["debit"].format(date=fmt.date(pay.collection_date or pay.due_date),
                                      iban=_masked_iban(pay.debtor_iban))]
        if pay.mandate_reference or pay.creditor_identifier:
            lines.append(text["debit_refs"].format(umr=pay.mandate_reference, ics=pay.creditor_identifier))
        return lines
    if pay.means_code in ("58", "30"):
        lines = [text["transfer"].format(date=fmt.date(pay.due_date)),
                 text["transfer_ref"].format(ref=pay.remittance_reference or doc.number)]
        if pay.payee_iban:
            bic = f" · BIC {pay.payee_bic}" if pay.payee_bic else ""
            lines.append(f"IBAN {_grouped_iban(pay.payee_iban)}{bic}")
        return lines
    if pay.means_code == "48":
        return [text["card"].format(date=fmt.date(pay.due_date))]
    return [text["pay_by"].format(date=fmt.date(pay.due_date))] if pay.due_date else []


def _credit_lines(doc: Document, text: dict, fmt: _Formats) -> list[str]:
    """Which invoice the credit note corrects, why, and how it is settled."""
    pay = doc.payment
    lines = []
    if doc.corrected_number:
        lines.append(text["credit_ref"].format(number=doc.corrected_number, date=fmt.date(doc.corrected_issue_date)))
    if doc.reason:
        lines.append(text["reason"].format(reason=doc.reason))
    if pay.terms:  # the operator's own words (BT-20) say best how this credit is settled
        lines.append(pay.terms)
    elif pay.means_code == "97":
        lines.append(text["credit_next"])
    elif pay.means_code == "59" and pay.debtor_iban:
        lines.append(text["credit_refund"].format(iban=_masked_iban(pay.debtor_iban)))
    elif pay.means_code in ("58", "30"):
        lines.append(text["credit_transfer"].format(iban=_masked_iban(pay.payee_iban or pay.debtor_iban)))
    return lines


def _grouped_iban(iban: str) -> str:
    iban = iban.replace(" ", "")
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def _vat_row(vat: VatTotal, labels: dict, fmt: _Formats) -> dict:
    label = labels["vat_category_full"].get(vat.category) or f"{labels['col_vat']} {fmt.rate(vat.rate)}"
    reason = vat.exemption_reason if vat.exemption_reason.lower() != label.lower() else ""
    return {"rate": label, "reason": reason, "base": fmt.money(vat.base), "amount": fmt.money(vat.amount)}


def _totals(doc: Document, labels: dict, fmt: _Formats) -> list[dict]:
    rows = [
        {"label": labels["total_net"], "value": fmt.money(doc.total_net), "strong": False},
        {"label": labels["total_vat"], "value": fmt.money(doc.total_vat), "strong": False},
    ]
    if doc.kind == "credit_note":
        rows.append({"label": labels["credit_total"], "value": fmt.money(doc.total_gross), "strong": True})
    elif doc.prepaid:
        rows += [
            {"label": labels["total_gross"], "value": fmt.money(doc.total_gross), "strong": False},
            {"label": labels["prepaid"], "value": fmt.money(doc.prepaid), "strong": False},
            {"label": labels["balance"], "value": fmt.money(doc.amount_due), "strong": True},
        ]
    else:
        rows.append({"label": labels["total_gross"], "value": fmt.money(doc.total_gross), "strong": True})
    return rows


def _notes(doc: Document, labels: dict, fmt: _Formats) -> dict:
    texts = []
    b2b = [(code, text) for code, text in doc.notes if code in _B2B_NOTES]
    others = [text for code, text in doc.notes if code not in _B2B_NOTES and code not in _UNPRINTED_NOTES]
    if doc.buyer_is_business:
        if doc.payment.due_date and doc.kind != "credit_note":
            texts.append(_colon(labels["due_date"], fmt.date(doc.payment.due_date), fmt.lang))
        if doc.payment.terms and doc.kind != "credit_note":  # a credit note shows them in its summary
            texts.append(doc.payment.terms)
        texts += [text for _, text in sorted(b2b, key=lambda n: _B2B_NOTES.index(n[0]))]
    if not doc.vat_on_debits:
        others += [text for code, text in doc.notes if code == "TXD"]
    title = labels["conditions"] if doc.buyer_is_business else labels["information"]
    return {"title": title, "texts": texts + others}


def _footer(doc: Document, labels: dict, lang: str) -> list[str]:
    """Three lines on every page: who the seller is, the tax mentions, how to reach support."""
    s = doc.seller
    identity = [s.name]
    if s.legal_form and s.share_capital:
        identity.append(labels["capital"].format(form=s.legal_form, capital=s.share_capital))
    else:
        identity.append(s.legal_form)
    identity += [s.rcs, f"SIREN {s.siren}" if s.siren else "",
                 f"{labels['vat_number']} {s.vat_number}" if s.vat_number else ""]
    operation = labels["operation"].get(doc.operation_category, doc.operation_category)
    mentions = [_one_line(s, lang), _colon(labels["operation_label"], operation, lang),
                labels["vat_on_debits"] if doc.vat_on_debits else ""]
    support = [f"{labels['support']} {doc.support_phone}" if doc.support_phone else "",
               f"{labels['support_business']} {doc.support_phone_business}"
               if doc.support_phone_business and doc.buyer_is_business else "",
               doc.support_url]
    return [" · ".join(p for p in parts if p) for parts in (identity, mentions, support) if any(parts)]


def _colon(label: str, value: str, lang: str) -> str:
    # French typography puts a (no-break) space before the colon.
    return f"{label}\u00a0: {value}" if lang == "fr" else f"{label}: {value}"
