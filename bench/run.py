"""Run every benchmark (`make bench`): bill run on SQLite and on PostgreSQL, documents, UBL beside CII,
the archive's verification, usage, SEPA, the customer space's server time."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCOUNTS = os.environ.get("BENCH_ACCOUNTS", "100000")
PG = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/telcobill_bench")


def run(*args: str) -> None:
    print("$", " ".join(args), flush=True)
    subprocess.run([sys.executable, *args], check=True)


def main() -> None:
    run(str(HERE / "billrun.py"), "--accounts", ACCOUNTS)
    admin = PG.rsplit("/", 1)[0] + "/postgres"
    name = PG.rsplit("/", 1)[1]
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    run(str(HERE / "billrun.py"), "--accounts", ACCOUNTS, "--database-url", PG)
    run(str(HERE / "documents.py"))
    run(str(HERE / "ubl.py"))
    run(str(HERE / "archive.py"))
    run(str(HERE / "usage.py"), "--records", os.environ.get("BENCH_USAGE_RECORDS", "10000000"))
    run(str(HERE / "sepa.py"))
    run(str(HERE / "portal.py"), "--accounts", ACCOUNTS)


if __name__ == "__main__":
    main()
