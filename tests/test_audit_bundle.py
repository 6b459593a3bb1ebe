"""Issue 9, the audit bundle: attestations.csv, summary.csv, a versioned manifest.json, every
file in SHA256SUMS, certificates streamed from disk, and --force passed to the guarded write."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CMELOG_EXE

AS_OF = "2026-01-10"
BOM = "\ufeff".encode()
Cli = Callable[..., Any]
BASE = f"cmelog-audit-654321-{AS_OF}"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def csv_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM)
    reader = csv.DictReader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline=""))
    return list(reader)


@pytest.fixture
def logbook(cli: Cli, tmp_path: Path) -> Cli:
    ok(cli("init", "--name", "Łukasz Dvořák, MD", "--birthday", "1975-06-15", "--license",
           "654321", "--license-expires", "2026-06-15"))  # fmt: skip
    src = tmp_path / "in"
    src.mkdir()
    (src / "Risk course.pdf").write_bytes(b"%PDF-1.4 risk\n")
    (src / "ehr proof.pdf").write_bytes(b"%PDF-1.4 ehr\n")
    ok(cli("add", "Risk course", "--date", "2025-02-03", "--category", "1", "--credits", "4",
           "--provider", "MMS", "--topic", "risk-management",
           "--certificate", str(src / "Risk course.pdf")))  # fmt: skip
    ok(cli("add", "Old course", "--date", "2023-01-10", "--category", "2", "--credits", "6"))
    ok(cli("attest", "ehr", "--date", "2015-01-01", "--how", "=meaningful use",
           "--certificate", str(src / "ehr proof.pdf")))  # fmt: skip
    return cli


def bundle(cli: Cli, tmp_path: Path, *extra: str) -> dict[str, bytes]:
    out = tmp_path / "b.zip"
    ok(cli("audit-export", "--as-of", AS_OF, "--bundle", "--output", str(out), *extra))
    with zipfile.ZipFile(out) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_bundle_holds_attestations_summary_and_manifest(logbook: Cli, tmp_path: Path) -> None:
    members = bundle(logbook, tmp_path)
    assert {"attestations.csv", "summary.csv", "manifest.json", "SHA256SUMS"} <= set(members)

    (att,) = csv_of(members["attestations.csv"])
    assert att == {
        "id": "1",
        "requirement": "ehr",
        "date": "2015-01-01",
        "how": "'=meaningful use",  # escaped like every CSV cell
        "certificate_sha256": sha(b"%PDF-1.4 ehr\n"),
        "certificate_name": "ehr proof.pdf",
    }

    summary = csv_of(members["summary.csv"])
    keys = {(r["cycle"], r["requirement"]) for r in summary}
    assert ("current", "total") in keys and ("previous", "total") in keys
    current_total = next(
        r for r in summary if (r["cycle"], r["requirement"]) == ("current", "total")
    )
    assert (current_total["required"], current_total["earned"], current_total["met"]) == (
        "50",
        "4",
        "no",
    )
    assert current_total["status"] == "46.00 to go"
    previous_total = next(
        r for r in summary if (r["cycle"], r["requirement"]) == ("previous", "total")
    )
    assert (previous_total["earned"], previous_total["remaining"]) == ("6", "44")
    assert previous_total["status"] == "short by 44.00"
    ehr = next(r for r in summary if (r["cycle"], r["requirement"]) == ("current", "ehr"))
    assert ehr["met"] == "yes" and ehr["met_by"] == "attestation 1"
    assert ehr["remaining"] == "0"
    assert ehr["status"].startswith("met by attestation 2015-01-01")

    manifest = json.loads(members["manifest.json"])
    assert manifest["schema_version"] == 1
    assert manifest["physician"] == {"name": "Łukasz Dvořák, MD"}
    assert manifest["license"]["number"] == "654321" and manifest["license"]["board"] == "MA"
    assert manifest["board"]["code"] == "MA"
    assert manifest["as_of"] == AS_OF
    assert [(c["cycle"], c["start"], c["end"]) for c in manifest["cycles"]] == [
        ("current", "2024-06-16", "2026-06-15"),
        ("previous", "2022-06-16", "2024-06-15"),
    ]
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(members) - {"manifest.json", "SHA256SUMS"}
    for path, digest in listed.items():
        assert sha(members[path]) == digest


def test_sha256sums_lists_every_file_and_sha256sum_accepts_it(logbook: Cli, tmp_path: Path) -> None:
    members = bundle(logbook, tmp_path)
    lines = members["SHA256SUMS"].decode("utf-8").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    assert set(listed) == set(members) - {"SHA256SUMS"}
    assert "manifest.json" in listed and "attestations.csv" in listed
    extracted = tmp_path / "x"
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        zf.extractall(extracted)
    check = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=extracted,
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(members) - 1


def test_certificates_carry_their_original_names(logbook: Cli, tmp_path: Path) -> None:
    members = bundle(logbook, tmp_path)
    certs = {n: d for n, d in members.items() if n.startswith("certificates/")}
    assert certs == {
        "certificates/Risk course.pdf": b"%PDF-1.4 risk\n",
        "certificates/ehr proof.pdf": b"%PDF-1.4 ehr\n",
    }


def test_the_csv_files_of_the_bundle_start_with_a_bom(logbook: Cli, tmp_path: Path) -> None:
    members = bundle(logbook, tmp_path)
    for name in (f"{BASE}.csv", "attestations.csv", "summary.csv"):
        assert members[name].startswith(BOM), name


def test_force_is_passed_to_the_guarded_write(
    logbook: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cmelog.services.export as export
    from cmelog.services.files import atomic_write

    seen: list[dict[str, Any]] = []

    def spy(path: Path, write: Any, **kw: Any) -> Path:
        seen.append(kw)
        return atomic_write(path, write, **kw)

    monkeypatch.setattr(export, "atomic_write", spy)
    out = tmp_path / "a.pdf"
    ok(logbook("audit-export", "--as-of", AS_OF, "--output", str(out)))
    ok(logbook("audit-export", "--as-of", AS_OF, "--output", str(out), "--force"))
    db = Path(os.environ["CMELOG_DB"])
    assert [s["force"] for s in seen] == [False, True]
    assert all(Path(s["protect"]).resolve() == db.resolve() for s in seen)


def test_a_large_certificate_is_streamed_not_read_into_memory(logbook: Cli, tmp_path: Path) -> None:
    """A 300 MB (sparse) certificate: the export's peak memory stays far below its size."""
    size = 300 * 1024 * 1024
    db = Path(os.environ["CMELOG_DB"])
    digest = hashlib.sha256()
    zeros = bytes(1 << 20)
    for _ in range(size >> 20):
        digest.update(zeros)
    big_sha = digest.hexdigest()
    big = db.parent / "certificates" / big_sha  # as 0.1 stored it: found by both versions
    with big.open("wb") as fh:
        fh.truncate(size)  # sparse: takes no disk space
    with sqlite3.connect(db) as con:
        con.execute(
            "UPDATE entry SET certificate_sha256 = ?, certificate_name = ? WHERE title = ?",
            (big_sha, "scan.pdf", "Old course"),
        )
    out = tmp_path / "big.zip"
    probe = (
        "import resource, subprocess, sys;"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "sys.stderr.write(r.stderr);"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, str(CMELOG_EXE), "audit-export", "--as-of", AS_OF,
         "--bundle", "--output", str(out)],
        capture_output=True, text=True, timeout=300, env=os.environ.copy(),
    )  # fmt: skip
    code, peak_kib = map(int, run.stdout.split())
    assert code == 0, run.stderr
    assert peak_kib < 150 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo("certificates/scan.pdf")
        assert info.file_size == size
        manifest = json.loads(zf.read("manifest.json"))
    assert {"path": "certificates/scan.pdf", "sha256": big_sha}.items() <= next(
        f for f in manifest["files"] if f["path"] == "certificates/scan.pdf"
    ).items()
    out.unlink()
