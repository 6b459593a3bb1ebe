"""History, undelete, attestations list/edit/delete, check, dated backups, restore, bundle
import (issue 10)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def _add(cli: Cli, title: str = "Course", *extra: str) -> Any:
    return cli("add", title, "--date", "2025-01-10", "--category", "2", "--credits", "1", *extra)


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


# ------------------------------------------------------------------ history and undelete
def test_every_change_is_in_the_history_with_old_and_new(jane: Cli, db_path: Path) -> None:
    ok(_add(jane, "First"))
    ok(jane("edit", "1", "--credits", "2", "--title", "First, renamed"))
    ok(jane("delete", "1", "--yes"))
    ok(jane("undelete", "1"))
    ok(jane("attest", "ehr", "--date", "2020-01-01", "--how", "meaningful use"))
    ok(jane("attestations", "edit", "1", "--how", "MU stage 2"))
    ok(jane("attestations", "delete", "1", "--yes"))
    doc = json.loads(ok(jane("history", "--json")).stdout)
    actions = [(c["command"], c["action"], c["entity"], c["entity_id"]) for c in doc]
    assert actions == [
        ("add", "add", "entry", 1),
        ("edit", "edit", "entry", 1),
        ("delete", "delete", "entry", 1),
        ("undelete", "undelete", "entry", 1),
        ("attest", "attest", "attestation", 1),
        ("attestations edit", "attestation-edit", "attestation", 1),
        ("attestations delete", "attestation-delete", "attestation", 1),
    ]
    edit = doc[1]
    assert edit["old"]["credits"] == 1 and edit["new"]["credits"] == 2
    assert edit["old"]["title"] == "First" and edit["new"]["title"] == "First, renamed"
    assert doc[2]["new"] is None and doc[2]["old"]["title"] == "First, renamed"
    assert doc[5]["old"]["how"] == "meaningful use" and doc[5]["new"]["how"] == "MU stage 2"
    assert all(c["at"][:4].isdigit() for c in doc)
    one = json.loads(ok(jane("history", "1", "--json")).stdout)
    assert [c["action"] for c in one] == ["add", "edit", "delete", "undelete"]
    text = ok(jane("history", "1")).stdout
    assert "credits: 1 -> 2" in text
    assert "edit" in text and "delete" in text


def test_undelete_brings_the_entry_back_with_its_id(jane: Cli) -> None:
    ok(_add(jane, "Keep me", "--notes", "n"))
    ok(_add(jane, "Other"))
    before = json.loads(ok(jane("show", "1", "--json")).stdout)
    ok(jane("delete", "1", "--yes"))
    assert jane("show", "1").exit_code == 1
    ok(jane("undelete", "1"))
    assert json.loads(ok(jane("show", "1", "--json")).stdout) == before
    again = jane("undelete", "1")
    assert again.exit_code == 1
    assert jane("undelete", "2").exit_code == 1  # not deleted
    never = jane("undelete", "77")
    assert never.exit_code == 1
    assert "never deleted" in never.stderr


def test_the_history_is_append_only(jane: Cli, db_path: Path) -> None:
    ok(_add(jane))
    con = sqlite3.connect(db_path)
    try:
        for sql in ("UPDATE history SET command = 'x'", "DELETE FROM history"):
            with pytest.raises(sqlite3.DatabaseError):
                con.execute(sql)
    finally:
        con.close()


def test_a_failed_command_writes_no_history(jane: Cli, db_path: Path) -> None:
    ok(_add(jane))
    assert _add(jane).exit_code == 2  # the identical entry is refused
    assert jane("edit", "1", "--date", "not-a-date").exit_code == 2
    assert _count(db_path, "history") == 1


def test_import_writes_one_history_row_per_entry(jane: Cli, db_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("date,title,category,credits\n2025-01-01,A,2,1\n2025-01-02,B,2,1\n")
    ok(jane("import", str(src)))
    doc = json.loads(ok(jane("history", "--json")).stdout)
    assert [(c["action"], c["new"]["title"]) for c in doc] == [("import", "A"), ("import", "B")]


# ------------------------------------------------------------------ attestations
def test_attestations_list_json_shape(jane: Cli) -> None:
    ok(jane("attest", "ehr", "--date", "2020-01-01", "--how", "meaningful use"))
    doc = json.loads(ok(jane("attestations", "--json")).stdout)
    assert doc == [
        {
            "id": 1,
            "requirement": "ehr",
            "date": "2020-01-01",
            "how": "meaningful use",
            "certificate_sha256": None,
            "certificate_name": None,
        }
    ]
    assert json.loads(ok(jane("attest", "--list", "--json")).stdout) == doc


def test_attestation_edit_and_delete(jane: Cli, tmp_path: Path) -> None:
    ok(jane("attest", "ehr", "--date", "2020-01-01", "--how", "meaningful use"))
    cert = tmp_path / "mu.pdf"
    cert.write_bytes(b"%PDF-1.4 mu")
    ok(jane("attestations", "edit", "1", "--date", "2019-05-05", "--certificate", str(cert)))
    a = json.loads(ok(jane("attestations", "--json")).stdout)[0]
    assert a["date"] == "2019-05-05" and a["how"] == "meaningful use"
    assert a["certificate_sha256"] == hashlib.sha256(b"%PDF-1.4 mu").hexdigest()
    assert jane("attestations", "edit", "9", "--how", "x").exit_code == 1
    assert jane("attestations", "edit", "1").exit_code == 2
    refused = jane("attestations", "delete", "1")
    assert refused.exit_code == 2  # off a terminal without --yes
    assert len(json.loads(ok(jane("attestations", "--json")).stdout)) == 1
    ok(jane("attestations", "delete", "1", "--yes"))
    assert json.loads(ok(jane("attestations", "--json")).stdout) == []


# ------------------------------------------------------------------ check
def test_check_finds_damaged_missing_orphan_leftovers_and_modes(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(b"%PDF-1.4 a")
    b.write_bytes(b"%PDF-1.4 b")
    ok(_add(jane, "A", "--certificate", str(a)))
    ok(_add(jane, "B", "--certificate", str(b)))
    assert ok(jane("check")).stdout.strip().endswith("no problems found.")
    certs = db_path.parent / "certificates"
    sha_a = hashlib.sha256(a.read_bytes()).hexdigest()
    sha_b = hashlib.sha256(b.read_bytes()).hexdigest()
    (certs / f"{sha_a}.pdf").write_bytes(b"damaged")  # bytes no longer match the name
    (certs / f"{sha_b}.pdf").unlink()  # missing
    orphan = certs / (hashlib.sha256(b"stray").hexdigest() + ".pdf")
    orphan.write_bytes(b"stray")
    leftover = db_path.parent / ".cmelog-tmp-999999999-x.db"
    leftover.write_bytes(b"half")  # recent: not yet swept at start-up, reported by check
    db_path.chmod(0o644)
    result = jane("check")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert any("damaged" in ln and sha_a in ln for ln in lines)
    assert any("missing" in ln and sha_b[:12] in ln for ln in lines)
    assert any("belongs to no entry" in ln for ln in lines)
    assert any("temporary" in ln for ln in lines)
    assert any("0644" in ln for ln in lines)
    doc = json.loads(jane("check", "--json").stdout)
    assert {f["kind"] for f in doc["findings"]} >= {
        "certificate-damaged",
        "certificate-missing",
        "orphan",
        "temporary",
        "mode",
    }
    fixed = jane("check", "--fix")
    assert fixed.exit_code == 1  # the damaged and the missing certificate remain
    assert not leftover.exists()
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert orphan.exists()  # off a terminal, orphans go only with --yes
    assert (certs / f"{sha_a}.pdf").exists()  # never removes what the user may need
    jane("check", "--fix", "--yes")
    assert not orphan.exists()


# ------------------------------------------------------------------ backups and restore
def test_dated_backups_keep_the_newest_n(jane: Cli, db_path: Path) -> None:
    ok(_add(jane))
    folder = db_path.parent / "backups"
    for _ in range(4):
        ok(jane("backup", "--keep", "2"))
    kept = sorted(p.name for p in folder.glob("cmelog-*.db"))
    assert len(kept) == 2
    assert folder.stat().st_mode & 0o777 == 0o700
    for p in folder.glob("cmelog-*.db"):
        assert p.stat().st_mode & 0o777 == 0o600
    assert jane("backup", "--keep", "0").exit_code == 2


def test_restore_a_file_backup_keeps_the_current_logbook_aside(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    ok(_add(jane, "Before"))
    copy = tmp_path / "copy.db"
    ok(jane("backup", str(copy)))
    ok(_add(jane, "After"))
    assert jane("restore", str(copy)).exit_code == 2  # off a terminal without --yes
    assert _count(db_path, "entry") == 2
    result = ok(jane("restore", str(copy), "--yes"))
    titles = [e["title"] for e in json.loads(ok(jane("list", "--json")).stdout)]
    assert titles == ["Before"]
    aside = [p for p in db_path.parent.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1
    assert str(aside[0]) in result.stdout
    assert _count(aside[0], "entry") == 2
    assert db_path.stat().st_mode & 0o777 == 0o600


def test_restore_refuses_a_damaged_backup(jane: Cli, db_path: Path, tmp_path: Path) -> None:
    ok(_add(jane))
    copy = tmp_path / "copy.db"
    ok(jane("backup", str(copy)))
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) // 2])
    before = db_path.read_bytes()
    result = jane("restore", str(copy), "--yes")
    assert result.exit_code == 1
    assert db_path.read_bytes() == before
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert jane("restore", str(text), "--yes").exit_code == 1


def test_restore_a_folder_backup_brings_the_certificates(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    cert = tmp_path / "c.pdf"
    cert.write_bytes(b"%PDF-1.4 c")
    ok(_add(jane, "With certificate", "--certificate", str(cert)))
    ok(jane("backup", str(tmp_path / "bk") + "/"))
    for f in (db_path.parent / "certificates").iterdir():
        f.unlink()
    ok(jane("delete", "1", "--yes"))
    ok(jane("restore", str(tmp_path / "bk"), "--yes"))
    assert json.loads(ok(jane("list", "--json")).stdout)[0]["title"] == "With certificate"
    assert ok(jane("check")).exit_code == 0


def _bundle(path: Path, entries: list[dict[str, str]], certs: dict[str, bytes],
            attestations: list[dict[str, str]] | None = None) -> Path:  # fmt: skip
    def to_csv(rows: list[dict[str, str]], cols: list[str]) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()

    cols = ["cycle", "id", "date", "end_date", "title", "provider", "category", "credits",
            "minutes", "kind", "topics", "format", "url", "certificate_sha256",
            "certificate_name", "notes"]  # fmt: skip
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("cmelog-audit-1-2026-01-01.pdf", b"%PDF-1.4 report")
        zf.writestr("cmelog-audit-1-2026-01-01.csv", "\ufeff" + to_csv(entries, cols))
        if attestations is not None:
            acols = ["id", "requirement", "date", "how", "certificate_sha256",
                     "certificate_name"]  # fmt: skip
            zf.writestr("attestations.csv", to_csv(attestations, acols))
        for name, data in certs.items():
            zf.writestr(f"certificates/{name}", data)
    return path


def test_import_a_bundle_brings_entries_attestations_and_certificates_once(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    data = b"%PDF-1.4 bundled certificate"
    sha = hashlib.sha256(data).hexdigest()
    bundle = _bundle(
        tmp_path / "b.zip",
        [{"date": "2025-01-01", "title": "=SUM(A1)", "category": "1", "credits": "2",
          "provider": "P", "certificate_sha256": sha, "certificate_name": "c.pdf"}],
        {f"{sha[:12]}-c.pdf": data},
        [{"id": "1", "requirement": "ehr", "date": "2020-01-01", "how": "'-MU",
          "certificate_sha256": sha, "certificate_name": "c.pdf"}],
    )  # fmt: skip
    ok(jane("import", str(bundle)))
    entries = json.loads(ok(jane("list", "--json")).stdout)
    assert [(e["title"], e["certificate_sha256"]) for e in entries] == [("=SUM(A1)", sha)]
    atts = json.loads(ok(jane("attestations", "--json")).stdout)
    assert [(a["requirement"], a["how"]) for a in atts] == [("ehr", "-MU")]
    stored = list((db_path.parent / "certificates").iterdir())
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in stored] == [sha]
    ok(jane("import", str(bundle)))  # twice adds nothing
    assert _count(db_path, "entry") == 1 and _count(db_path, "attestation") == 1
    assert ok(jane("check")).exit_code == 0


def test_an_imported_hash_without_its_file_is_a_bad_row(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    sha = "ab" * 32
    src = tmp_path / "in.csv"
    src.write_text(
        "date,title,category,credits,certificate_sha256\n"
        "2025-01-01,A,2,1,\n"
        f"2025-01-02,B,2,1,{sha}\n"
    )
    result = jane("import", str(src))
    assert result.exit_code == 2
    assert "line 3" in result.stderr
    bundle = _bundle(tmp_path / "b.zip", [{"date": "2025-01-01", "title": "A",
                     "category": "2", "credits": "1", "certificate_sha256": sha}], {})  # fmt: skip
    result = jane("import", str(bundle))
    assert result.exit_code == 2
    assert "line 2" in result.stderr
    assert _count(db_path, "entry") == 0


def test_duplicate_csv_headers_are_exit_2(jane: Cli, db_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "dup.csv"
    src.write_text("date,title,category,credits,credits\n2025-01-01,A,2,1,40\n")
    result = jane("import", str(src))
    assert result.exit_code == 2
    assert "credits" in result.stderr
    assert _count(db_path, "entry") == 0


def test_import_removes_exactly_one_leading_quote(jane: Cli, tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text(
        "date,title,category,credits,notes\n"
        "2025-01-01,'=HYPERLINK(x),2,1,''-kept one\n"
        "2025-01-02,'plain,2,1,'@\n"
    )
    ok(jane("import", str(src)))
    got = [(e["title"], e["notes"]) for e in json.loads(ok(jane("list", "--json")).stdout)]
    assert got == [("=HYPERLINK(x)", "'-kept one"), ("'plain", "@")]


def test_import_names_the_line_and_field_of_a_control_character(
    jane: Cli, db_path: Path, tmp_path: Path
) -> None:
    src = tmp_path / "c.csv"
    src.write_text(
        'date,title,category,credits,notes\n2025-01-01,A,2,1,ok\n2025-01-02,B,2,1,"a\x1b[2Jb"\n'
    )
    result = jane("import", str(src))
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "notes" in result.stderr
    assert "\x1b" not in result.stderr
    assert _count(db_path, "entry") == 0


def test_iter_entries_streams_what_list_entries_returns(jane: Cli, db_path: Path) -> None:
    import types

    from cmelog.storage import reads
    from cmelog.storage.db import open_logbook

    for i in range(7):
        ok(jane("add", f"E{i}", "--date", f"2025-01-0{i + 1}", "--category", "2", "--credits", "1"))
    with open_logbook(db_path).reader() as con:
        stream = reads.iter_entries(con, batch=2)
        assert isinstance(stream, types.GeneratorType)
        assert list(stream) == reads.list_entries(con)
        assert list(reads.iter_entries(con, category=1)) == []
