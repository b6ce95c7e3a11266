"""Run every benchmark in turn (`make bench`); each prints its figures against its budget.

    .venv/bin/python bench/run_all.py [pages import_returns brief province]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench .venv/bin/python bench/run_all.py

On SQLite each script uses its own file under /tmp. On PostgreSQL each script gets its own
database named after DATABASE_URL's (gx_bench → gx_bench_pages, gx_bench_import_returns,
gx_bench_brief, gx_bench_province), created if missing: the scripts load different data, and
import_returns drops its database's schema, so the name must contain "bench".
Exits non-zero if any benchmark failed or missed its budget.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
SCRIPTS = ["pages", "import_returns", "brief", "province"]


def postgres_url(base, script):
    """DATABASE_URL for `script`: the base database's name + _script, created if missing."""
    import psycopg

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/')}_{script}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def main(names):
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres") and "bench" not in urlsplit(base).path:
        sys.exit("use a DATABASE_URL whose database name contains 'bench' (e.g. gx_bench)")
    failed = []
    for name in names or SCRIPTS:
        env = dict(os.environ)
        if base.startswith("postgres"):
            env["DATABASE_URL"] = postgres_url(base, name)
        print(f"\n==== {name}" + (f" ({env['DATABASE_URL']})" if base else ""), flush=True)
        if subprocess.run([sys.executable, str(HERE / f"{name}.py")], env=env, check=False).returncode:
            failed.append(name)
    print(f"\nover budget or failed: {', '.join(failed)}" if failed else "\nall benchmarks within budget")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main([a.removesuffix(".py") for a in sys.argv[1:]]))
