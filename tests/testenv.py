"""Loaded first (`-p tests.testenv` in pyproject): the environment the settings read in tests."""

import os
import tempfile

os.environ.setdefault("TELCOBILL_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("TELCOBILL_TASKS", "immediate")
# One data folder per test process: xdist workers inherit the controller's environment, and two
# workers writing F2026-000002.pdf into one folder would overwrite each other's documents.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker or "TELCOBILL_DATA_DIR" not in os.environ:
    os.environ["TELCOBILL_DATA_DIR"] = tempfile.mkdtemp(prefix=f"telcobill-test-{_worker or 'main'}-")
os.environ.setdefault("TELCOBILL_DEBUG", "1")
