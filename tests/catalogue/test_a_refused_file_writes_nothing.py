"""A file with problems is refused as a whole: every problem is listed with its key path, and the
catalogue in the database stays as it was."""

import pytest

from telcobill.catalogue.loader import DEMO_CATALOGUE, CatalogueError, load_catalogue
from telcobill.errors import Invalid

from .samples import MINIMAL, replaced, table_counts

pytestmark = pytest.mark.django_db


def broken_catalogue() -> str:
    text = replaced(MINIMAL, 'prices = [{ valid_from = 2025-01-01, amount = 19.99 }]',
                    'prices = [{ valid_from = 2025-01-01, amount = "abc" }]')
    text = replaced(text, 'category = "S"', 'category = "X"')
    text = replaced(text, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB" }',
                    '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "min" }')
    text = replaced(text, 'compatible_plans = ["basic"]', 'compatible_plans = ["basik"]')
    return replaced(text, 'countries = ["US"]', 'countries = ["USA"]')


def test_every_problem_is_listed_with_its_key_path(write_catalogue):
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(write_catalogue(broken_catalogue(), "demo.toml"))

    assert refused.value.problems == [
        'demo.toml: vat_rules[0].category: expected one of "S", "E", "AE", "K", "G", "O", "Z", got "X"',
        'demo.toml: zones[2].countries[0]: expected an ISO 3166 alpha-2 country code in capitals, like "FR", '
        'got "USA"',
        'demo.toml: plans[0].allowances[1].unit: expected one of "MB", "GB", got "min"',
        'demo.toml: plans[1].prices[0].amount: expected a decimal amount like "19.99" (0 or more, at most 6 '
        'decimals), got "abc"',
        'demo.toml: options[0].compatible_plans[0]: expected the code of a plan of this file (did you mean '
        '"basic"?), got "basik"',
    ]
    assert str(refused.value).splitlines()[0] == "demo.toml: catalogue refused, 5 problems, nothing loaded:"
    assert str(refused.value).splitlines()[1:] == refused.value.problems
    assert isinstance(refused.value, Invalid)


def test_a_refused_file_leaves_the_loaded_catalogue_untouched(write_catalogue):
    load_catalogue(DEMO_CATALOGUE)
    before = table_counts()

    with pytest.raises(CatalogueError):
        load_catalogue(write_catalogue(broken_catalogue()))

    assert table_counts() == before


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(CatalogueError, match=r"^absent\.toml: cannot be read: No such file or directory$"):
        load_catalogue(tmp_path / "absent.toml")


def test_a_file_that_is_not_utf8_is_refused(write_catalogue, tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Forfait été"'.encode("latin-1"))

    with pytest.raises(CatalogueError, match=r"^latin1\.toml: expected UTF-8 text, got byte 0xe9 at offset 16$"):
        load_catalogue(path)
