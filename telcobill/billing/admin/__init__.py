"""Back office: invoices and credit notes (read only), pending charges and manual adjustments,
numbering series, and the entry to the bill runs' control page."""

from . import charges, invoices, runs  # noqa: F401
