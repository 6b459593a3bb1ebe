"""`add --from-certificate`: certificate PDFs rendered here with ReportLab from the corpus of
real wordings (tests/certificates/corpus.toml), read back through pypdf and the CLI."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmelog.services.certreader import read_certificate

Cli = Callable[..., Any]
CORPUS: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "certificates" / "corpus.toml").read_text(encoding="utf-8")
)["certificate"]
BY_NAME = {c["name"]: c for c in CORPUS}
FIELDS = ("title", "provider", "date", "end_date", "credits", "max_credits", "category",
          "format", "moc_points")  # fmt: skip


def make_pdf(path: Path, lines: list[str], *, text: bool = True) -> Path:
    """A one-page certificate: each line drawn as printed (or, text=False, only shapes)."""
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=landscape(letter))
    c.setTitle("Certificate")
    y = 540.0
    c.rect(30, 30, 732, 552)
    for line in lines:
        if text:
            c.setFont("Helvetica", 11)
            c.drawString(50, y, line)
        else:  # a scanned certificate: pictures of text, no text layer
            c.rect(50, y, 6 * len(line), 9, fill=1)
        y -= 20
    c.save()
    return path


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("certificates")
    return {c["name"]: make_pdf(folder / c["name"], c["lines"]) for c in CORPUS}


@pytest.mark.parametrize("name", list(BY_NAME))
def test_every_field_right_from_the_pdf(pdfs: dict[str, Path], name: str) -> None:
    proposal = read_certificate(str(pdfs[name])).proposal
    expect = BY_NAME[name]["expect"]
    assert {f: proposal.get(f) for f in FIELDS} == {f: expect.get(f) for f in FIELDS}


def test_non_physician_credit_is_never_read_as_credits(pdfs: dict[str, Path]) -> None:
    for name in ("nursing-contact-hours.pdf", "participation-nonphysician.pdf", "aapa.pdf"):
        proposal = read_certificate(str(pdfs[name])).proposal
        assert proposal.get("credits") is None and proposal.get("category") is None, name
        assert any("not" in n.lower() for n in proposal.notes), name


def _entries(cli: Cli) -> list[dict[str, Any]]:
    return json.loads(cli("list", "--json").stdout)


def test_off_a_terminal_stores_only_with_yes(jane: Cli, pdfs: dict[str, Path]) -> None:
    pdf = pdfs["state-society-live.pdf"]
    refused = jane("add", "--from-certificate", str(pdf))
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert refused.stderr.count("\n") == 1 and _entries(jane) == []
    # every value stored was shown first, with the certificate line it came from
    assert "3.00 AMA PRA Category 1 Credits" in refused.stdout and "read from" in refused.stdout
    result = jane("add", "--from-certificate", str(pdf), "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["title"] == "Opioid Prescribing: Safe Practices in Massachusetts"
    assert (doc["date"], doc["credits"], doc["category"]) == ("2025-03-14", 3, 1)
    assert doc["provider"] == "Massachusetts Medical Society" and doc["format"] == "live"
    assert doc["source"] == "certificate:state-society-live.pdf"
    assert doc["certificate_name"] == "state-society-live.pdf"
    assert doc["certificate_sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert "Credits" in result.stderr and "read from" in result.stderr  # shown, off stdout


def test_explicit_options_win_over_what_was_read(jane: Cli, pdfs: dict[str, Path]) -> None:
    pdf = pdfs["board-review.pdf"]
    result = jane(
        "add", "--from-certificate", str(pdf), "--yes", "--json",
        "--credits", "30", "--title", "IM review", "--topic", "risk-management",
    )  # fmt: skip
    assert result.exit_code == 2  # add has no --title option: TITLE is the argument
    result = jane(
        "add", "IM review", "--from-certificate", str(pdf), "--yes", "--json",
        "--credits", "30", "--topic", "risk-management",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["title"], doc["credits"], doc["topics"]) == ("IM review", 30, ["risk-management"])
    assert (doc["date"], doc["end_date"]) == ("2025-05-05", "2025-05-09")


def test_required_field_not_found_is_exit_2_naming_it(jane: Cli, pdfs: dict[str, Path]) -> None:
    result = jane("add", "--from-certificate", str(pdfs["only-maximum.pdf"]), "--yes")
    assert result.exit_code == 2
    assert "credits" in result.stderr and "not found on the certificate" in result.stderr
    assert result.stderr.count("\n") == 1 and _entries(jane) == []
    # the maximum designated is shown, never stored as the credits claimed
    assert "20.75 (not claimed)" in result.stdout
    ok = jane("add", "--from-certificate", str(pdfs["only-maximum.pdf"]), "--yes", "--credits",
              "12", "--json")  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(ok.stdout)["credits"] == 12


def test_nursing_certificate_has_no_credits(jane: Cli, pdfs: dict[str, Path]) -> None:
    result = jane("add", "--from-certificate", str(pdfs["nursing-contact-hours.pdf"]), "--yes")
    assert result.exit_code == 2 and "credits" in result.stderr
    assert _entries(jane) == []


def test_pdf_without_text(jane: Cli, tmp_path: Path) -> None:
    scan = make_pdf(tmp_path / "scan.pdf", BY_NAME["aoa.pdf"]["lines"], text=False)
    result = jane("add", "--from-certificate", str(scan), "--yes")
    assert result.exit_code == 2
    assert result.stderr == "cmelog: no text found in this PDF; type the values\n"
    assert result.stdout == "" and _entries(jane) == []


def test_not_a_pdf_and_missing_file(jane: Cli, tmp_path: Path) -> None:
    text = tmp_path / "certificate.txt"
    text.write_text("AMA PRA Category 1 Credit")
    for path in (text, tmp_path / "missing.pdf"):
        result = jane("add", "--from-certificate", str(path), "--yes")
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert "--from-certificate" in result.stderr
    assert _entries(jane) == []


def test_moc_points_read_and_stored(jane: Cli, pdfs: dict[str, Path]) -> None:
    result = jane("add", "--from-certificate", str(pdfs["moc-abim.pdf"]), "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["moc_points"], doc["credits"], doc["format"]) == (21, 21, "enduring")


def test_on_a_terminal_each_value_is_confirmed_or_corrected(
    jane: Cli, pdfs: dict[str, Path], db_path: Path
) -> None:
    import os
    import sys

    import pexpect

    env = {**os.environ, "CMELOG_DB": str(db_path), "TERM": "xterm", "NO_COLOR": "1"}
    exe = str(Path(sys.executable).parent / "cmelog")
    child = pexpect.spawn(exe, ["add", "--from-certificate", str(pdfs["only-maximum.pdf"])],
                          env=env, encoding="utf-8", timeout=30, dimensions=(30, 100))  # fmt: skip
    child.expect("read from: .Date\\(s\\): 10/16/2025 - 10/18/2025")  # shown with its line
    child.expect("Title \\[Heart Failure Summit 2025\\]")
    child.sendline("")  # confirmed
    child.expect("Provider \\[")
    child.sendline("Cleveland Clinic")  # corrected
    child.expect("Date \\[2025-10-16\\]")
    child.sendline("10/16/2025")  # a wrong answer is explained and asked again at once
    child.expect("did you mean 2025-10-16\\?")
    child.expect("Date \\[2025-10-16\\]")
    child.sendline("")
    for _ in ("End date", "Category", "Format"):
        child.expect(_)
        child.sendline("")
    # not on the certificate (only the maximum was): asked, the maximum only as a hint
    child.expect("at most 20.75")
    child.expect("Kind")
    child.sendline("")
    child.expect("Credits")
    child.sendline("12.5")
    for prompt in ("Topics",):
        child.expect(prompt)
        child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    doc = json.loads(jane("show", "1", "--json").stdout)
    assert (doc["title"], doc["provider"], doc["credits"]) == (
        "Heart Failure Summit 2025", "Cleveland Clinic", 12.5)  # fmt: skip
    assert (doc["date"], doc["end_date"], doc["format"]) == ("2025-10-16", "2025-10-18", "live")
    assert doc["source"] == "certificate:only-maximum.pdf"


def test_yes_on_a_terminal_stores_what_was_read_without_questions(
    jane: Cli, pdfs: dict[str, Path], db_path: Path
) -> None:
    import os
    import sys

    import pexpect

    env = {**os.environ, "CMELOG_DB": str(db_path), "TERM": "xterm", "NO_COLOR": "1"}
    exe = str(Path(sys.executable).parent / "cmelog")
    child = pexpect.spawn(exe, ["add", "--from-certificate", str(pdfs["grand-rounds.pdf"]),
                                "--yes"], env=env, encoding="utf-8", timeout=30)  # fmt: skip
    child.expect("Added entry 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    doc = json.loads(jane("show", "1", "--json").stdout)
    assert (doc["title"], doc["credits"]) == ("Sepsis Bundles After SEP-1: What Still Works", 1)
