"""Issue 9, audit CSV: safe in a spreadsheet, readable by Excel, numbers like the JSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cmelog.domain.csvsafe import unescape_cell
from cmelog.domain.model import Entry
from cmelog.render.csvout import COLUMNS, write_csv

AS_OF = "2026-01-10"
BOM = "\ufeff".encode()
Cli = Callable[..., Any]

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example","click")',
    "provider": "+SUM(A1:A9)",
    "notes": "-2+3",
    "url": "@cmd",
}


def entry(entry_id: int, **kw: Any) -> Entry:
    fields: dict[str, Any] = {"title": "t", "date": date(2025, 1, 1), "credits": 100, "category": 1}
    return Entry(id=entry_id, **{**fields, **kw})


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def rows_of(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return [dict(zip(header, row, strict=True)) for row in reader]


def formula_logbook(cli: Cli) -> None:
    ok(cli("init", "--name", "Anna Sjögren", "--birthday", "1975-06-15", "--license", "77",
           "--license-expires", "2026-06-15"))  # fmt: skip
    ok(cli("add", FORMULAS["title"], "--date", "2025-02-03", "--category", "1", "--credits", "3",
           "--provider", FORMULAS["provider"], "--notes", FORMULAS["notes"],
           "--url", FORMULAS["url"]))  # fmt: skip
    ok(cli("add", "Sjögren syndrome update", "--date", "2025-03-03", "--category", "2",
           "--minutes", "95", "--provider", "Västra Götaland"))  # fmt: skip


def test_audit_csv_escapes_every_formula_cell(cli: Cli, tmp_path: Path) -> None:
    formula_logbook(cli)
    out = tmp_path / "a.csv"
    ok(cli("audit-export", "--as-of", AS_OF, "--format", "csv", "--output", str(out)))
    data = out.read_bytes()
    assert data.startswith(BOM)  # Excel reads it as UTF-8: "Sjögren", not "SjÃ¶gren"
    text = data[len(BOM) :].decode("utf-8")
    rows = {r["id"]: r for r in rows_of(text)}
    first = rows["1"]
    for column, value in FORMULAS.items():
        assert first[column] == "'" + value, column
        assert unescape_cell(first[column]) == value
    second = rows["2"]
    assert second["title"] == "Sjögren syndrome update"
    assert second["provider"] == "Västra Götaland"
    # numbers are written like the JSON numbers
    assert (first["credits"], second["credits"], second["minutes"]) == ("3", "1.5", "95")
    # the same bytes decode with Excel's UTF-8-with-BOM reading and no cell starts a formula
    excel = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert excel[0] == list(COLUMNS)
    for row in excel[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)


def test_list_csv_on_stdout_has_no_bom_but_escapes(cli: Cli) -> None:
    formula_logbook(cli)
    result = ok(cli("list", "--csv"))
    assert not result.stdout.startswith("\ufeff")
    assert result.stdout.startswith("cycle,id,date,")
    rows = {r["id"]: r for r in rows_of(result.stdout)}
    assert rows["1"]["title"] == "'" + FORMULAS["title"]
    assert rows["1"]["provider"] == "'" + FORMULAS["provider"]


def test_import_of_the_audit_csv_gives_back_the_same_text(cli: Cli, tmp_path: Path) -> None:
    formula_logbook(cli)
    out = tmp_path / "a.csv"
    ok(cli("audit-export", "--as-of", AS_OF, "--format", "csv", "--output", str(out)))
    text = out.read_bytes()[len(BOM) :].decode("utf-8")
    rows = rows_of(text)
    assert {unescape_cell(r["title"]) for r in rows} == {
        FORMULAS["title"],
        "Sjögren syndrome update",
    }


@given(
    st.text(
        alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "a", "ö", " ", ",", '"']),
        max_size=12,
    )
)
def test_every_written_cell_round_trips_and_never_starts_a_formula(value: str) -> None:
    e = entry(1, title=value or "x", provider=value or None, notes=value or None)
    buf = io.StringIO(newline="")
    write_csv(buf, [e], lambda _: "current")
    row = next(r for i, r in enumerate(csv.reader(io.StringIO(buf.getvalue(), newline=""))) if i)
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_cell(row[COLUMNS.index("title")]) == (value or "x")
    assert unescape_cell(row[COLUMNS.index("notes")]) == value
