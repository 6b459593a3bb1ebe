"""Peak memory on a large logbook: 100k entries and a 1 GB certificate (issues 10 and 13).

Run with `make bench-memory` (several minutes; writes about 2 GB in a temporary folder).
Prints each command's peak resident memory (the child's ru_maxrss); never asserts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench import AS_OF, CMELOG, run, write_csv  # noqa: E402

GOAL_MIB = 150


def main() -> None:
    n = int(os.environ.get("BENCH_ENTRIES", "100000"))
    size = int(os.environ.get("BENCH_CERT_BYTES", str(1 << 30)))
    with tempfile.TemporaryDirectory(prefix="cmelog-bench-mem-") as tmp:
        folder = Path(tmp)
        db = folder / "big.db"
        env = {**os.environ, "CMELOG_DB": str(db)}
        subprocess.run(
            [
                CMELOG,
                "init",
                "--name",
                "Big Log",
                "--birthday",
                "1975-06-15",
                "--license",
                "B-2",
                "--license-expires",
                "2026-06-15",
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        src = folder / "big.csv"
        write_csv(src, n)
        cert = folder / "certificate.pdf"
        with cert.open("wb") as fh:  # real bytes, not a sparse hole: the copy reads them all
            block = os.urandom(1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
        print(f"{n:,} entries, a certificate of {size / (1 << 20):,.0f} MiB")
        rows = [
            ("import", [CMELOG, "import", str(src)]),
            (
                "add --certificate",
                [
                    CMELOG,
                    "add",
                    "Big certificate",
                    "--date",
                    "2025-01-10",
                    "--category",
                    "1",
                    "--credits",
                    "1",
                    "--provider",
                    "P",
                    "--certificate",
                    str(cert),
                ],
            ),
            ("status", [CMELOG, "status", "--as-of", AS_OF]),
            ("list --json", [CMELOG, "list", "--json"]),
            ("list --csv", [CMELOG, "list", "--csv"]),
            (
                "audit-export --bundle",
                [
                    CMELOG,
                    "audit-export",
                    "--as-of",
                    AS_OF,
                    "--bundle",
                    "-o",
                    str(folder / "bundle.zip"),
                ],
            ),
            ("backup", [CMELOG, "backup", str(folder / "backup") + "/"]),
        ]
        for name, cmd in rows:
            try:
                seconds, peak = run(cmd, {"CMELOG_DB": str(db)})
            except SystemExit as exc:
                print(f"{name}: failed ({str(exc).splitlines()[-1]})")
                continue
            verdict = "ok" if peak <= GOAL_MIB else "OVER"
            print(f"{name}: {seconds:.1f} s, peak {peak:.0f} MiB (goal <= {GOAL_MIB}: {verdict})")


if __name__ == "__main__":
    main()
