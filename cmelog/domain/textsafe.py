"""Control characters in text fields: refused on input, neutralised on output. Pure.

C0 (U+0000-U+001F, tab aside), DEL (U+007F) and C1 (U+0080-U+009F) control characters never
belong in a title, provider, note, URL, attestation or file name; an ANSI escape sequence
starts with one (ESC, U+001B, or CSI, U+009B), so refusing them refuses every escape sequence.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def control_characters(text: str) -> list[str]:
    """The control characters in `text`, as U+XXXX, in order of appearance, without repeats."""
    seen: list[str] = []
    for ch in _CONTROL.findall(text):
        code = f"U+{ord(ch):04X}"
        if code not in seen:
            seen.append(code)
    return seen


def has_control(text: str | None) -> bool:
    return bool(text) and _CONTROL.search(text or "") is not None


def first_unprintable(text: str) -> str | None:
    """The first character of `text` that is not printable text, else None: a control
    character other than tab (Cc), a lone surrogate (Cs), a private-use (Co) or unassigned (Cn)
    code point, or a line or paragraph separator (U+2028, U+2029). ASCII text (the common
    case) is checked by one regular-expression search."""
    if text.isascii():
        found = _CONTROL.search(text)
        return found.group() if found else None
    category = unicodedata.category
    for ch in text:
        if (category(ch) in ("Cc", "Cs", "Co", "Cn") and ch != "\t") or ch in "\u2028\u2029":
            return ch
    return None


def neutralise(text: str) -> str:
    """`text` safe for a terminal: each control character (tab aside) becomes U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def control_message(field: str, text: str, where: str = "") -> str:
    """One sentence naming the field (and `where`, e.g. 'on line 4') and what is accepted."""
    codes = ", ".join(control_characters(text))
    place = f" {where}" if where else ""
    return (
        f"The {field}{place} contains control characters ({codes}); give plain text "
        "(letters, digits, punctuation, spaces and tabs)."
    )
