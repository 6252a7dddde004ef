"""Run every benchmark in one go (engine, report, scan) and print each one's comparison.

    python benchmarks/run_all.py [--quick]

``--quick`` passes ``--quick`` to the scan benchmark (the real 504-stock universe only, no
5,000-symbol synthetic universe).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    runs = [["engine.py"], ["report.py"], ["scan.py", *(["--quick"] if quick else [])],
            ["trendln_peer.py"], ["reading.py"]]
    failed = 0
    for args in runs:
        script = HERE / args[0]
        if not script.exists():
            print(f"== {args[0]}: missing")
            failed += 1
            continue
        print(f"== {' '.join(args)}", flush=True)
        failed += subprocess.run([sys.executable, str(script), *args[1:]]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
