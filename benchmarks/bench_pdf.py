"""Audit-export PDF rendering time: seconds per 1,000 entries at 1k and 10k entries.

Run: .venv/bin/python benchmarks/bench_pdf.py [--repeat N] [--command [--runs M]]
(N renders per size, best kept; --command also times the whole `cmelog audit-export` command)

Builds synthetic reports (one current cycle holding all the entries, a small previous cycle),
renders each to a BytesIO and prints seconds per 1,000 entries for both sizes and the ratio of
the 10k time to the 1k time, all measured in the same run. Goals: at most 0.25 s per 1,000
entries, and a 10k render taking at most 12x the 1k render (linear growth). Wall time is the
goals' measure; CPU time is printed beside it because it is steadier on a busy machine. The
text is drawn in the embedded TrueType font (DejaVu Sans Condensed) since 0.2.

With --command (issue 13): the whole command, a fresh process each run, on 1k and 10k
logbooks built as `make bench` builds them: median wall and CPU time (the child's user + system
time, steadier on a shared machine) of M runs after a warm-up run; goals at most 0.35 s at 1k
and at most 0.25 s per 1,000 entries at 10k. Beside it the start-up floor: a process that only
imports what the command imports to write a PDF and registers the fonts.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cmelog.domain.model import (  # noqa: E402
    CycleWindow,
    Entry,
    EntryOutcome,
    Evaluation,
    Profile,
    Renewal,
    RequirementResult,
)
from cmelog.domain.report import AuditReport, ReportCycle  # noqa: E402
from cmelog.render.pdf import render_pdf  # noqa: E402

CURRENT = CycleWindow(date(2023, 6, 16), date(2025, 6, 15))
PREVIOUS = CycleWindow(date(2021, 6, 16), date(2023, 6, 15))
WORDS = (
    "update",
    "review",
    "clinical",
    "management",
    "of",
    "chronic",
    "pain",
    "opioid",
    "prescribing",
    "safety",
    "risk",
    "communication",
    "ethics",
    "documentation",
    "diabetes",
    "cardiology",
    "grand",
    "rounds",
    "primary",
    "care",
    "emergency",
    "medicine",
    "practice",
    "quality",
    "improvement",
    "pediatrics",
    "geriatrics",
)
PROVIDERS = (
    "Massachusetts Medical Society",
    "Harvard Medical School Department of Continuing Education",
    "BIDMC",
    None,
    "American College of Physicians",
)
TOPICS = ((), ("risk-management",), ("opioids-pain-management", "risk-management"), ())


def synthetic_entries(n: int, window: CycleWindow, first_id: int) -> tuple[Entry, ...]:
    span = (window.end - window.start).days
    out = []
    for i in range(n):
        words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(4 + i % 14)]
        day = window.start + timedelta(days=(i * span) // n)
        out.append(
            Entry(
                id=first_id + i,
                title=" ".join(words).capitalize() + f" ({i})",
                date=day,
                end_date=day + timedelta(days=1) if i % 10 == 0 else None,
                credits=(25, 50, 100, 150, 200, 300)[i % 6],
                category=1 if i % 5 else 2,
                provider=PROVIDERS[i % len(PROVIDERS)],
                topics=TOPICS[i % len(TOPICS)],
                certificate_sha256=f"{i:064x}" if i % 2 else None,
            )
        )
    return tuple(out)


def synthetic_cycle(label: str, window: CycleWindow, n: int, first_id: int) -> ReportCycle:
    entries = synthetic_entries(n, window, first_id)
    outcomes = {e.id: EntryOutcome(e.id, e.credits, e.credits) for e in entries}
    total = sum(e.credits for e in entries)
    reqs = (
        RequirementResult("total", "Total credits", "cycle", True, 5000, total, total >= 5000, ""),
        RequirementResult(
            "risk-management", "Risk management", "cycle", True, 1000, 400, False, ""
        ),
        RequirementResult(
            "child-abuse-reporting", "Child abuse reporting", "one-time", True, None, None, True, ""
        ),
    )
    return ReportCycle(label, window, Evaluation(window, reqs, outcomes), entries)


def synthetic_report(n: int) -> AuditReport:
    cycles = (
        synthetic_cycle("current", CURRENT, n, 100_000),
        synthetic_cycle("previous", PREVIOUS, 20, 1),
    )
    return AuditReport(
        profile=Profile("Dr. Bench Mark", date(1970, 6, 15), "123456"),
        board_name="Massachusetts Board of Registration in Medicine",
        as_of=date(2024, 5, 1),
        version="bench",
        renewal=Renewal(
            as_of=date(2024, 5, 1),
            renewal_date=CURRENT.end,
            source="license",
            current=CURRENT,
            previous=PREVIOUS,
            application_mailing_date=CURRENT.end - timedelta(days=60),
            waiver_deadline=CURRENT.end - timedelta(days=30),
        ),
        cycles=cycles,
        one_time=(),
    )


def time_render(report: AuditReport, repeat: int) -> tuple[float, float, int, int]:
    """Best wall and best CPU time of `repeat` renders, the PDF size in bytes, its page count."""
    best_wall = best_cpu = float("inf")
    size = pages = 0
    for _ in range(repeat):
        buf = io.BytesIO()
        wall, cpu = time.perf_counter(), time.process_time()
        render_pdf(report, buf)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
        data = buf.getvalue()
        size, pages = len(data), data.count(b"/Type /Page\n")
    return best_wall, best_cpu, size, pages


def child_times(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall and median CPU (user + system) seconds of `runs` fresh processes."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    walls: list[float] = []
    cpus: list[float] = []
    for i in range(runs + 1):  # the first run warms the page cache and bytecode
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{err}")
        if i:
            walls.append(wall)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def command_figures(runs: int) -> None:
    from bench import AS_OF, CMELOG, PY, logbook

    floor = (
        "import cmelog.cli, cmelog.services.export, cmelog.render.pdf\n"
        "cmelog.render.pdf.register_fonts()"
    )
    wall, cpu = child_times([PY, "-c", floor], runs)
    print(f"\nstart-up floor (imports + fonts): wall {wall:.3f} s, CPU {cpu:.3f} s")
    with tempfile.TemporaryDirectory(prefix="cmelog-bench-pdf-") as tmp:
        folder = Path(tmp)
        for n in (1_000, 10_000):
            db, _, _ = logbook(folder, n)
            out = folder / f"audit-{n}.pdf"
            cmd = [CMELOG, "--db", str(db), "audit-export", "--as-of", AS_OF, "-o", str(out)]
            wall, cpu = child_times([*cmd, "--force"], runs)
            goal = "at most 0.35 s" if n == 1_000 else "at most 0.25 s per 1,000 entries"
            print(
                f"audit-export PDF {n:>6,} entries, whole command: wall {wall:.3f} s "
                f"({wall / n * 1000:.3f} s per 1,000), CPU {cpu:.3f} s "
                f"({cpu / n * 1000:.3f} s per 1,000) (goal {goal})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="renders per size (best is kept)")
    parser.add_argument("--command", action="store_true", help="also time the whole command")
    parser.add_argument("--runs", type=int, default=7, help="runs of the command (median)")
    args = parser.parse_args()
    time_render(synthetic_report(50), 1)  # warm up imports and font metrics
    wall: dict[int, float] = {}
    cpu: dict[int, float] = {}
    for n in (1_000, 10_000):
        report = synthetic_report(n)
        n_total = sum(len(c.entries) for c in report.cycles)
        wall[n], cpu[n], size, pages = time_render(report, args.repeat)
        print(
            f"{n:>6} entries (+20 previous): wall {wall[n]:6.3f} s = "
            f"{wall[n] / n_total * 1000:.3f} s per 1,000 entries; CPU {cpu[n]:6.3f} s = "
            f"{cpu[n] / n_total * 1000:.3f} s per 1,000; {pages} pages, {size:,} bytes"
        )
    print(
        f"ratio 10k/1k: wall {wall[10_000] / wall[1_000]:.2f}, CPU {cpu[10_000] / cpu[1_000]:.2f} "
        "(goal at most 12)"
    )
    worst = max(wall[1_000] / 1.02, wall[10_000] / 10.02)
    print(f"worst wall s per 1,000 entries: {worst:.3f} (goal at most 0.25)")
    if args.command:
        command_figures(args.runs)


if __name__ == "__main__":
    main()
