"""Back office of payments. Journals (rows written by the use cases only) and the few things staff
configure or decide: the SEPA side (mandates, collections, batches, bank files, transfers), the
ledger (entries, refunds, card payments, provider events) and recovery (disputes, the dunning
queue and its steps, payment plans). Pages that need a form (assigning a transfer, closing a
dispute, a refund, receivables by age) are back-office pages reached by URL name."""

from . import dunning, ledger, recovery, sepa  # noqa: F401
