"""Import ReportLab's platypus without compiling regular expressions the audit PDF never uses.

On import, ``reportlab.platypus.paragraph`` compiles ``uri_pat`` (URLs, for the optional
hyphenation of long links, ``uriWasteReduce``) with case-insensitive classes spanning the whole
Basic Multilingual Plane, and ``reportlab.lib.textsplit`` a class of CJK to the plane's end
(``rx``, for ``wordSplit``): Python's ``re`` expands every one of those tens of thousands of
characters, in pure Python, on every start: over a third of platypus's import (about 30 ms of
each export). While platypus is first imported here, a pattern holding a class that runs to
U+FFFF is compiled on its first use instead; every other pattern compiles as usual, and
``re.compile`` is itself again once the import is done (tests/test_startup_pdf.py).
"""

from __future__ import annotations

import re
import sys
from typing import Any

_WHOLE_PLANE = "\uffff"  # the end of a class spanning the Basic Multilingual Plane


class LazyPattern:
    """A compiled pattern made on first use; behaves as the `re.Pattern` it stands for."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


def import_platypus() -> None:
    if "reportlab.platypus" in sys.modules:
        return
    real = re.compile

    def compile_later(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and _WHOLE_PLANE in pattern:
            return LazyPattern(pattern, flags)
        return real(pattern, flags)

    re.compile = compile_later
    try:
        import reportlab.platypus  # noqa: F401
    finally:
        re.compile = real


import_platypus()
