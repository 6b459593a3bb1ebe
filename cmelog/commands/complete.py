"""Shell completion values: topics, kinds, formats, requirement ids and entry ids.

Never file names for slugs. Each function fails quietly (no completion) rather than printing.
"""

from __future__ import annotations

import os
from typing import Any


def _board() -> str:
    try:
        import sqlite3  # only while completing: not on every start

        from cmelog.storage.db import _ro_uri, resolve_path

        path = resolve_path(os.environ.get("CMELOG_DB"))
        if not path.exists():
            return "MA"
        with sqlite3.connect(_ro_uri(path), uri=True) as conn:
            row = conn.execute("SELECT board FROM profile WHERE id = 1").fetchone()
        return str(row[0]) if row and row[0] else "MA"
    except Exception:
        return "MA"


def _rules() -> Any:
    from cmelog.rules import load_rules

    try:
        return load_rules(_board())
    except Exception:
        return load_rules("MA")


def _matching(values: list[str], incomplete: str) -> list[str]:
    return [v for v in values if v.startswith(incomplete.lower())]


def topics(incomplete: str) -> list[str]:
    return _matching(sorted(_rules().topics), incomplete)


def kinds(incomplete: str) -> list[str]:
    return _matching(list(_rules().kinds), incomplete)


def formats(incomplete: str) -> list[str]:
    return _matching(list(_rules().formats), incomplete)


def requirements(incomplete: str) -> list[str]:
    return _matching([r.id for r in _rules().requirements if r.attestation], incomplete)


def all_requirements(incomplete: str) -> list[str]:
    return _matching([r.id for r in _rules().requirements], incomplete)


def entry_ids(incomplete: str) -> list[tuple[str, str]]:
    try:
        import sqlite3

        from cmelog.storage.db import _ro_uri, resolve_path

        path = resolve_path(os.environ.get("CMELOG_DB"))
        with sqlite3.connect(_ro_uri(path), uri=True) as conn:
            rows = conn.execute("SELECT id, date, title FROM entry ORDER BY date, id").fetchall()
    except Exception:
        return []
    return [(str(i), f"{d} {t}"[:60]) for i, d, t in rows if str(i).startswith(incomplete)]


def categories(incomplete: str) -> list[tuple[str, str]]:
    return [
        (c, h)
        for c, h in (("1", "AMA PRA Category 1"), ("2", "Category 2"))
        if c.startswith(incomplete)
    ]


def cycles(incomplete: str) -> list[str]:
    return _matching(["current", "previous", "all"], incomplete)
