"""cmelog benchmarks: ratios and figures measured side by side in one run (issue 6).

Run with `make bench`. Prints; never asserts: timings are not tests.
Each figure is the median of several runs of a fresh process; peak memory is the child's
maximum resident set size (os.wait4), in MiB.
"""

from __future__ import annotations

import csv
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BIN = Path(sys.executable).parent
CMELOG = str(BIN / "cmelog")
PY = sys.executable
TWO_COMMAND_APP = """
import typer
app = typer.Typer()
@app.command()
def first() -> None: pass
@app.command()
def second() -> None: pass
app()
"""
TOPICS = [
    "risk-management",
    "opioids-pain-management",
    "ehr",
    "physician-wellness",
    "board-regulations",
    "end-of-life",
    "implicit-bias",
    "",
]
AS_OF = "2026-01-10"


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) of one child process; fails loudly when the command fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def median(cmd: list[str], n: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    runs = [run(cmd, env) for _ in range(n)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def write_csv(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    start = date(2022, 6, 16)
    span = (date(2026, 6, 15) - start).days
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "title", "provider", "category", "credits", "topics", "notes"])
        for i in range(n):
            d = start + timedelta(days=rnd.randrange(span))
            cat = rnd.choice([1, 2])
            w.writerow(
                [
                    d.isoformat(),
                    f"Point-of-care search {i}: {rnd.choice(['sepsis', 'anticoagulation', 'DKA'])}"
                    + (
                        " with a longer title that has to wrap in the PDF table"
                        if i % 7 == 0
                        else ""
                    ),
                    "UpToDate (Wolters Kluwer)" if cat == 1 else "",
                    cat,
                    "0.5",
                    rnd.choice(TOPICS),
                    "",
                ]
            )


def logbook(folder: Path, n: int) -> tuple[Path, float, float]:
    db = folder / f"bench-{n}.db"
    env = {"CMELOG_DB": str(db)}
    subprocess.run(
        [
            CMELOG,
            "init",
            "--name",
            "Bench Mark",
            "--birthday",
            "1975-06-15",
            "--license",
            "B-1",
            "--license-expires",
            "2026-06-15",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, **env},
    )
    src = folder / f"bench-{n}.csv"
    write_csv(src, n)
    seconds, peak = run([CMELOG, "import", str(src)], env)
    return db, seconds, peak


def main() -> None:
    print(
        f"cmelog benchmarks on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )
    with tempfile.TemporaryDirectory(prefix="cmelog-bench-") as tmp:
        folder = Path(tmp)
        app = folder / "two_command_app.py"
        app.write_text(TWO_COMMAND_APP)
        rounds = 15
        # interleave so that machine noise hits both sides alike; start-up latency is noisy,
        # so print the ratio of medians and the ratio of minima (the least disturbed runs)
        help_c, help_t, mem_c, mem_t = [], [], 0.0, 0.0
        for _ in range(rounds):
            s, m = run([CMELOG, "--help"])
            help_c.append(s)
            mem_c = max(mem_c, m)
            s, m = run([PY, str(app), "--help"])
            help_t.append(s)
            mem_t = max(mem_t, m)
        hc, ht = statistics.median(help_c), statistics.median(help_t)
        print(
            f"\n--help: cmelog {hc:.3f} s ({mem_c:.0f} MiB) / two-command Typer app {ht:.3f} s "
            f"({mem_t:.0f} MiB) = ratio {hc / ht:.2f} of medians, "
            f"{min(help_c) / min(help_t):.2f} of minima (goal <= 1.25)"
        )

        db1k, imp1k, imp1k_mem = logbook(folder, 1_000)
        db10k, imp10k, imp10k_mem = logbook(folder, 10_000)
        print(f"\nimport 1,000 rows: {imp1k:.2f} s ({imp1k_mem:.0f} MiB)")
        print(f"import 10,000 rows: {imp10k:.2f} s ({imp10k_mem:.0f} MiB) (goal < 2.5 s)")

        st_c, st_t = [], []
        st_mem = 0.0
        for _ in range(5):
            s, m = run([CMELOG, "--db", str(db10k), "status", "--as-of", AS_OF])
            st_c.append(s)
            st_mem = max(st_mem, m)
            st_t.append(run([PY, "-c", "import typer, sqlmodel, rich.table"])[0])
        sc, stt = statistics.median(st_c), statistics.median(st_t)
        print(
            f"\nstatus on 10k entries: {sc:.3f} s ({st_mem:.0f} MiB) / "
            f"import typer, sqlmodel, rich.table {stt:.3f} s = ratio {sc / stt:.2f} "
            "(goal <= 1.3)"
        )

        out = folder / "audit.pdf"
        e1, m1 = median(
            [CMELOG, "--db", str(db1k), "audit-export", "--as-of", AS_OF, "--output", str(out)], 3
        )
        e10, m10 = median(
            [CMELOG, "--db", str(db10k), "audit-export", "--as-of", AS_OF, "--output", str(out)], 2
        )
        # entries in the current and previous cycles: all of them by construction
        print(f"\naudit-export PDF 1k: {e1:.2f} s = {e1:.3f} s per 1,000 entries ({m1:.0f} MiB)")
        print(
            f"audit-export PDF 10k: {e10:.2f} s = {e10 / 10:.3f} s per 1,000 entries "
            f"({m10:.0f} MiB)"
        )
        print(
            f"10k / 1k time: {e10 / e1:.1f} (goal <= 12; linear is 10); "
            f"goal < 0.35 s per 1,000 entries"
        )
        print(
            f"marginal cost: {(e10 - e1) / 9:.3f} s per 1,000 entries (the 1k run is mostly "
            "fixed start-up: Python, Typer, Rich and ReportLab imports)"
        )


if __name__ == "__main__":
    main()
