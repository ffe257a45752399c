"""Loaded first (`-p tests.testenv` in pyproject): the environment the settings read in tests."""

import os
import tempfile

os.environ.setdefault("TELCOBILL_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("TELCOBILL_TASKS", "immediate")
os.environ.setdefault("TELCOBILL_DATA_DIR", tempfile.mkdtemp(prefix="telcobill-test-"))
os.environ.setdefault("TELCOBILL_DEBUG", "1")
