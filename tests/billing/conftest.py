from telcobill.billing.models import Invoice


def document(account, cycle: str) -> Invoice:
    return Invoice.objects.get(billing_account=account, cycle=cycle)


def lines_of(doc: Invoice) -> list[tuple]:
    """(description, quantity, unit price excl. VAT, amount excl. VAT) per line, in order."""
    return [(ln.description, str(ln.quantity.normalize()), str(ln.unit_price), str(ln.net_amount))
            for ln in doc.lines.order_by("position")]
