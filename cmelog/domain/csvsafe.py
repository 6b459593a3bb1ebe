"""Spreadsheet-safe CSV cells (formula injection). Pure.

Every CSV cell cmelog writes that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a
leading `'`, so a spreadsheet shows it as text instead of running it as a formula; `import`
removes exactly that one `'` again (only where it stands before one of those characters), so
the round trip is lossless.
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _guarded(value: str) -> bool:
    """True when `value` is quotes (any number, none included) before a trigger character."""
    return value.lstrip("'").startswith(TRIGGERS)


def escape_cell(value: str) -> str:
    # "'=x" (a value that looks escaped already) gets one more quote, so import gives it back
    return "'" + value if _guarded(value) else value


def unescape_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and _guarded(value) else value
