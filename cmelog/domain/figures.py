"""Credit figures as text, from integer hundredths. Pure, and imports nothing: the light read
paths (`list` in a pipe, `show`) print credits without loading Decimal or Fraction."""

from __future__ import annotations


def format_credits(hundredths: int) -> str:
    """Human form with two decimals: 150 -> "1.50"."""
    sign = "-" if hundredths < 0 else ""
    h = abs(hundredths)
    return f"{sign}{h // 100}.{h % 100:02d}"


def short_credits(hundredths: int) -> str:
    """Compact form: 5000 -> "50", 150 -> "1.5", 125 -> "1.25"."""
    text = format_credits(hundredths)
    return text.rstrip("0").rstrip(".") if "." in text else text
