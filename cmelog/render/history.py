"""Human and JSON output of history, attestations and check findings. Stored text is always
neutralised (control characters replaced) before it reaches a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cmelog.domain.model import Attestation
from cmelog.domain.textsafe import neutralise
from cmelog.storage.reads import ENTRY_COLUMNS, Change

# the fields shown for a change, in this order: an entry's stored columns, then an attestation's
# then a license's and a ledger's
_FIELDS = (
    *(c for c in ENTRY_COLUMNS if c != "id"),
    "requirement",
    "how",
    *("board", "number", "type", "expires", "issued", "name", "start"),
)


def _label(doc: dict[str, Any]) -> Any:
    """What a change is about: an entry's title, an attestation's requirement, a license's
    board, a ledger's name."""
    for key in ("title", "requirement", "board", "name"):
        if doc.get(key):
            return doc[key]
    return ""


_HUNDREDTHS = ("credits", "moc_points")


def _value(key: str, value: Any) -> Any:
    """A stored value as the user knows it (credits as numbers, topics as a list)."""
    if value is None:
        return None
    if key in _HUNDREDTHS and isinstance(value, int):
        return value / 100 if value % 100 else value // 100
    if key == "topics" and isinstance(value, str):
        return [t for t in value.split(";") if t]
    return value


def values(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    if doc is None:
        return None
    return {k: _value(k, v) for k, v in doc.items() if k != "eff_date"}


def change_json(c: Change) -> dict[str, Any]:
    return {
        "id": c.id,
        "at": c.at,
        "command": c.command,
        "action": c.action,
        "entity": c.entity,
        "entity_id": c.entity_id,
        "old": values(c.old),
        "new": values(c.new),
    }


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ";".join(value) or "(none)"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return neutralise(repr(text) if isinstance(value, str) else text)


def change_lines(c: Change) -> list[str]:
    """`2026-12-03 18:30  edit   entry 4` then one indented line per changed field."""
    when = c.at[:16].replace("T", " ")
    head = f"{when}  {c.command:<8} {c.entity} {c.entity_id}"
    old, new = values(c.old), values(c.new)
    if old is None and new is not None:
        label = _label(new)
        verb = {"import": "imported", "undelete": "brought back", "restore": "restored"}.get(
            c.action, "added"
        )
        return [f"{head}: {verb} {_show(label)}"]
    if new is None and old is not None:
        label = _label(old)
        return [f"{head}: deleted {_show(label)}"]
    lines = [head]
    assert old is not None and new is not None
    for key in _FIELDS:
        if key in old or key in new:
            a, b = old.get(key), new.get(key)
            if a != b:
                lines.append(f"    {key}: {_show(a)} -> {_show(b)}")
    return lines


def history_text(items: Sequence[Change]) -> str:
    if not items:
        return "No changes recorded yet."
    out: list[str] = []
    for c in items:
        out += change_lines(c)
    return "\n".join(out)


def attestation_line(a: Attestation) -> str:
    cert = (
        f"  [{neutralise(a.certificate_name or a.certificate_sha256 or '')}]"
        if (a.certificate_sha256)
        else ""
    )
    return f"{a.id:>4}  {a.date.isoformat()}  {a.requirement:<24} {neutralise(a.how)}{cert}"


def attestations_text(items: Sequence[Attestation]) -> str:
    if not items:
        return "No attestations recorded."
    head = f"{'id':>4}  {'date':<10}  {'requirement':<24} how"
    return "\n".join([head] + [attestation_line(a) for a in items])
