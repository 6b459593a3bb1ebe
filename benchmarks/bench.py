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


# An installed cmelog has its bytecode compiled (pip compiles on install); a shell that sets
# PYTHONDONTWRITEBYTECODE would make every run compile cmelog's modules again.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) of one child process; fails loudly when the command fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**CHILD_ENV, **(env or {})}
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


def interleaved(
    a: list[str], b: list[str], rounds: int, env: dict[str, str] | None = None
) -> tuple[list[float], list[float], float, float]:
    """Run a and b alternately `rounds` times: (a times, b times, a peak MiB, b peak MiB)."""
    ta: list[float] = []
    tb: list[float] = []
    ma = mb = 0.0
    run(a, env)  # warm: the first run of each writes bytecode and fills the page cache
    run(b, env)
    for _ in range(rounds):
        s, m = run(a, env)
        ta.append(s)
        ma = max(ma, m)
        s, m = run(b, env)
        tb.append(s)
        mb = max(mb, m)
    return ta, tb, ma, mb


def spread(xs: list[float]) -> str:
    q = statistics.quantiles(xs, n=4) if len(xs) >= 2 else [xs[0]] * 3
    return f"median {statistics.median(xs):.3f} s, IQR {q[0]:.3f}-{q[2]:.3f} s"


def ratio_line(name: str, ta: list[float], tb: list[float], base: str, goal: str) -> str:
    r = statistics.median(ta) / statistics.median(tb)
    return (
        f"{name}: {spread(ta)} / {base}: {spread(tb)} = ratio {r:.2f} of medians, "
        f"{min(ta) / min(tb):.2f} of minima (goal {goal})"
    )


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "11"))
    print(
        f"cmelog benchmarks on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}; {rounds} interleaved rounds"
    )
    import_typer = [PY, "-c", "import typer"]
    with tempfile.TemporaryDirectory(prefix="cmelog-bench-") as tmp:
        folder = Path(tmp)
        app = folder / "two_command_app.py"
        app.write_text(TWO_COMMAND_APP)

        ta, tb, ma, mb = interleaved([CMELOG, "--help"], [PY, str(app), "--help"], rounds)
        print("\n" + ratio_line("cmelog --help", ta, tb, "two-command Typer app --help", "<= 1.10"))
        print(f"  peak memory: cmelog {ma:.0f} MiB, Typer app {mb:.0f} MiB")

        db1k, imp1k, imp1k_mem = logbook(folder, 1_000)
        db10k, imp10k, imp10k_mem = logbook(folder, 10_000)
        print(f"\nimport 1,000 rows: {imp1k:.2f} s ({imp1k_mem:.0f} MiB)")
        print(f"import 10,000 rows: {imp10k:.2f} s ({imp10k_mem:.0f} MiB) (goal <= 1.0 s)")

        for name, cmd, goal in (
            ("status (10k)", [CMELOG, "--db", str(db10k), "status", "--as-of", AS_OF], "<= 2.5"),
            ("list (10k, piped)", [CMELOG, "--db", str(db10k), "list"], "<= 2.0"),
            ("show 1", [CMELOG, "--db", str(db10k), "show", "1"], "<= 2.0"),
        ):
            ta, tb, ma, _ = interleaved(cmd, import_typer, rounds)
            print("\n" + ratio_line(name, ta, tb, "python -c 'import typer'", goal))
            print(f"  peak memory: {ma:.0f} MiB (goal <= 150)")

        # one activity counted everywhere it counts: the same 10k logbook holding five
        # licenses and two ledgers, against itself with one license
        multi = folder / "bench-10000-multi.db"
        multi.write_bytes(db10k.read_bytes())
        for extra in (
            ["license", "add", "--board", "NH", "--number", "N-1", "--expires", "2027-06-30"],
            ["license", "add", "--board", "NY", "--number", "Y-1", "--expires", "2027-09-30"],
            ["license", "add", "--board", "CA", "--number", "C-1", "--expires", "2027-06-30"],
            ["license", "add", "--board", "FL", "--number", "F-1", "--expires", "2028-01-31"],
            ["ledger", "add", "dea-mate", "--registered", "2023-02-01"],
            ["ledger", "add", "moc", "--board-name", "ABIM", "--cycle-start", "2022-01-01"],
        ):
            subprocess.run([CMELOG, "--db", str(multi), *extra], check=True, capture_output=True)
        ta, tb, ma, mb = interleaved(
            [CMELOG, "--db", str(multi), "status", "--as-of", AS_OF],
            [CMELOG, "--db", str(db10k), "status", "--as-of", AS_OF],
            rounds,
        )
        print(
            "\n"
            + ratio_line(
                "status, 5 licenses + 2 ledgers (10k)", ta, tb, "status, 1 license", "<= 1.3"
            )
        )
        print(f"  peak memory: {ma:.0f} MiB and {mb:.0f} MiB (goal <= 150)")

        def export(db: Path, name: str) -> list[str]:
            out = folder / name
            return [CMELOG, "--db", str(db), "audit-export", "--as-of", AS_OF, "-o", str(out),
                    "--force"]  # fmt: skip

        # The first export on a machine parses the two embedded fonts and keeps ReportLab's
        # reading of them in the user's cache folder; it is measured apart, in a cache folder
        # of its own. The timed runs use the warm cache, as every later export does, and are
        # interleaved with `import typer` so that the absolute goal can be read against this
        # machine's speed at the time.
        cold, _ = run(export(db1k, "cold.pdf"), {"XDG_CACHE_HOME": str(folder / "cold-cache")})
        ta, tb, m1, _ = interleaved(export(db1k, "audit-1k.pdf"), import_typer, rounds)
        e1 = statistics.median(ta)
        print(f"\naudit-export PDF 1k, whole command: {spread(ta)} ({m1:.0f} MiB) (goal <= 0.35 s)")
        print(f"  {ratio_line('that', ta, tb, 'python -c import typer', 'none: read only')}")
        print(f"  the first export on a machine (fonts parsed, then cached): {cold:.3f} s")
        runs10 = [run(export(db10k, "audit-10k.pdf")) for _ in range(3)]
        e10 = statistics.median(r[0] for r in runs10)
        m10 = max(r[1] for r in runs10)
        print(
            f"audit-export PDF 10k: {e10:.2f} s = {e10 / 10:.3f} s per 1,000 entries "
            f"({m10:.0f} MiB) (goal <= 0.25 s per 1,000); 10k / 1k = {e10 / e1:.1f} "
            "(linear is 10)"
        )


if __name__ == "__main__":
    main()
