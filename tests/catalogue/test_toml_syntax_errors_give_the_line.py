"""A TOML syntax error is refused with its line and column."""

import pytest

from telcobill.catalogue.loader import CatalogueError, load_catalogue

from .samples import MINIMAL, replaced, table_counts

pytestmark = pytest.mark.django_db


def test_a_syntax_error_names_its_line_and_column(write_catalogue):
    text = replaced(MINIMAL, 'upgrade = "immediate"', "upgrade = immediate")

    with pytest.raises(CatalogueError) as refused:
        load_catalogue(write_catalogue(text, "demo.toml"))

    assert str(refused.value) == "demo.toml: line 4, column 11: TOML syntax error: Invalid value"
    assert table_counts()["CataloguePolicy"] == 0


def test_an_unclosed_array_at_the_end_is_refused(write_catalogue):
    with pytest.raises(CatalogueError, match=r"^demo\.toml: .*TOML syntax error"):
        load_catalogue(write_catalogue(MINIMAL + "\nextra = [1, 2\n", "demo.toml"))


def test_a_key_written_twice_is_a_syntax_error(write_catalogue):
    text = replaced(MINIMAL, 'downgrade = "next_cycle"', 'downgrade = "next_cycle"\ndowngrade = "immediate"')

    with pytest.raises(CatalogueError) as refused:
        load_catalogue(write_catalogue(text, "demo.toml"))

    assert str(refused.value) == "demo.toml: line 6, column 24: TOML syntax error: Cannot overwrite a value"
