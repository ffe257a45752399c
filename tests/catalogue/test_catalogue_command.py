"""`telcobill catalogue load|check|show`: the report on stdout; a refused file on stderr, status 2."""

import hashlib
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from telcobill.catalogue.loader import DEMO_CATALOGUE
from telcobill.catalogue.models import Product

from .samples import MINIMAL, replaced, table_counts

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("catalogue", *args, stdout=out)
    return out.getvalue()


def test_load_prints_what_it_created():
    output = run("load", str(DEMO_CATALOGUE))

    assert Product.objects.count() == 22
    assert "Catalogue loaded from" in output
    assert "products" in output and "22" in output
    assert "policy #" in output


def test_load_of_a_refused_file_raises_with_status_2_and_every_problem(write_catalogue):
    path = write_catalogue(replaced(MINIMAL, 'upgrade = "immediate"', 'upgrade = "now"'), "demo.toml")

    with pytest.raises(CommandError) as refused:
        run("load", str(path))

    assert refused.value.returncode == 2
    assert str(refused.value).splitlines() == [
        "demo.toml: catalogue refused, 1 problem, nothing loaded:",
        'demo.toml: policy.upgrade: expected one of "immediate", "next_cycle", got "now"',
    ]
    assert table_counts()["Product"] == 0


def test_the_console_command_exits_2_with_the_problems_on_stderr(write_catalogue, tmp_path):
    path = write_catalogue(replaced(MINIMAL, "amount = 9.99", 'amount = "abc"'), "demo.toml")
    env = {**os.environ, "TELCOBILL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "telcobill.settings"}

    done = subprocess.run([sys.executable, "-m", "telcobill.cli.main", "catalogue", "load", str(path)],
                          capture_output=True, text=True, env=env, timeout=120)

    assert done.returncode == 2
    assert done.stdout == ""
    assert ('demo.toml: plans[0].prices[0].amount: expected a decimal amount like "19.99" (0 or more, at most 6 '
            'decimals), got "abc"') in done.stderr


def test_check_validates_without_writing(write_catalogue):
    path = write_catalogue(MINIMAL, "demo.toml")

    output = run("check", str(path))

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert output == f"{path}: valid, 5 products, 3 zones, sha256 {digest}\n"
    assert table_counts()["Product"] == 0


def test_show_prints_the_products_with_the_prices_of_a_day():
    run("load", str(DEMO_CATALOGUE))

    before = run("show", "--on", "2026-08-31")
    after = run("show", "--on", "2026-09-01")

    forty_before = next(line for line in before.splitlines() if "forfait_40go" in line)
    forty_after = next(line for line in after.splitlines() if "forfait_40go" in line)
    assert "9.99" in forty_before and "10.99" not in forty_before
    assert "10.99" in forty_after
    assert "upgrade immediate, downgrade next_cycle" in after


def test_show_refuses_a_date_that_is_not_iso():
    with pytest.raises(CommandError) as refused:
        run("show", "--on", "01/09/2026")

    assert refused.value.returncode == 2
