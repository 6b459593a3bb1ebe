"""Before/after start-up figures: another cmelog source tree against this one, in one run.

    git archive <commit> cmelog | tar -x -C /tmp/before
    python benchmarks/compare.py /tmp/before

Runs the installed entry point with PYTHONPATH=<before> (the old `cmelog` package) and without
(this tree), interleaved with the reference of bench.py, on one 10k logbook built by this tree.
Prints medians and minima; never asserts: timings are not tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

import bench


def main() -> None:
    if len(sys.argv) != 2 or not (Path(sys.argv[1]) / "cmelog" / "cli.py").is_file():
        raise SystemExit("usage: compare.py FOLDER (a folder holding an older cmelog/ package)")
    before = {"PYTHONPATH": str(Path(sys.argv[1]).absolute())}
    rounds = int(os.environ.get("BENCH_ROUNDS", "9"))
    typer_only = [bench.PY, "-c", "import typer"]
    with tempfile.TemporaryDirectory(prefix="cmelog-compare-") as tmp:
        folder = Path(tmp)
        app = folder / "two_command_app.py"
        app.write_text(bench.TWO_COMMAND_APP)
        db = str(bench.logbook(folder, 10_000)[0])
        db1k = str(bench.logbook(folder, 1_000)[0])
        pdf = str(folder / "audit.pdf")
        cases = [
            ("--help", [bench.CMELOG, "--help"], [bench.PY, str(app), "--help"]),
            ("status (10k)", [bench.CMELOG, "--db", db, "status", "--as-of", bench.AS_OF], None),
            ("list (10k, piped)", [bench.CMELOG, "--db", db, "list"], None),
            ("show 1", [bench.CMELOG, "--db", db, "show", "1"], None),
            (
                "audit-export PDF (1k)",
                [
                    bench.CMELOG,
                    "--db",
                    db1k,
                    "audit-export",
                    "--as-of",
                    bench.AS_OF,
                    "-o",
                    pdf,
                    "--force",
                ],
                None,
            ),  # fmt: skip
        ]
        print(f"{rounds} interleaved rounds; ratio = median / median of the reference")
        for name, cmd, ref in cases:
            old: list[float] = []
            new: list[float] = []
            base: list[float] = []
            bench.run(cmd, before)  # warm: bytecode, page cache, the font cache
            bench.run(cmd)
            for _ in range(rounds):
                old.append(bench.run(cmd, before)[0])
                new.append(bench.run(cmd)[0])
                base.append(bench.run(ref or typer_only)[0])
            m = statistics.median
            print(
                f"{name}: before {m(old):.3f} s (ratio {m(old) / m(base):.2f}), "
                f"after {m(new):.3f} s (ratio {m(new) / m(base):.2f}); "
                f"{'two-command Typer app --help' if ref else 'import typer'} {m(base):.3f} s; "
                f"minima {min(old):.3f} / {min(new):.3f} / {min(base):.3f} s"
            )


if __name__ == "__main__":
    main()
