"""The sixteen sample documents every syntax is checked on: business or consumer, invoice or credit
note, direct debit or transfer, French or English (`documents.sample.sample_document(**variant)`)."""

import itertools

VARIANTS = [
    dict(business=b, credit_note=c, direct_debit=d, language=lang)
    for b, c, d, lang in itertools.product([True, False], [False, True], [True, False], ["fr", "en"])
]


def variant_id(variant) -> str:
    """b2b-invoice-dd-fr: a readable test id."""
    return "-".join([
        "b2b" if variant["business"] else "b2c",
        "credit" if variant["credit_note"] else "invoice",
        "dd" if variant["direct_debit"] else "transfer",
        variant["language"],
    ])
