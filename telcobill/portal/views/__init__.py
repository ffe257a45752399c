"""The customer space's pages, one module per area."""
