"""cmelog's records come from msgspec, imported without typing_extensions (issue 13): which
leaves typing_extensions importable, and untouched when something imported it first."""

from __future__ import annotations

import subprocess
import sys


def run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_records_load_without_typing_extensions_which_stays_importable() -> None:
    out = run(
        "import sys\n"
        "from cmelog.structs import Struct, field, replace\n"
        "print('typing_extensions' in sys.modules)\n"
        "class R(Struct, frozen=True):\n"
        "    a: int\n"
        "    b: 'list[str]' = field(default_factory=list)\n"
        "print(replace(R(1), a=2))\n"
        "import typing_extensions\n"
        "print(typing_extensions.__name__)\n"
    )
    assert out.splitlines() == ["False", "R(a=2, b=[])", "typing_extensions"]


def test_typing_extensions_imported_first_is_left_in_place() -> None:
    out = run(
        "import sys, typing_extensions\n"
        "before = sys.modules['typing_extensions']\n"
        "import cmelog.structs\n"
        "print(sys.modules['typing_extensions'] is before)\n"
    )
    assert out == "True"
