"""The back office's own pages, one module per page family; the admin does the rest."""
