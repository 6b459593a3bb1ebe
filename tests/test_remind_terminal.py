"""`remind` run by hand on a terminal (pexpect): it says when the first reminder comes, what a
preview would send, and where a reminder went; off a terminal it stays quiet as cron needs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect

from tests.conftest import CMELOG_EXE, JANE


def on_terminal(args: list[str], env: dict[str, str]) -> str:
    child = pexpect.spawn(
        str(CMELOG_EXE), args, env=env, encoding="utf-8", timeout=120, dimensions=(30, 80)
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return " ".join(str(child.before).split())


def test_remind_by_hand_on_a_terminal(tmp_path: Path) -> None:
    env = {**os.environ, "CMELOG_DB": str(tmp_path / "c.db"), "NO_COLOR": "1"}
    assert subprocess.run([str(CMELOG_EXE), *JANE], env=env, capture_output=True).returncode == 0
    early = on_terminal(["remind", "--as-of", "2026-01-10"], env)
    assert early == (
        "No reminder is due: your license renews on 2026-06-15 (in 156 days); the first "
        "reminder comes on 2026-04-16, 60 days before."
    )
    preview = on_terminal(["remind", "--dry-run", "--as-of", "2026-06-01"], env)
    assert "renews on 2026-06-15 (in 14 days)" in preview
    assert preview.endswith(
        "(Preview: this would go to standard output; nothing was sent or recorded.)"
    )
    log = tmp_path / "got.txt"
    added = subprocess.run(
        [str(CMELOG_EXE), "channel", "add", f"exec:tee {log}"], env=env, capture_output=True
    )
    assert added.returncode == 0
    sent = on_terminal(["remind", "--record", "--as-of", "2026-06-01"], env)
    assert sent == "Sent the 14-day reminder through exec."
    assert "(in 14 days)" in log.read_text()
    later = on_terminal(["remind", "--record", "--as-of", "2026-06-03"], env)
    assert later == (
        "No reminder is due today (the 14-day reminder was sent on 2026-06-01 through exec); "
        "the next comes on 2026-06-08, 7 days before the renewal on 2026-06-15."
    )
    # off a terminal the same run prints nothing (cron mails any output)
    quiet = subprocess.run(
        [str(CMELOG_EXE), "remind", "--as-of", "2026-01-10"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
