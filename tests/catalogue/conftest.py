"""Catalogue test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def write_catalogue(tmp_path):
    """Write TOML text to a file named `name` and return its path."""

    def write(text: str, name: str = "catalogue.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
