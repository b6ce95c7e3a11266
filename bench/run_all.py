"""Run every benchmark in turn (`make bench`); each prints its own figures against its budget."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["pages.py", "import_returns.py", "brief.py", "province.py"]

failed = []
for name in SCRIPTS:
    script = HERE / name
    if not script.exists():
        continue
    print(f"\n==== {name}", flush=True)
    if subprocess.run([sys.executable, str(script)], check=False).returncode:
        failed.append(name)
sys.exit(f"failed: {', '.join(failed)}" if failed else 0)
